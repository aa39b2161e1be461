"""How readers cite what the tracker shows, and how the tracker cites its sources.

- ``marking``: a source's paragraphs with the excerpts cited from them marked and linked.
- ``references``: a statement or plan as a ``Reference`` (who wrote the cited document,
  whose words the excerpt is, the record's permalink, access date and data version).
- ``formats``: a ``Reference`` as Chicago author-date and APA text, BibTeX, RIS and CSL-JSON.

All pure: they read records already loaded, and never query the database.
"""

from policies.citations.formats import FORMATS, CitationFormat, render
from policies.citations.marking import CitedStatement, MarkedParagraph, mark_excerpts
from policies.citations.references import Reference, plan_reference, statement_reference

__all__ = [
    "FORMATS",
    "CitationFormat",
    "CitedStatement",
    "MarkedParagraph",
    "Reference",
    "mark_excerpts",
    "plan_reference",
    "render",
    "statement_reference",
]
