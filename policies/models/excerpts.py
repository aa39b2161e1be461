"""The excerpt proof: how a source's text is numbered, and how an excerpt is proven to occur
in it verbatim. Pure (no database), so the models, the seed loader, the importer and the
admin all prove an excerpt the same way, and it is tested without a database."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from policies.models.reference import Source

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
