"""Citation by paragraph: how a source's text is numbered and how an excerpt is proven.

Kept apart from the models so the seed loader, the importer and the admin all prove an
excerpt the same way, and so it can be tested without a database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from policies.models import Source

PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+")


def paragraph_split(text: str) -> list[str]:
    """Split a text into paragraphs at blank lines; paragraph N is ``result[N - 1]``."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in PARAGRAPH_BREAK.split(normalised) if p.strip()]


class ExcerptError(ValueError):
    """An excerpt that cannot be proven; ``field`` names the form field to blame."""

    def __init__(self, message: str, *, field: str = "excerpt") -> None:
        super().__init__(message)
        self.field = field


def verify_excerpt(source: Source, *, paragraph: int | None, excerpt: str) -> None:
    """Raise ExcerptError unless ``excerpt`` occurs verbatim in ``source`` (in ``paragraph``).

    Verbatim means character for character: no case folding, no quote or space
    normalisation, because a reader who searches the source for the excerpt must find it.
    """
    if not excerpt.strip():
        raise ExcerptError(_("The excerpt is empty."))
    paragraphs = source.paragraphs
    if not paragraphs:
        raise ExcerptError(
            _(
                "Source “%(source)s” holds no text, so the excerpt cannot be checked. Add the "
                "source's text first, or cite a source whose text we hold."
            )
            % {"source": source},
            field="source",
        )
    if paragraph is None:
        if any(excerpt in p for p in paragraphs):
            return
        raise ExcerptError(
            _("The excerpt does not occur verbatim in source “%(source)s”.") % {"source": source}
        )
    if not 1 <= paragraph <= len(paragraphs):
        raise ExcerptError(
            _(
                "Source “%(source)s” has paragraphs 1 to %(count)d; there is no paragraph "
                "%(paragraph)d."
            )
            % {"source": source, "count": len(paragraphs), "paragraph": paragraph},
            field="paragraph",
        )
    if excerpt in paragraphs[paragraph - 1]:
        return
    found_in = [n for n, p in enumerate(paragraphs, start=1) if excerpt in p]
    if found_in:
        raise ExcerptError(
            _(
                "The excerpt is in paragraph %(found)s of “%(source)s”, not paragraph "
                "%(paragraph)d."
            )
            % {
                "found": ", ".join(map(str, found_in)),
                "source": source,
                "paragraph": paragraph,
            },
            field="paragraph",
        )
    raise ExcerptError(
        _("The excerpt does not occur verbatim in paragraph %(paragraph)d of “%(source)s”.")
        % {"paragraph": paragraph, "source": source}
    )


@dataclass(frozen=True)
class MarkedParagraph:
    number: int
    html: SafeString
    statements: list[Any]


def mark_excerpts(paragraphs: list[str], statements: list[Any]) -> list[MarkedParagraph]:
    """Each paragraph as HTML with the excerpts cited from it marked and linked to their
    statements. Text is escaped; where two excerpts overlap, the earlier one is marked."""
    by_paragraph: dict[int, list[Any]] = defaultdict(list)
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
        parts: list[Any] = []
        position = 0
        for start, end, statement in spans:
            if start < position:
                continue
            parts.append(text[position:start])
            parts.append(
                format_html(
                    '<mark><a href="{}" title="{}">{}</a></mark>',
                    statement.get_absolute_url(),
                    statement.headline,
                    text[start:end],
                )
            )
            position = end
        parts.append(text[position:])
        html = format_html_join("", "{}", ((part,) for part in parts))
        marked.append(MarkedParagraph(number, html, cited))
    return marked
