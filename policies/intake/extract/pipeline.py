"""The pipeline: each rule module reads the document's paragraphs and proposes what it
finds; the proposals come back in reading order, each excerpt proven to be in its paragraph.
"""

from __future__ import annotations

import logging

from policies.intake.extract import dates, figures, plans, quotes, topics
from policies.intake.extract.shapes import KINDS, Document, Lexicon, Proposed

logger = logging.getLogger(__name__)


def extract(document: Document, lexicon: Lexicon) -> list[Proposed]:
    """Every proposal for ``document``, in reading order (paragraph, then position)."""
    found: list[Proposed] = [
        *quotes.find_statements(document, lexicon),
        *figures.find_figures(document, lexicon),
        *plans.find_plans(document, lexicon),
        *dates.find_dates(document),
    ]
    found = [p for p in topics.suggest(document, lexicon, found) if _holds(document, p)]
    return sorted(found, key=lambda p: (p.paragraph, p.start, KINDS.index(p.kind)))


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
