"""The extraction pipeline: pure functions from a document's paragraphs to proposals.
``extract`` is the one door; each rule module is tested on its own."""

from policies.intake.extract.pipeline import extract
from policies.intake.extract.shapes import (
    KINDS,
    LANGUAGES,
    Document,
    IndicatorNames,
    Lexicon,
    Named,
    PlanNames,
    Proposed,
)

__all__ = [
    "KINDS",
    "LANGUAGES",
    "Document",
    "IndicatorNames",
    "Lexicon",
    "Named",
    "PlanNames",
    "Proposed",
    "extract",
]
