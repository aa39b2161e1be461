"""The date phrases of each language, and what each means once a document date is known.

A phrase is one pattern of a language's grammar; ``dates.phrases`` finds them in a text and
``dates.resolve`` reads one back. Relative phrases (a weekday, "hier", 去年) need the
document's date; a phrase that needs it and has none resolves to nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

Resolved = tuple[str, str]  # (ISO value, granularity)
Resolver = Callable[["re.Match[str]", date | None], Resolved | None]

FIRST_YEAR, LAST_YEAR = 1900, 2100

MONTHS_FR = {
    "janvier": 1,
    "février": 2,
    "fevrier": 2,
    "mars": 3,
    "avril": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "octobre": 10,
    "novembre": 11,
    "décembre": 12,
    "decembre": 12,
}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_EN = {
    name: number
    for number, names in enumerate(
        (
            ("January", "Jan"),
            ("February", "Feb"),
            ("March", "Mar"),
            ("April", "Apr"),
            ("May",),
            ("June", "Jun"),
            ("July", "Jul"),
            ("August", "Aug"),
            ("September", "Sept", "Sep"),
            ("October", "Oct"),
            ("November", "Nov"),
            ("December", "Dec"),
        ),
        start=1,
    )
    for name in names
}
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_ZH = "一二三四五六日"
CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}


@dataclass(frozen=True)
class Pattern:
    """One kind of date phrase: its regex (the phrase alone) and how it resolves. A
    ``cue`` pattern (a bare year in French or English) is only a date after one of the
    language's cue words (en 2020, by 2025), which stay out of the phrase."""

    name: str
    regex: re.Pattern[str]
    resolve: Resolver
    confidence: float
    cue: re.Pattern[str] | None = None


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _number(text: str) -> int:
    """An Arabic or Chinese number as written in a date (2022, 二〇二二, 十七, 三十一)."""
    if text.isdigit():
        return int(text)
    if text == "1er":
        return 1
    if all(c in CN_DIGITS for c in text):
        return int("".join(str(CN_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    if "十" not in text:
        return CN_DIGITS.get(text, -1)
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[units] if units else 0)


def _day(year: int, month: int, day: int) -> Resolved | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day).isoformat(), "day"
    except ValueError:
        return None


def _month(year: int, month: int) -> Resolved | None:
    if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
        return f"{year:04d}-{month:02d}", "month"
    return None


def _year(year: int) -> Resolved | None:
    return (f"{year:04d}", "year") if FIRST_YEAR <= year <= LAST_YEAR else None


def _nearest_year(month: int, day: int, published: date | None) -> Resolved | None:
    """A day written without its year: the one of last, this or next year closest to the
    document's date (a report of 5 January about "28 December" means last year's)."""
    if published is None:
        return None
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        return None
    return min(candidates, key=lambda d: abs(d - published)).isoformat(), "day"


def _day_of_month(m: re.Match[str], published: date | None) -> Resolved | None:
    """A day written alone (新华社's "15日表示"): of the document's month, or of the month
    before when it is later than the document's day, so never in the future."""
    if published is None:
        return None
    day = _number(m["d"])
    year, month = published.year, published.month
    if day > published.day:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return _day(year, month, day)


def _weekday(weekday: int, published: date | None, *, before: bool) -> Resolved | None:
    """The latest such weekday on (or, with ``before``, strictly before) the document's
    date: a weekday in a report is never resolved into the future."""
    if published is None:
        return None
    back = (published.weekday() - weekday) % 7
    if before and back == 0:
        back = 7
    return (published - timedelta(days=back)).isoformat(), "day"


def _shift(days: int) -> Resolver:
    def resolve(_: re.Match[str], published: date | None) -> Resolved | None:
        return None if published is None else ((published + timedelta(days)).isoformat(), "day")

    return resolve


def _relative_year(offset: int) -> Resolver:
    def resolve(_: re.Match[str], published: date | None) -> Resolved | None:
        return None if published is None else _year(published.year + offset)

    return resolve


def _relative_month(offset: int) -> Resolver:
    def resolve(_: re.Match[str], published: date | None) -> Resolved | None:
        if published is None:
            return None
        index = published.year * 12 + published.month - 1 + offset
        return _month(index // 12, index % 12 + 1)

    return resolve


def _ymd(months: dict[str, int]) -> Resolver:
    def resolve(m: re.Match[str], _: date | None) -> Resolved | None:
        month = months.get(m["m"], 0) if months else _number(m["m"])
        return _day(_number(m["y"]), month, _number(m["d"]))

    return resolve


def _md(months: dict[str, int]) -> Resolver:
    def resolve(m: re.Match[str], published: date | None) -> Resolved | None:
        month = months.get(m["m"], 0) if months else _number(m["m"])
        return _nearest_year(month, _number(m["d"]), published)

    return resolve


def _ym(months: dict[str, int]) -> Resolver:
    def resolve(m: re.Match[str], _: date | None) -> Resolved | None:
        month = months.get(m["m"], 0) if months else _number(m["m"])
        return _month(_number(m["y"]), month)

    return resolve


def bare_year(m: re.Match[str], _: date | None) -> Resolved | None:
    return _year(_number(m["y"]))


def _named_weekday(days: tuple[str, ...], *, lower: bool) -> Resolver:
    def resolve(m: re.Match[str], published: date | None) -> Resolved | None:
        name = m["wd"].lower() if lower else m["wd"]
        return _weekday(days.index(name), published, before=bool(m["last"]))

    return resolve


def _zh_weekday(m: re.Match[str], published: date | None) -> Resolved | None:
    weekday = 6 if m["wd"] in "日天" else WEEKDAYS_ZH.index(m["wd"])
    if not m["last"]:
        return _weekday(weekday, published, before=False)
    if published is None:
        return None
    # 上周三 is the Wednesday of the calendar week before the document's week.
    monday = published - timedelta(days=published.weekday() + 7)
    return (monday + timedelta(days=weekday)).isoformat(), "day"


# Chinese numbers as dates write them: 2022 or 二〇二二, 1–31 or 一 to 三十一.
_ZH_Y = r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})"
_ZH_M = r"(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_ZH_D = r"(?P<d>3[01]|[12]\d|0?[1-9]|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_NOT_AFTER_NUMBER = r"(?<![\d〇零一二三四五六七八九十])"

_FR_M = rf"(?P<m>{_alternation(MONTHS_FR)})"
_FR_WD = rf"(?P<wd>{_alternation(WEEKDAYS_FR)})"
_FR_D = r"(?P<d>1er|3[01]|[12]\d|0?[1-9])"
_EN_M = rf"(?P<m>{_alternation(MONTHS_EN)})\.?"
_EN_WD = rf"(?P<wd>{_alternation(WEEKDAYS_EN)})"
_EN_D = r"(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
_APOS = "['’]"

_FR_CUE = re.compile(
    rf"(?:\b(?:en|depuis|avant|après|dès|jusqu{_APOS}en|fin|début|courant|horizon|"
    rf"l{_APOS}année|pour)|\bd{_APOS}ici(?:\s+à)?|\bmi-)\s*$",
    re.IGNORECASE,
)
_EN_CUE = re.compile(
    r"\b(?:in|by|since|before|after|until|till|through|during|for|early|late|"
    r"(?:end|start|beginning|middle) of|mid-?)\s*$",
    re.IGNORECASE,
)
_BARE_YEAR = rf"(?<![\d.,]){_YEAR}(?!\s*%|[.,]\d|\d)"
BARE_YEAR = re.compile(_BARE_YEAR)


def _p(name: str, regex: str, resolve: Resolver, confidence: float, flags: int = 0) -> Pattern:
    return Pattern(name, re.compile(regex, flags), resolve, confidence)


GRAMMAR: dict[str, tuple[Pattern, ...]] = {
    "zh": (
        _p("ymd", rf"{_NOT_AFTER_NUMBER}{_ZH_Y}年{_ZH_M}月{_ZH_D}[日号]", _ymd({}), 0.95),
        _p("ym", rf"{_NOT_AFTER_NUMBER}{_ZH_Y}年{_ZH_M}月", _ym({}), 0.9),
        _p("md", rf"{_NOT_AFTER_NUMBER}{_ZH_M}月{_ZH_D}[日号]", _md({}), 0.85),
        _p("year", rf"{_NOT_AFTER_NUMBER}{_ZH_Y}年", bare_year, 0.9),
        # In Arabic digits only, and not a count of days (每3日, 第2日, 30日内) nor yen (5日元).
        _p(
            "day",
            r"(?<![\d月第每续近约达前])(?P<d>3[01]|[12]\d|[1-9])日(?![内以之左多余元均])",
            _day_of_month,
            0.75,
        ),
        _p("this_year", r"今年", _relative_year(0), 0.85),
        _p("last_year", r"去年", _relative_year(-1), 0.85),
        _p("year_before_last", r"前年", _relative_year(-2), 0.85),
        _p("next_year", r"明年", _relative_year(1), 0.85),
        _p("today", r"今天", _shift(0), 0.8),
        _p("yesterday", r"昨天|昨日", _shift(-1), 0.8),
        _p(
            "weekday",
            r"(?<![\d一二三四五六七八九十每本这下])(?P<last>上)?(?:星期|周)(?P<wd>[一二三四五六日天])",
            _zh_weekday,
            0.8,
        ),
    ),
    "fr": (
        _p(
            "dmy",
            rf"\b(?:{_FR_WD}\s+)?{_FR_D}\s+{_FR_M}\s+{_YEAR}\b",
            _ymd(MONTHS_FR),
            0.95,
            re.IGNORECASE,
        ),
        _p(
            "dm",
            rf"\b(?:{_FR_WD}\s+)?{_FR_D}\s+{_FR_M}\b(?!\s+\d)",
            _md(MONTHS_FR),
            0.85,
            re.IGNORECASE,
        ),
        _p("my", rf"\b{_FR_M}\s+{_YEAR}\b", _ym(MONTHS_FR), 0.9, re.IGNORECASE),
        _p(
            "weekday",
            rf"\b{_FR_WD}(?:\s+(?P<last>dernier))?\b(?!\s+(?:prochain|\d))",
            _named_weekday(WEEKDAYS_FR, lower=True),
            0.8,
            re.IGNORECASE,
        ),
        _p("today", rf"\baujourd{_APOS}hui\b", _shift(0), 0.8, re.IGNORECASE),
        _p("day_before_yesterday", r"\bavant-hier\b", _shift(-2), 0.8, re.IGNORECASE),
        _p("yesterday", r"(?<!-)\bhier\b", _shift(-1), 0.8, re.IGNORECASE),
        _p(
            "last_year",
            rf"\bl{_APOS}(?:an|année)\s+(?:dernier|dernière|passé|passée)\b",
            _relative_year(-1),
            0.85,
            re.IGNORECASE,
        ),
        _p("this_year", r"\bcette\s+année\b", _relative_year(0), 0.85, re.IGNORECASE),
        _p(
            "next_year",
            rf"\bl{_APOS}(?:an|année)\s+prochaine?\b",
            _relative_year(1),
            0.85,
            re.IGNORECASE,
        ),
        _p("last_month", r"\ble\s+mois\s+dernier\b", _relative_month(-1), 0.8, re.IGNORECASE),
        Pattern("year", BARE_YEAR, bare_year, 0.75, cue=_FR_CUE),
    ),
    "en": (
        _p(
            "mdy",
            rf"\b(?:{_EN_WD},?\s+)?{_EN_M}\s+{_EN_D},?\s+{_YEAR}\b",
            _ymd(MONTHS_EN),
            0.95,
        ),
        _p(
            "dmy",
            rf"\b(?:{_EN_WD},?\s+)?{_EN_D}\s+(?:of\s+)?{_EN_M},?\s+{_YEAR}\b",
            _ymd(MONTHS_EN),
            0.95,
        ),
        _p("md", rf"\b(?:{_EN_WD},?\s+)?{_EN_M}\s+{_EN_D}\b(?!,?\s+\d)", _md(MONTHS_EN), 0.85),
        _p(
            "dm",
            rf"\b(?:{_EN_WD},?\s+)?{_EN_D}\s+(?:of\s+)?{_EN_M}\b(?!,?\s+\d)",
            _md(MONTHS_EN),
            0.85,
        ),
        _p("my", rf"\b{_EN_M}\s+(?:of\s+)?{_YEAR}\b", _ym(MONTHS_EN), 0.9),
        _p(
            "weekday",
            rf"(?<!next )(?<!coming )\b(?:(?P<last>[Ll]ast)\s+)?{_EN_WD}\b",
            _named_weekday(WEEKDAYS_EN, lower=False),
            0.8,
        ),
        _p("today", r"\btoday\b", _shift(0), 0.8, re.IGNORECASE),
        _p("yesterday", r"\byesterday\b", _shift(-1), 0.8, re.IGNORECASE),
        _p("last_year", r"\blast\s+year\b", _relative_year(-1), 0.85, re.IGNORECASE),
        _p("this_year", r"\bthis\s+year\b", _relative_year(0), 0.85, re.IGNORECASE),
        _p("next_year", r"\bnext\s+year\b", _relative_year(1), 0.85, re.IGNORECASE),
        _p("last_month", r"\blast\s+month\b", _relative_month(-1), 0.8, re.IGNORECASE),
        Pattern("year", BARE_YEAR, bare_year, 0.75, cue=_EN_CUE),
    ),
}

# Both ends of a span of years ("2021-2025", "entre 2021 et 2025", "from 2021 to 2025") are
# years, the second with no cue word of its own.
_SPAN = r"(?<![\d.,])(?P<a>(?:19|20)\d\d)\s*[-–—]\s*(?P<b>(?:19|20)\d\d)\b(?!\s*%)"
RANGES: dict[str, tuple[re.Pattern[str], ...]] = {
    "fr": (
        re.compile(_SPAN),
        re.compile(
            r"\b(?:entre|de)\s+(?P<a>(?:19|20)\d\d)\s+(?:et|à)\s+(?P<b>(?:19|20)\d\d)\b(?!\s*%)",
            re.IGNORECASE,
        ),
    ),
    "en": (
        re.compile(_SPAN),
        re.compile(
            r"\b(?:between|from)\s+(?P<a>(?:19|20)\d\d)\s+(?:and|to)\s+(?P<b>(?:19|20)\d\d)\b(?!\s*%)",
            re.IGNORECASE,
        ),
    ),
    "zh": (re.compile(r"(?<!\d)(?P<a>(?:19|20)\d\d)\s*[-–—~～至]\s*(?P<b>(?:19|20)\d\d)年"),),
}
