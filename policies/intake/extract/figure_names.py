"""What a figure measures: the indicator whose name or alias stands before the number, and
the figure's value in a unit that indicator can hold (policies/units.py). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from policies import units
from policies.intake.extract.numbers import SPACES, Number
from policies.intake.extract.shapes import IndicatorNames

# What each counter word counts, as units.py names the quantity. 户 is a household or a
# user: the indicator decides. 个 is Chinese's general classifier.
_COUNTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("%", "％", "per cent", "percent", "pour cent", "pourcent"), ("percent",)),
    **dict.fromkeys(("人", "people", "persons", "personnes", "jobs", "emplois"), ("people",)),
    "户": ("households", "users"),
    **dict.fromkeys(("households", "ménages", "foyers"), ("households",)),
    **dict.fromkeys(("users", "subscribers", "utilisateurs", "abonnés"), ("users",)),
    **dict.fromkeys(("元", "yuan", "yuans"), ("yuan",)),
    **dict.fromkeys(("斤", "jin"), ("jin",)),
    "个": ("cities", "per-10k-people"),
    **dict.fromkeys(("cities", "villes"), ("cities",)),
    "eflops": ("eflops",),
    **dict.fromkeys(("eb", "eo"), ("exabytes",)),
}

_YEAR = re.compile(r"(?:19|20)\d\d年?")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")
# Between a name and its number: a few linking words ("全年控制在", "平均为"), never
# another noun that the name only qualifies (经济增长的贡献率) nor another figure.
_ZH_GAP = 10
_LATIN_GAP = 50


# English names a change as a noun ("GDP growth") and reports it with a verb ("GDP grew
# 5.2%"): the verb forms of a name's last word name the same series.
_VERB_FORMS = {
    "growth": ("grew", "grows", "has grown", "expanded"),
    "increase": ("increased", "rose", "rises"),
    "reduction": ("fell", "was reduced", "dropped"),
}


@dataclass(frozen=True)
class NameHit:
    indicator: IndicatorNames
    start: int
    end: int


@cache
def _pattern(indicators: tuple[IndicatorNames, ...]) -> tuple[re.Pattern[str], dict[str, int]]:
    """One pattern for every name of every indicator, longest first, and which indicator
    each lower-cased name belongs to."""
    owner: dict[str, int] = {}
    for index, indicator in enumerate(indicators):
        for name in indicator.names:
            owner.setdefault(name.casefold(), index)
            head, _, last = name.casefold().rpartition(" ")
            for form in _VERB_FORMS.get(last, ()) if head else ():
                owner.setdefault(f"{head} {form}", index)
    names = sorted(owner, key=len, reverse=True)
    if not names:
        return re.compile(r"(?!x)x"), owner
    alternatives = (
        re.escape(name)
        if not name[:1].isascii() or not name[-1:].isascii()
        # A Latin name is a whole word: "GDP growth" is not in "GDP growths".
        else rf"(?<!\w){re.escape(name)}(?!\w)"
        for name in names
    )
    return re.compile("|".join(alternatives), re.IGNORECASE), owner


def _hits(text: str, indicators: tuple[IndicatorNames, ...]) -> list[NameHit]:
    pattern, owner = _pattern(indicators)
    return [
        NameHit(indicators[owner[match.group().casefold()]], match.start(), match.end())
        for match in pattern.finditer(text)
    ]


def _linking(gap: str) -> bool:
    """Whether ``gap`` only links a name to its number."""
    gap = _YEAR.sub("", gap)
    if any(character.isdigit() for character in gap):
        return False
    if _CJK.search(gap):
        return len(gap) <= _ZH_GAP and "的" not in gap
    return len(gap) <= _LATIN_GAP


def name_before(text: str, end: int, indicators: tuple[IndicatorNames, ...]) -> NameHit | None:
    """The indicator named closest before ``end`` in ``text`` (the longest name when two end
    together), if only linking words stand between it and ``end``."""
    hits = [hit for hit in _hits(text[:end], indicators) if _linking(text[hit.end : end])]
    return max(hits, key=lambda hit: (hit.end, hit.end - hit.start), default=None)


def name_after(text: str, start: int, indicators: tuple[IndicatorNames, ...]) -> NameHit | None:
    """The indicator named right after a number (``start`` is where its digits end), past
    a classifier at most: "100个千兆城市", "1 000 villes gigabit"."""
    hits = _hits(text[start:], indicators)
    first = min(hits, key=lambda hit: hit.start, default=None)
    if first is None or len(text[start : start + first.start].strip(SPACES)) > 1:
        return None
    return NameHit(first.indicator, start + first.start, start + first.end)


def in_unit(number: Number, unit_code: str) -> tuple[Decimal, str] | None:
    """``number`` as a value and a unit code the indicator of unit ``unit_code`` can hold:
    the unit the document wrote where units.py has it (1100万人 → 1100 wan-people; 8亿户 of
    an indicator counted in users → 8 yi-users), else converted to the indicator's own
    (1.5 million people → 150 wan-people). None when the number counts something else."""
    target = units.UNITS.get(unit_code)
    if target is None:
        return None
    quantity = target.quantity.code
    counter = number.counter.casefold()
    if counter:
        if quantity not in _COUNTS.get(counter, ()):
            return None
    elif target.quantity.symbol:
        return None  # a per cent needs its sign: a bare 5 is not 5 %
    elif number.bare:
        return number.value, unit_code  # as a table gives it, in the indicator's unit
    for code, unit in units.UNITS.items():
        if unit.quantity.code == quantity and unit.factor == number.scale:
            return number.value, code
    return number.count / target.factor, unit_code


def written_unit(number: Number) -> str:
    """The unit as the document wrote it, the full-width per cent sign read as %."""
    return number.unit.replace("％", "%")
