"""Citation by paragraph, as readers see it: a source's paragraphs with the excerpts cited
from them marked and linked. Pure: no database. (The proof that an excerpt occurs in its
source is the models' own, in ``policies.models.excerpts``.)"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Protocol

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from policies import localized
from policies.localized import Translatable


class CitedStatement(Translatable, Protocol):
    """What marking reads from a statement (a model instance, or a dataclass in a test); its
    headline in the reader's language, through ``TRANSLATED``."""

    @property
    def paragraph(self) -> int: ...

    @property
    def excerpt(self) -> str: ...

    @property
    def headline(self) -> str: ...

    def get_absolute_url(self) -> str: ...


@dataclass(frozen=True)
class MarkedParagraph:
    number: int
    html: SafeString
    statements: list[CitedStatement]


def mark_excerpts(
    paragraphs: list[str], statements: list[CitedStatement]
) -> list[MarkedParagraph]:
    """Each paragraph as HTML with the excerpts cited from it marked and linked to their
    statements. Text is escaped; where two excerpts overlap, the earlier one is marked."""
    by_paragraph: dict[int, list[CitedStatement]] = defaultdict(list)
    for statement in statements:
        by_paragraph[statement.paragraph].append(statement)
    marked = []
    for number, text in enumerate(paragraphs, start=1):
        cited = by_paragraph.get(number, [])
        spans = sorted(
            (
                (start, start + len(s.excerpt), s)
                for s in cited
                if s.excerpt and (start := text.find(s.excerpt)) >= 0
            ),
            key=lambda span: (span[0], span[1]),
        )
        parts: list[str] = []
        position = 0
        for start, end, statement in spans:
            if start < position:
                continue
            parts.append(text[position:start])
            parts.append(
                format_html(
                    '<mark><a href="{}" title="{}">{}</a></mark>',
                    statement.get_absolute_url(),
                    # The tooltip is plain text: an English stand-in says so with " (EN)".
                    localized.marked(localized.localized(statement, "headline")),
                    text[start:end],
                )
            )
            position = end
        parts.append(text[position:])
        html = format_html_join("", "{}", ((part,) for part in parts))
        marked.append(MarkedParagraph(number, html, cited))
    return marked
