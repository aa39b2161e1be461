"""The domain: who said what, in which document, which plan it points to, what that plan
promises in numbers, and what has been measured since.

Lineage runs statement → plan → target → indicator → observation and is navigable both ways through
the ``related_name``s. Invariants that the database can hold are constraints, so a bulk
import or a shell session cannot break them either.
"""

from policies.models.common import PublicationStatus
from policies.models.indicators import Indicator, Observation, Qualifier
from policies.models.plans import Plan, Target
from policies.models.proposals import Proposal
from policies.models.reference import Actor, Sector, Source, Theme
from policies.models.rollups import StatementRollup
from policies.models.statements import Statement, StatementSearch

__all__ = [
    "Actor",
    "Indicator",
    "Observation",
    "Plan",
    "Proposal",
    "PublicationStatus",
    "Qualifier",
    "Sector",
    "Source",
    "Statement",
    "StatementRollup",
    "StatementSearch",
    "Target",
    "Theme",
]
