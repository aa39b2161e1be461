"""Dates: find the date phrases of a text first, then resolve each against the document's
date. Nothing here reads whole sentences as dates: "10 % by 2025" holds the year phrase
"2025" and nothing else.

Resolution is our own arithmetic over the phrases the grammar found (date_grammar.py), not
dateparser: the grammar already knows which parts a phrase has, so the granularity is exact
(a month stays a month), a weekday is never moved into the future, and the module imports
in no time."""

from __future__ import annotations

import re
from datetime import date

from policies.intake.extract.date_grammar import BARE_YEAR, GRAMMAR, RANGES, Pattern, bare_year
from policies.intake.extract.shapes import Document, Proposed

Phrase = tuple[int, int, str]
_CUE_WINDOW = 24  # characters before a bare year in which its cue word must end


def _found(text: str, language: str) -> list[tuple[int, int, Pattern | None]]:
    """Every candidate span with the pattern that found it (None: one end of a span of
    years), overlapping ones included."""
    spans: list[tuple[int, int, Pattern | None]] = []
    for pattern in GRAMMAR.get(language, ()):
        for m in pattern.regex.finditer(text):
            if pattern.cue is not None:
                before = text[max(0, m.start() - _CUE_WINDOW) : m.start()]
                if not pattern.cue.search(before):
                    continue
            spans.append((m.start(), m.end(), pattern))
    for regex in RANGES.get(language, ()):
        for m in regex.finditer(text):
            if int(m["a"]) < int(m["b"]):
                spans += [(m.start("a"), m.end("a"), None), (m.start("b"), m.end("b"), None)]
    return spans


def phrases(text: str, language: str) -> list[Phrase]:
    """The date phrases of ``text`` as ``(start, end, phrase)``, in order, never
    overlapping: where two overlap, the longer (then the earlier) is kept."""
    spans = sorted(_found(text, language), key=lambda s: (-(s[1] - s[0]), s[0]))
    kept: list[Phrase] = []
    for start, end, _ in spans:
        if all(end <= k_start or start >= k_end for k_start, k_end, _ in kept):
            kept.append((start, end, text[start:end]))
    return sorted(kept)


def _parse(phrase: str, language: str) -> tuple[Pattern | None, re.Match[str]] | None:
    """The pattern a phrase is written in (None: a bare year, one end of a span) and its
    match."""
    for pattern in GRAMMAR.get(language, ()):
        m = pattern.regex.fullmatch(phrase)
        if m is not None:
            return pattern, m
    m = BARE_YEAR.fullmatch(phrase)
    return (None, m) if m is not None else None


def resolve(phrase: str, language: str, published: date | None) -> tuple[str, str] | None:
    """The phrase's ISO value and granularity (``day``, ``month``, ``year``), read against
    the document's date; None when it cannot be resolved (a weekday with no document date,
    a 30 February)."""
    parsed = _parse(phrase.strip(), language)
    if parsed is None:
        return None
    pattern, m = parsed
    return (pattern.resolve if pattern else bare_year)(m, published)


def find_dates(document: Document) -> list[Proposed]:
    """A ``date`` proposal for every phrase that resolves; the excerpt is the phrase."""
    proposals: list[Proposed] = []
    for number, text in enumerate(document.paragraphs, start=1):
        for start, _, phrase in phrases(text, document.language):
            parsed = _parse(phrase, document.language)
            if parsed is None:
                continue
            pattern, m = parsed
            resolved = (pattern.resolve if pattern else bare_year)(m, document.published)
            if resolved is None:
                continue
            name = pattern.name if pattern else "year_span"
            value, granularity = resolved
            proposals.append(
                Proposed(
                    kind="date",
                    paragraph=number,
                    excerpt=phrase,
                    start=start,
                    confidence=pattern.confidence if pattern else 0.75,
                    rule=f"date.{document.language}.{name}",
                    fields={"text": phrase, "resolved": value, "granularity": granularity},
                )
            )
    return proposals
