"""The pipeline: each rule module reads the document's paragraphs and proposes what it
finds; the proposals come back in reading order, each excerpt proven to be in its paragraph.
"""

from __future__ import annotations

import dataclasses
import logging
import re

from policies.intake.extract import dates, figures, plans, quotes, topics
from policies.intake.extract.shapes import KINDS, Document, Lexicon, Proposed

logger = logging.getLogger(__name__)

# The rules read a paragraph at a time, and some of them (quotations, dates, topics) cost
# more than its length in a paragraph of a whole book run together. A paragraph longer
# than this is read in windows cut at sentence ends; a real one is far shorter (the
# Government Work Reports' longest is under 700 characters), so only such texts see them.
WINDOW = 5000
SENTENCE_END = re.compile(r"[。！？.!?][”\"»」』’)）]*\s*")


def extract(document: Document, lexicon: Lexicon) -> list[Proposed]:
    """Every proposal for ``document``, in reading order (paragraph, then position)."""
    windows, places = _windows(document.paragraphs)
    read = dataclasses.replace(document, paragraphs=tuple(windows))
    found: list[Proposed] = [
        *quotes.find_statements(read, lexicon),
        *figures.find_figures(read, lexicon),
        *plans.find_plans(read, lexicon),
        *dates.find_dates(read),
    ]
    found = [_placed(p, places) for p in topics.suggest(read, lexicon, found) if _holds(read, p)]
    return sorted(found, key=lambda p: (p.paragraph, p.start, KINDS.index(p.kind)))


def _windows(paragraphs: tuple[str, ...]) -> tuple[list[str], list[tuple[int, int]]]:
    """The paragraphs as the rules read them, and where each begins: (paragraph, offset)."""
    windows: list[str] = []
    places: list[tuple[int, int]] = []
    for number, text in enumerate(paragraphs, start=1):
        start = 0
        while len(text) - start > WINDOW:
            end = _cut(text, start)
            windows.append(text[start:end])
            places.append((number, start))
            start = end
        windows.append(text[start:])
        places.append((number, start))
    return windows, places


def _cut(text: str, start: int) -> int:
    """Where a window from ``start`` ends: after its last sentence in the window's second
    half, else at its last space there, else at the window's length."""
    lowest, highest = start + WINDOW // 2, start + WINDOW
    ends = [m.end() for m in SENTENCE_END.finditer(text, lowest, highest)]
    if ends:
        return ends[-1]
    space = text.rfind(" ", lowest, highest)
    return space + 1 if space > 0 else highest


def _placed(proposal: Proposed, places: list[tuple[int, int]]) -> Proposed:
    """A proposal on a window, placed back in its paragraph."""
    paragraph, offset = places[proposal.paragraph - 1]
    return dataclasses.replace(proposal, paragraph=paragraph, start=proposal.start + offset)


def _holds(document: Document, proposal: Proposed) -> bool:
    """Whether the proposal's excerpt is its paragraph's text at ``start``. A rule that
    proposes anything else is a bug: logged, and the proposal never shown."""
    if not 1 <= proposal.paragraph <= len(document.paragraphs):
        logger.error("rule %s proposed paragraph %d", proposal.rule, proposal.paragraph)
        return False
    text = document.paragraphs[proposal.paragraph - 1]
    if text[proposal.start : proposal.start + len(proposal.excerpt)] != proposal.excerpt:
        logger.error("rule %s proposed a span its paragraph does not hold", proposal.rule)
        return False
    return bool(proposal.excerpt.strip())
