"""The number reader: every quantity a text states, with its value, its scale word, its unit
as written, its qualifier and its span. Pure, and blind to meaning: what a figure measures
and whether it is a target is for ``figures`` to decide.

Chinese counts in 万 (10⁴), 亿 (10⁸) and 万亿 (10¹²); English in million, billion and
trillion; French in millions, milliards and mille milliards, with a decimal comma and
thousands set apart by a space (normal, no-break or thin). Years, dates, ordinals and
numbers glued to letters (5G, IPv6, PM2.5) are not quantities and are left out. Numbers
written in Chinese characters (一千万) are not read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

Qualifier = Literal["about", "at_least", "at_most", "exact"]

SPACES = " \u00a0\u202f\u2009"  # normal, no-break, narrow no-break and thin spaces


@dataclass(frozen=True)
class Number:
    """A quantity as a text states it: ``1.3万亿斤以上`` is value 1.3, scale 10¹², unit
    ``万亿斤``, counter ``斤``, qualifier ``at_least``. ``start``/``end`` span the figure
    in the text, a qualifier before or after it included."""

    value: Decimal
    scale: Decimal
    unit: str  # as written, scale word included: 万亿斤, %, million households; "" if none
    counter: str  # what is counted, as written after the scale word: 斤, %, households
    qualifier: Qualifier
    start: int
    end: int
    numeral_start: int  # where the digits begin (after a leading qualifier)
    numeral_end: int  # where they end (before the scale word and the unit)

    @property
    def count(self) -> Decimal:
        """The value with its scale applied: 1100万 → 11,000,000."""
        return self.value * self.scale

    @property
    def bare(self) -> bool:
        """A number with neither scale nor unit ("9", "2.0"): rarely a figure by itself."""
        return not self.unit


_SCALES = {
    "万亿": Decimal(10) ** 12,
    "千亿": Decimal(10) ** 11,
    "百亿": Decimal(10) ** 10,
    "亿": Decimal(10) ** 8,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "万": Decimal(10) ** 4,
    "mille milliards": Decimal(10) ** 12,
    "trillion": Decimal(10) ** 12,
    "tn": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "milliard": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "thousand": Decimal(10) ** 3,
    "mille": Decimal(10) ** 3,
}

_ZH_COUNTERS = (
    "个百分点|百分点|人次|千瓦时|千瓦|公里|平方米|立方米|美元|%|％|人|户|元|斤|吨|辆|个|家|件|"
    "部|项|倍|亩|座|所|台|艘|套|名|EFLOPS|EB"
)
_EN_COUNTERS = (
    r"%|per\s?cent|percentage points?|people|persons|jobs|households|users|subscribers|"
    r"yuan|jin|tonnes|tons|cities|EFLOPS|EB"
)
_FR_COUNTERS = (
    r"%|pour\s?cent|points? de pourcentage|personnes|emplois|ménages|foyers|utilisateurs|"
    r"abonnés|yuans?|jin|tonnes|villes|EFLOPS|Eo|EB"
)
_S = f"[{SPACES}]"

_PATTERNS = {
    "zh": (
        r"(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)(?P<more>多)?"
        r"(?P<scale>万亿|千亿|百亿|千万|百万|亿|万)?"
        rf"(?P<counter>{_ZH_COUNTERS})?"
    ),
    "en": (
        r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
        rf"(?:{_S}*(?P<scale>trillion|billion|million|thousand|tn|bn|mn)s?\b)?"
        rf"(?:{_S}*(?P<counter>{_EN_COUNTERS})(?![\w]))?"
    ),
    "fr": (
        rf"(?P<num>\d{{1,3}}(?:{_S}\d{{3}})+(?:,\d+)?|\d+(?:[,.]\d+)?)"
        rf"(?:{_S}*(?P<scale>mille milliards|milliard|million|mille)s?\b)?"
        rf"(?:{_S}*(?:d[e'’]{_S}*)?(?P<counter>{_FR_COUNTERS})(?![\w]))?"
    ),
}

_BEFORE = {
    "zh": {
        "at_least": "首次跃上|跃上|超过|突破|高于|多于|不低于|不少于|至少",
        "about": "将近|接近|大约|约|近",
        "at_most": "不超过|不高于|不到|低于|少于",
    },
    "en": {
        "at_least": "at least|no less than|not less than|more than|over|above|exceeding|"
        "in excess of|upwards of",
        "about": "about|around|approximately|roughly|some|nearly|almost|close to",
        "at_most": "at most|no more than|not more than|up to|less than|fewer than|under|below",
    },
    "fr": {
        "at_least": "au moins|plus de|au-delà de|supérieure? à",
        "about": "d['’]environ|environ|près de|autour de|quelque|presque",
        "at_most": "au plus|moins de|jusqu['’]à|inférieure? à",
    },
}
_AFTER = {
    "zh": {"about": "左右|上下", "at_least": "以上|多", "at_most": "以内|以下"},
    "en": {"about": r"\s+or so", "at_least": r"\s+or more", "at_most": r"\s+or less"},
    "fr": {"about": rf"{_S}+environ", "at_least": rf"{_S}+(?:au moins|ou plus)"},
}


@cache
def _compiled(language: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    def alternatives(groups: dict[str, str]) -> str:
        return "|".join(f"(?P<{name}>{words})" for name, words in groups.items())

    flags = re.IGNORECASE if language != "zh" else 0
    # Not after a letter, digit or decimal mark (IPv6, PM2.5, 1,5); not before a letter
    # (5G, 6G) unless the letter begins the unit or scale word the pattern has read.
    number = re.compile(rf"(?<![A-Za-z\d.,]){_PATTERNS[language]}", flags)
    # Chinese words run together, so a qualifier needs no boundary there.
    edge, gap = ("", "") if language == "zh" else (r"(?<!\w)", f"{_S}*")
    before = re.compile(rf"{edge}(?:{alternatives(_BEFORE[language])}){gap}$", flags)
    after = re.compile(alternatives(_AFTER[language]), flags)
    return number, before, after


# What follows a number that is not a quantity: a year, a date, a duration, a document
# number, an ordinal's classifier.
_ZH_NOT_AFTER = re.compile(r"[年月日号届期岁时]")
_ZH_NOT_BEFORE = re.compile(r"[第〔（(]$")
_LETTER_AFTER = re.compile(r"[A-Za-z]")


def _value(numeral: str, language: str) -> Decimal:
    digits = numeral
    for space in SPACES:
        digits = digits.replace(space, "")
    # A French comma is a decimal mark; an English or Chinese one groups thousands.
    return Decimal(digits.replace(",", "." if language == "fr" else ""))


def _is_year(numeral: str, unit: str) -> bool:
    return not unit and numeral.isdigit() and len(numeral) == 4 and 1900 <= int(numeral) <= 2100


def find_numbers(text: str, language: str) -> list[Number]:
    """Every quantity in ``text`` (a paragraph or a sentence), in reading order."""
    number, before, after = _compiled(language if language in _PATTERNS else "en")
    found: list[Number] = []
    for match in number.finditer(text):
        end = match.end()
        following = text[end : end + 1]
        if _LETTER_AFTER.match(following) or (
            language == "zh"
            and (
                (not match["counter"] and _ZH_NOT_AFTER.match(following))
                or _ZH_NOT_BEFORE.search(text, max(0, match.start() - 1), match.start())
            )
        ):
            continue
        value = _value(match["num"], language)
        scale_word = (match["scale"] or "").lower()
        unit = text[match.end("num") : end].strip(SPACES)
        more = bool(match.groupdict().get("more"))
        if more:
            unit = unit.removeprefix("多")
        if _is_year(match["num"], unit):
            continue
        qualifier: Qualifier = "at_least" if more else "exact"
        start = match.start()
        lead = before.search(text, max(0, start - 24), start)
        if lead:
            qualifier = _qualifier(lead)
            start = lead.start()
        trail = after.match(text, end)
        if trail and qualifier == "exact":
            qualifier = _qualifier(trail)
            end = trail.end()
        found.append(
            Number(
                value=value,
                scale=_SCALES[scale_word] if scale_word else Decimal(1),
                unit=unit,
                counter=match["counter"] or "",
                qualifier=qualifier,
                start=start,
                end=end,
                numeral_start=match.start(),
                numeral_end=match.end("num"),
            )
        )
    return found


_QUALIFIERS: tuple[Qualifier, ...] = ("about", "at_least", "at_most")


def _qualifier(match: re.Match[str]) -> Qualifier:
    """The qualifier whose words ``match`` found."""
    found = {name for name, words in match.groupdict().items() if words}
    return next((name for name in _QUALIFIERS if name in found), "exact")
