"""When a figure is for, and what it is: the section, sentence and clause cues that make a
number a target, a result, or a forecast by others (which the tracker does not record).
Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from policies.intake.extract.shapes import Document


@dataclass(frozen=True)
class Context:
    """What the section around a paragraph says of its figures: whether it reviews past
    results, and the year it speaks of (None: several years, or not said)."""

    review: bool = False
    year: int | None = None


@dataclass(frozen=True)
class Time:
    """A year stated in a sentence, as a date ("2025年", "in June 2023") or a relative word
    (今年, last year); ``by`` when it is a deadline (到2025年, by 2025, d'ici 2025)."""

    start: int
    end: int
    year: int
    month: int | None = None
    by: bool = False


@dataclass(frozen=True)
class Role:
    kind: Literal["target", "observation"]
    rule: str
    explicit: bool  # from a cue in the sentence, not from the section around it


# Sections. A Chinese report's headings ("一、2023年工作回顾") open a review of a past year
# or the plans for this one; a paragraph that opens on a time (过去一年, 五年来, 今年)
# moves the story to that time until the next heading or opening.
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_OPENS_PAST_YEAR = re.compile(r"^(?:回顾)?(?:过去一年|一年来|去年)")
_OPENS_PAST_YEARS = re.compile(
    r"^(?:回顾)?(?:过去[两三四五六七八九十]+年|[两三四五六七八九十]+年来)"
)
_OPENS_THIS_YEAR = re.compile(r"^今年")
_OPENS_ON_YEAR = re.compile(r"^((?:19|20)\d\d)年")
_HEADING_YEAR = re.compile(r"((?:19|20)\d\d)年")
_HEADING_LENGTH = 40


def contexts(document: Document) -> list[Context]:
    """The context of each paragraph of ``document``, in order."""
    published = document.published.year if document.published else None
    shifted = (lambda by: published + by) if published else (lambda by: None)
    current, found = Context(), []
    for paragraph in document.paragraphs:
        line = paragraph.split("\n", 1)[0]
        if _HEADING.match(line) and len(line) <= _HEADING_LENGTH:
            stated = _HEADING_YEAR.search(line)
            review = "回顾" in line
            if stated:
                year: int | None = int(stated[1])
            elif "过去一年" in line or (review and "五年" not in line):
                year = shifted(-1)
            else:
                year = shifted(0) if "今年" in line else None
            current = Context(review, year)
        elif _OPENS_PAST_YEAR.match(paragraph):
            current = Context(True, shifted(-1))
        elif _OPENS_PAST_YEARS.match(paragraph):
            current = Context(True, None)
        elif _OPENS_THIS_YEAR.match(paragraph):
            current = Context(False, shifted(0))
        elif (opening := _OPENS_ON_YEAR.match(paragraph)) and current.review:
            current = Context(True, int(opening[1]))
        found.append(current)
    return found


_ZH_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_LATIN_SENTENCE = re.compile(r"\S(?:.*?)(?:[.!?](?=\s+[A-ZÀ-Ý«\"“])|$)", re.MULTILINE)
_ZH_CLAUSE_END = "、，；：。！？,;:"


def sentences(paragraph: str, language: str) -> Iterator[tuple[int, int]]:
    """The spans of the paragraph's sentences. A Chinese list of targets set apart by
    semicolons is one sentence: its cue (目标是：) stands at its head."""
    pattern = _ZH_SENTENCE if language == "zh" else _LATIN_SENTENCE
    for match in pattern.finditer(paragraph):
        if match.group().strip():
            yield match.start(), match.end()


def clause(sentence: str, at: int, language: str) -> tuple[int, int]:
    """The span of the clause around position ``at`` of ``sentence``: between Chinese
    separators, or the whole sentence in French and English. A clause of a bare number
    after 、 belongs with the one before (分别增长8.9%、7.7%)."""
    if language != "zh":
        return 0, len(sentence.rstrip())
    start = at
    while start > 0 and sentence[start - 1] not in _ZH_CLAUSE_END:
        start -= 1
    while start > 0 and sentence[start - 1] == "、" and not sentence[start:at].strip():
        start -= 1
        while start > 0 and sentence[start - 1] not in _ZH_CLAUSE_END:
            start -= 1
    end = at
    while end < len(sentence) and sentence[end] not in _ZH_CLAUSE_END:
        end += 1
    return start, end


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "janvier"),
            ("february", "février"),
            ("march", "mars"),
            ("april", "avril"),
            ("may", "mai"),
            ("june", "juin"),
            ("july", "juillet"),
            ("august", "août"),
            ("september", "septembre"),
            ("october", "octobre"),
            ("november", "novembre"),
            ("december", "décembre"),
        ),
        start=1,
    )
    for name in names
}
_ZH_DATE = re.compile(
    r"(?P<by>(?<!截)[到至])?(?P<year>(?:19|20)\d\d)年(?:(?P<month>1[0-2]|0?[1-9])月)?"
)
_LATIN_DATE = re.compile(
    r"(?<!\w)(?:(?P<by>by|until|through|d['’]ici|à l['’]horizon(?: de)?)\s+)?"
    r"(?:(?:the\s+)?(?:end|fin)(?:\s+of|\s+d[e'’]|-)?\s*)?"
    rf"(?:(?P<month>{'|'.join(_MONTHS)})\s+)?(?P<year>(?:19|20)\d\d)(?!\w)",
    re.IGNORECASE,
)
_RELATIVE = {
    # 比去年, 高于去年: a comparison with last year, not the figure's year.
    "zh": ((r"今年|本年", 0), (r"(?<![比于较])(?:去年|上年)|过去一年", -1), (r"明年", 1)),
    "en": ((r"\bthis year\b", 0), (r"\blast year\b|\bpast year\b", -1), (r"\bnext year\b", 1)),
    "fr": (
        (r"\bcette année\b", 0),
        (r"\bl['’]an(?:née)?\s+(?:derni[eè]re?|pass[ée]e?)\b", -1),
        (r"\bl['’]an(?:née)?\s+prochaine?\b", 1),
    ),
}


def times(sentence: str, language: str, published: int | None) -> list[Time]:
    """Every year ``sentence`` states, dates first, then the relative words resolved
    against the document's year (none without one)."""
    pattern = _ZH_DATE if language == "zh" else _LATIN_DATE
    found = [
        Time(
            match.start(),
            match.end(),
            int(match["year"]),
            _month(match["month"]),
            by=bool(match["by"]),
        )
        for match in pattern.finditer(sentence)
    ]
    if published is not None:
        for words, shift in _RELATIVE.get(language, _RELATIVE["en"]):
            found.extend(
                Time(match.start(), match.end(), published + shift)
                for match in re.finditer(words, sentence, re.IGNORECASE)
            )
    return found


def _month(written: str | None) -> int | None:
    if not written:
        return None
    return int(written) if written.isdigit() else _MONTHS[written.casefold()]


def nearest(
    found: list[Time], span: tuple[int, int], clause: tuple[int, int], zh: bool
) -> Time | None:
    """The time that goes with the number at ``span``: the closest in its clause if one is
    there, else in its sentence (in Chinese, before it: a time after a number in a later
    clause speaks of something else)."""
    at, end = span
    inside = [time for time in found if clause[0] <= time.start < clause[1]] or [
        time for time in found if not zh or time.end <= at
    ]

    def distance(time: Time) -> int:
        if time.end <= at:
            return at - time.end
        return (time.start - end) * (3 if zh else 1)

    return min(inside, key=distance, default=None)


_TARGET = {
    "zh": r"目标|力争|争取",
    "en": r"\btargets?\b|\bgoals?\b|\baims?\b|\baiming\b|\bseeks? to\b|\bplans? to\b|"
    r"\bintends? to\b",
    "fr": r"\bobjectifs?\b|\bvisen?t?\b|\bvisant\b|\bentend\b|\bcibles?\b",
}
_FORECAST = {
    "zh": r"预计|预测|预估",
    "en": r"\bexpects?\b|\bexpected\b|\bforecasts?\b|\bforecasted\b|\bpredicts?\b|"
    r"\bpredicted\b|\bprojected\b|\bprojections?\b",
    "fr": r"\bprévoi(?:t|ent)\b|\bprévisions?\b|\banticipen?t?\b|\btablen?t? sur\b|"
    r"\bs['’]attenden?t?\b",
}
_FORECASTER = {
    "zh": r"银行|机构|分析师|研究院|智库|经济学家|基金组织",
    "en": r"\bbanks?\b|\banalysts?\b|\beconomists?\b|\bresearch\b|\bfirms?\b|"
    r"\bconsultanc(?:y|ies)\b|\binstitutes?\b|\bagency\b|\bIMF\b|\bOECD\b|\bbrokerage\b",
    "fr": r"\bbanques?\b|\banalystes?\b|\béconomistes?\b|\bcabinet d['’](?:études|analyse)|"
    r"\bcabinet de (?:recherche|conseil)|\binstituts?\b|\bagences?\b|\bFMI\b|\bOCDE\b",
}
_PLANNER = {
    "zh": r"规划|方案|政府|国务院|目标",
    "en": r"\bplans?\b|\bgovernment\b|\bprogramme\b|\bprogram\b|\bState Council\b|"
    r"\bministry\b|\broadmap\b|\btargets?\b|\bgoals?\b",
    "fr": r"\bplan\b|\bgouvernement\b|\bprogramme\b|\bConseil des affaires de l['’]État\b|"
    r"\bministère\b|\bfeuille de route\b|\bobjectifs?\b",
}
_RESULT = {
    "en": r"\breached\b|\brose\b|\bgrew\b|\bfell\b|\bincreased\b|\bdecreased\b|\bdeclined\b|"
    r"\bstood at\b|\bwas\b|\bwere\b|\btotall?ed\b|\bhit\b|\bclimbed\b|\bdropped\b|"
    r"\bexpanded\b|\bamounted to\b",
    "fr": r"\batteinte?s?\b|\bs['’]est établie?\b|\ba progressé\b|\ba augmenté\b|\ba crû\b|"
    r"\ba reculé\b|\ba baissé\b|\ba diminué\b|\bétait\b|\ba été\b|\bs['’]élevait\b|"
    r"\bs['’]est élevée?\b",
}


def _cue(table: dict[str, str], language: str) -> re.Pattern[str]:
    return re.compile(table.get(language, table["en"]), re.IGNORECASE)


def forecast_by_others(sentence: str, language: str) -> bool:
    """Whether ``sentence`` forecasts rather than sets or reports: a bank's or a research
    firm's expectation, or an estimate nobody commits to. A plan that "prévoit" a figure
    sets a target, and stays."""
    if not _cue(_FORECAST, language).search(sentence):
        return False
    if _cue(_FORECASTER, language).search(sentence):
        return True
    return not _cue(_PLANNER, language).search(sentence)


def role(
    sentence: str,
    at: int,
    clause_start: int,
    language: str,
    context: Context,
    time: Time | None,
    published: int | None,
) -> Role | None:
    """Whether the number at ``at`` of ``sentence`` is a target, a result, or neither
    (None), from the cues before it in its sentence and from its section."""
    before = sentence[:at]
    goals = list(_cue(_TARGET, language).finditer(before))
    # In a review, a goal named earlier in the sentence was met, not set.
    if goals and (not context.review or goals[-1].start() >= clause_start):
        listed = re.search(r"[:：]", sentence[goals[-1].end() : at])
        return Role("target", "figure.target.goal-list" if listed else "figure.target.cue", True)
    if time and time.by and (published is None or time.year >= published):
        return Role("target", "figure.target.by-year", True)
    if context.review:
        return Role("observation", "figure.observation.review", False)
    if time and published is not None and time.year < published:
        return Role("observation", "figure.observation.past", True)
    # Chinese verbs carry no tense: 增长 may be planned; an English or French past tense
    # reports a result even of this year.
    past = time is not None and (published is None or time.year <= published)
    if past and language != "zh" and _cue(_RESULT, language).search(before[clause_start:]):
        return Role("observation", "figure.observation.result", True)
    return None
