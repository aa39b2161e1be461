"""Which facets each surface has, which records they count, and how a count is said."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# The facets of each surface, in the form's order (``FILTER_ORDER``). A plan is not a facet
# of the plan list (a plan of itself); dates, the date basis and words are inputs.
FACETS: dict[str, tuple[str, ...]] = {
    "dashboard": ("sector", "theme", "actor", "plan", "kind"),
    "statements": ("sector", "theme", "actor", "plan", "kind"),
    "plans": ("sector", "theme", "actor", "kind"),
    "targets": ("sector", "theme", "actor", "plan", "indicator", "kind"),
}


@dataclass(frozen=True)
class Records:
    """One kind of record, and its field that holds each facet's values."""

    name: str
    # The records' own field for each facet ("themes" on statements, "theme" on targets).
    fields: Mapping[str, str]

    @property
    def one_sector(self) -> bool:
        """Whether a record has one sector at most (a parent's count is then its
        subtree's summed) rather than several (each record is counted once per parent)."""
        return self.fields["sector"] == "sector"


STATEMENTS = Records(
    "statements", {"sector": "sectors", "theme": "themes", "actor": "actor", "plan": "plans"}
)
PLANS = Records("plans", {"sector": "sectors", "theme": "themes", "actor": "issuer"})
TARGETS = Records(
    "targets",
    {
        "sector": "sector",
        "theme": "theme",
        "actor": "plan__issuer",  # a target's actor is its plan's issuer
        "plan": "plan",
        "indicator": "indicator",
    },
)
# The records each surface's facets count (the dashboard's kinds each count their own).
RECORDS = {
    "dashboard": STATEMENTS,
    "statements": STATEMENTS,
    "plans": PLANS,
    "targets": TARGETS,
}


def count_label(records: str, n: int) -> str:
    """``n`` records in words: "1 statement", "12 plans"."""
    if records == "plans":
        text = ngettext("%(n)d plan", "%(n)d plans", n)
    elif records == "targets":
        text = ngettext("%(n)d target", "%(n)d targets", n)
    else:
        text = ngettext("%(n)d statement", "%(n)d statements", n)
    return text % {"n": n}


def noun(records: str) -> str:
    """What ``records`` are called, in the reader's language."""
    return {"plans": _("plans"), "targets": _("targets")}.get(records) or _("statements")
