"""The pipeline: proposals in reading order, each excerpt proven at its place, and a
paragraph of a whole book run together read in windows without losing or moving a span."""

from policies.intake.extract import Document, Lexicon, Named, extract
from policies.intake.extract.pipeline import WINDOW, _windows

LEXICON = Lexicon(actors=(Named("xi-jinping", ("Xi Jinping", "Xi")),))
SENTENCE = "« Nous devons bâtir le numérique numéro {n} », a déclaré Xi. "


def test_paragraphs_shorter_than_a_window_are_read_whole():
    paragraphs = ("Un.", "Deux " * 900)
    assert _windows(paragraphs) == (list(paragraphs), [(1, 0), (2, 0)])


def test_a_paragraph_longer_than_a_window_is_cut_at_sentence_ends():
    text = "".join(SENTENCE.format(n=n) for n in range(400))
    windows, places = _windows((text,))
    assert len(windows) > 1
    assert "".join(windows) == text
    assert all(len(w) <= WINDOW for w in windows)
    # Each window ends after a sentence: the next one starts with a quotation mark.
    assert all(w.startswith("«") for w in windows)
    assert [offset for _, offset in places] == [text.index(w) for w in windows]


def test_every_quotation_of_a_giant_paragraph_is_found_at_its_place():
    text = "".join(SENTENCE.format(n=n) for n in range(400))
    document = Document(paragraphs=("Titre.", text), language="fr")
    statements = [p for p in extract(document, LEXICON) if p.kind == "statement"]
    assert len(statements) == 400
    for proposal in statements:
        assert proposal.paragraph == 2
        assert text[proposal.start : proposal.start + len(proposal.excerpt)] == proposal.excerpt
        assert (proposal.fields["speaker"], proposal.fields["wording"]) == (
            "xi-jinping",
            "quotation",
        )
    assert [p.start for p in statements] == sorted(p.start for p in statements)
