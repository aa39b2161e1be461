"""Paragraph numbering and verbatim proof, without a database."""

import pytest

from policies.models.excerpts import ExcerptError, paragraph_split, verify_excerpt


class FakeSource:
    def __init__(self, text: str) -> None:
        self.paragraphs = paragraph_split(text)

    def __str__(self) -> str:
        return "the report"


def test_paragraphs_split_at_blank_lines_whatever_the_line_endings():
    text = "One.\r\n\r\nTwo,\nstill two.\n  \n\n\nThree.\n"
    assert paragraph_split(text) == ["One.", "Two,\nstill two.", "Three."]


def test_empty_text_has_no_paragraphs():
    assert paragraph_split("") == []
    assert paragraph_split("\n\n  \n") == []


@pytest.mark.parametrize(
    ("excerpt", "paragraph"),
    [("Two,\nstill", 2), ("Three.", 3), ("One", None)],
)
def test_verbatim_excerpts_pass(excerpt, paragraph):
    verify_excerpt(
        FakeSource("One.\n\nTwo,\nstill two.\n\nThree."), paragraph=paragraph, excerpt=excerpt
    )


@pytest.mark.parametrize(
    ("excerpt", "paragraph", "field", "message"),
    [
        ("one.", 1, "excerpt", "does not occur verbatim in paragraph 1"),  # case matters
        ("Two, still", 2, "excerpt", "does not occur verbatim"),  # so does white space
        ("Three.", 1, "paragraph", "is in paragraph 3"),
        ("One.", 4, "paragraph", "has paragraphs 1 to 3; there is no paragraph 4"),
        ("   ", 1, "excerpt", "The excerpt is empty."),
        ("Four", None, "excerpt", "does not occur verbatim in source"),
    ],
)
def test_excerpts_that_are_not_verbatim_are_refused(excerpt, paragraph, field, message):
    with pytest.raises(ExcerptError) as error:
        verify_excerpt(
            FakeSource("One.\n\nTwo,\nstill two.\n\nThree."), paragraph=paragraph, excerpt=excerpt
        )
    assert error.value.field == field
    assert message in str(error.value)


def test_source_without_text_cannot_prove_anything():
    with pytest.raises(ExcerptError) as error:
        verify_excerpt(FakeSource(""), paragraph=1, excerpt="anything")
    assert error.value.field == "source"
    assert "holds no text" in str(error.value)
