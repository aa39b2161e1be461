"""A statement or a plan as a ``Reference``: the facts every citation format is written from.

The rule that matters most here is attribution. A statement is cited from the document that
holds its excerpt, so the reference credits *that document's* author: for a news report, the
outlet or its reporter, not the person reported on. Whose words the excerpt is comes from the
statement's wording: a quotation is the speaker's words "quoted in" the source; a paraphrase
is the source's words about the speaker, and is never put in quotation marks as the
speaker's own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Protocol

QUOTATION = "quotation"
PARTIAL_QUOTATION = "partial_quotation"
PARAPHRASE = "paraphrase"
WORDINGS = (QUOTATION, PARTIAL_QUOTATION, PARAPHRASE)


class SourceLike(Protocol):
    title: str
    title_en: str
    title_descriptive: bool
    author: str
    publisher: str
    kind: str
    tier: str
    language: str
    url: str
    translation_url: str
    published_on: datetime.date | None


class ActorLike(Protocol):
    name: str


class StatementLike(Protocol):
    slug: str
    headline: str
    excerpt: str
    wording: str
    paragraph: int
    delivered_on: datetime.date | None
    published_on: datetime.date

    @property
    def actor(self) -> ActorLike: ...

    @property
    def source(self) -> SourceLike: ...


class PlanLike(Protocol):
    slug: str
    title: str
    title_en: str
    kind: str
    language: str
    document_number: str
    published_on: datetime.date | None

    @property
    def issuer(self) -> ActorLike: ...

    @property
    def source(self) -> SourceLike | None: ...


@dataclass(frozen=True)
class Reference:
    """One citable record, in the terms the formats share.

    ``authors`` are the cited document's, as credited (corporate names are kept whole).
    ``speaker`` and ``wording`` say whose words the excerpt is; ``quote`` is the excerpt
    only where it may appear in quotation marks (never for a paraphrase).
    """

    key: str
    record: str  # "statement" or "plan"
    record_title: str
    document_kind: str  # Source.Kind or, for a plan, "plan:" + Plan.Kind
    authors: tuple[str, ...]
    title: str
    title_en: str
    publisher: str
    issued: datetime.date | None
    language: str
    permalink: str
    accessed: datetime.date
    version: datetime.date | None
    paragraph: int | None = None
    document_number: str = ""
    speaker: str = ""
    wording: str = ""
    quote: str = ""
    original_url: str = ""
    translation_url: str = ""
    # The title was written for the tracker: no format quotes it as the document's own.
    title_descriptive: bool = False

    @property
    def quoted_in(self) -> bool:
        """The speaker's own words, as another author's document quotes them."""
        return self.wording == QUOTATION and self.speaker not in self.authors


def _credited(source: SourceLike) -> tuple[str, ...]:
    # A document that names no author is credited to its publisher, as style guides ask.
    return (source.author or source.publisher,)


def statement_reference(
    statement: StatementLike,
    *,
    permalink: str,
    accessed: datetime.date,
    version: datetime.date | None,
) -> Reference:
    """How to cite ``statement``: from its cited source, crediting that source's author."""
    source = statement.source
    wording = statement.wording if statement.wording in WORDINGS else PARAPHRASE
    return Reference(
        key=f"policytracker-statement-{statement.slug}",
        record="statement",
        record_title=statement.headline,
        document_kind=source.kind,
        authors=_credited(source),
        title=source.title,
        title_en=source.title_en if source.title_en != source.title else "",
        publisher=source.publisher,
        issued=source.published_on,
        language=source.language,
        permalink=permalink,
        accessed=accessed,
        version=version,
        paragraph=statement.paragraph,
        speaker=statement.actor.name,
        wording=wording,
        quote="" if wording == PARAPHRASE else statement.excerpt,
        original_url=source.url,
        translation_url=source.translation_url,
        title_descriptive=source.title_descriptive,
    )


def plan_reference(
    plan: PlanLike,
    *,
    permalink: str,
    accessed: datetime.date,
    version: datetime.date | None,
) -> Reference:
    """How to cite ``plan``: the document itself, credited to its issuer."""
    source = plan.source
    return Reference(
        key=f"policytracker-plan-{plan.slug}",
        record="plan",
        record_title=plan.title_en,
        document_kind=f"plan:{plan.kind}",
        authors=(plan.issuer.name,),
        title=plan.title,
        title_en=plan.title_en if plan.title_en != plan.title else "",
        publisher=plan.issuer.name,
        issued=plan.published_on,
        language=plan.language,
        permalink=permalink,
        accessed=accessed,
        version=version,
        document_number=plan.document_number,
        original_url=source.url if source else "",
        translation_url=source.translation_url if source else "",
    )
