"""Baselines: the starting value a target is set against, or a result compared with, stated
beside it ("从2020年的7.8%提高到10%", "达到10%，比2020年的7.8%提高", "from 7.8% in 2020 to
10%", "10 %, contre 7,8 % en 2020"). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from policies.intake.extract.figure_cues import Time
from policies.intake.extract.numbers import Number


@dataclass(frozen=True)
class Baseline:
    number: Number
    time: Time | None  # the baseline's year, when stated
    opens: int  # where its words begin (从, from): the figure's name stands before them


# The words that open a baseline stand just before its number: no search looks further back
# than this, so that a sentence's numbers each cost the same.
_REACH = 40
_ZH_FROM = re.compile(r"(?:从|由)(?:(?P<year>(?:19|20)\d\d)年的?)?$")
_ZH_TO = re.compile(r"[^，；。\d]{0,12}?(?:到|至)(?:(?:19|20)\d\d年(?:底|末)?的?)?")
# 比2020年的7.8%: the figure before is compared with this one, of a stated year.
_ZH_VERSUS = re.compile(r"[，,]?(?:比|较|相比)(?P<year>(?:19|20)\d\d)年(?:底|末)?的?")
_LATIN_FROM = re.compile(r"(?<!\w)(?:from|de|d['’])\s*$", re.IGNORECASE)
_LATIN_TO = re.compile(
    r"(?:\s+(?:in|en|fin|at end-?)\s+(?:19|20)\d\d)?[^,;.\d]{0,30}?(?<!\w)(?:to|à)\s*",
    re.IGNORECASE,
)
_LATIN_VERSUS = re.compile(
    r"(?:(?<!\w)(?:contre|compared with|compared to|versus|against)|,\s*(?:up |down )?from)"
    r"\s*$",
    re.IGNORECASE,
)
_LATIN_YEAR = re.compile(r"\s+(?:in|en|fin|at end-?)\s+((?:19|20)\d\d)", re.IGNORECASE)


def baselines(text: str, numbers: list[Number], language: str) -> dict[Number, Baseline]:
    """The baselines ``text`` states, by the figure each belongs to."""
    found: dict[Number, Baseline] = {}
    for first, second in pairwise(numbers):
        between = text[first.end : second.start]
        if language == "zh":
            opening = _ZH_FROM.search(text, max(0, first.start - _REACH), first.start)
            versus = _ZH_VERSUS.fullmatch(between)
            if opening and _ZH_TO.fullmatch(between):
                year = opening["year"]
                time = Time(opening.start("year"), first.start, int(year)) if year else None
                found[second] = Baseline(first, time, opening.start())
            elif versus:
                time = Time(first.end + versus.start("year"), second.start, int(versus["year"]))
                found[first] = Baseline(second, time, first.start)
        elif (
            opening := _LATIN_FROM.search(text, max(0, first.start - _REACH), first.start)
        ) and _LATIN_TO.fullmatch(between):
            found[second] = Baseline(first, _latin_year(text, first), opening.start())
        elif _LATIN_VERSUS.search(text, max(0, second.start - _REACH), second.start):
            found[first] = Baseline(second, _latin_year(text, second), first.start)
    return found


def _latin_year(text: str, number: Number) -> Time | None:
    stated = _LATIN_YEAR.match(text, number.end)
    return Time(stated.start(1), stated.end(1), int(stated[1])) if stated else None
