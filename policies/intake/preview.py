"""A document's proposals without writing anything: what ``extract_records`` prints, and
what the admin shows before an editor takes the document in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from policies.intake.documents import Extracted
from policies.intake.extract import Document, Proposed, extract
from policies.intake.lexicon import load_lexicon
from policies.models.excerpts import paragraph_split


@dataclass(frozen=True)
class Preview:
    document: Document
    proposals: list[Proposed]

    def as_json(self) -> dict[str, Any]:
        """The public shape (DESIGN.md, "extraction")."""
        published = self.document.published
        return {
            "source": {
                "title": self.document.title,
                "language": self.document.language,
                "published": published.isoformat() if published else None,
                "paragraphs": len(self.document.paragraphs),
            },
            "proposals": [p.as_json() for p in self.proposals],
        }


def preview(
    extracted: Extracted,
    *,
    language: str | None = None,
    published: datetime.date | None = None,
) -> Preview:
    """The proposals for ``extracted``, in the language and with the date the editor gives
    (else those the document states)."""
    document = Document(
        paragraphs=tuple(paragraph_split(extracted.text)),
        language=language or extracted.language,
        published=published or extracted.published,
        title=extracted.title,
    )
    return Preview(document, extract(document, load_lexicon()))
