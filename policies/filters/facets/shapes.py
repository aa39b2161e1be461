"""What the pages draw: a facet's values with their counts, and the chips that each take one
active filter value out."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Option:
    """One value of a facet: its GET value, its label in the reader's language, and how
    many records choosing it (with the other facets' values) selects."""

    value: str
    label: str
    # 0 where the facet is not ``counted``.
    count: int
    chosen: bool
    # The dashboard's kind facet: which records the kind is of ("Statements", "Plans"...).
    group: str = ""
    # The sector tree: the sub-sectors.
    children: tuple[Option, ...] = ()
    # The count in words, for screen readers: "12 statements" (in the reader's language);
    # empty where the facet is not ``counted``.
    count_label: str = ""

    def walk(self) -> tuple[Option, ...]:
        """This option and every option below it, in tree order."""
        return (self, *(o for child in self.children for o in child.walk()))


@dataclass(frozen=True)
class Facet:
    """One filter as a list of values with counts."""

    name: str
    label: str
    options: tuple[Option, ...]
    # What the counts count, in words: "statements", "plans", "targets" (in the reader's
    # language; "records" for the dashboard's kinds, each of which counts its own).
    counts: str
    # False when the page's time for counting (``budget``) ran out before this facet's
    # counts did: its values are listed, the chosen first, without counts (``note``).
    counted: bool = True

    @property
    def chosen(self) -> int:
        """How many of its values are chosen (the tree's included)."""
        return sum(o.chosen for o in self._all())

    @property
    def size(self) -> int:
        """How many values it lists (the tree's included)."""
        return len(self._all())

    @property
    def note(self) -> str:
        """What the page says instead of the counts, in the reader's language ("" when
        counted)."""
        return "" if self.counted else _("Counts take too long for this selection.")

    def _all(self) -> tuple[Option, ...]:
        return tuple(o for option in self.options for o in option.walk())


@dataclass(frozen=True)
class Chip:
    """One active filter value, and the query string without it."""

    name: str
    label: str
    remove: str
