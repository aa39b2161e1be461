"""When a figure is for, and what it is: the section, sentence and clause cues that make a
number a target, a result, or a forecast by others (which the tracker does not record).

A number's cues are read in its own part of its sentence: its clause, the stretch between
hard breaks (; ；) around it, and the head of a list (目标是：…；…). Each sentence's cues are
found once (``SentenceCues``) and every number looks its own up, so the work grows with the
sentence, not with the sentence times its numbers. Pure."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
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
        # Undated, a document's past year is the year its review heading states, and its
        # "this year" the year its plans' heading states.
        elif _OPENS_PAST_YEAR.match(paragraph):
            current = Context(True, shifted(-1) or (current.year if current.review else None))
        elif _OPENS_PAST_YEARS.match(paragraph):
            current = Context(True, None)
        elif _OPENS_THIS_YEAR.match(paragraph):
            current = Context(False, shifted(0) or (None if current.review else current.year))
        elif (opening := _OPENS_ON_YEAR.match(paragraph)) and current.review:
            current = Context(True, int(opening[1]))
        found.append(current)
    return found


_MONTHS = {
    name: number
    for names in (
        "january february march april may june july august september october november december",
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    )
    for number, name in enumerate(names.split(), start=1)
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
    """Every year ``sentence`` states, in reading order: dates, and the relative words
    resolved against the document's year (none without one)."""
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
    return sorted(found, key=lambda time: time.start)


def _month(written: str | None) -> int | None:
    if not written:
        return None
    return int(written) if written.isdigit() else _MONTHS[written.casefold()]


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
# A may or a should commits no one: a forecast when a forecaster says it.
_MODAL = {
    "zh": r"有望|可能",
    "en": r"\bcould\b|\bshould\b|\bmay\b|\bmight\b|\b(?:is|are) likely to\b",
    "fr": r"\bdevr(?:ait|aient)\b|\bpourr(?:ait|aient)\b",
}
_FORECASTER = {
    "zh": r"银行|机构|分析师|研究院|智库|经济学家|基金组织",
    "en": r"\bbanks?\b|\banalysts?\b|\beconomists?\b|\bresearch\b|\bfirms?\b|"
    r"\bconsultanc(?:y|ies)\b|\binstitutes?\b|\bagency\b|\bIMF\b|\bOECD\b|\bbrokerage\b",
    "fr": r"\bbanques?\b|\banalystes?\b|\béconomistes?\b|\bcabinets?\b|\bsociétés? d['’]études\b|"
    r"\binstituts?\b|\bagences?\b|\bFMI\b|\bOCDE\b",
}
# Whom a figure is ascribed to ("selon le cabinet IDC", "according to IDC"): a forecaster,
# unless it is the planner itself ("selon le plan").
_ATTRIBUTION = {
    "en": r"\baccording to\s+(?P<who>[^,;.:]{1,80})",
    "fr": r"\b(?:selon|d['’]après)\s+(?P<who>[^,;.:]{1,80})",
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
# A multi-year average (年均, average annual) is no one year's figure.
_AVERAGE = r"年均|年平均|average annual|annual average|moyenne annuelle"

_ZH_CLAUSE_MARKS = re.compile(r"[、，；：。！？,;:]")
# A comma sets a phrase apart only before a space: 1,250 is one number.
_LATIN_PHRASE_MARKS = re.compile(r"[;:]|,(?=\s)")
_HARD_BREAKS = re.compile(r"[；;]")
_COLONS = re.compile(r"[:：]")


_TABLES = {
    "target": _TARGET,
    "forecast": _FORECAST,
    "modal": _MODAL,
    "forecaster": _FORECASTER,
    "planner": _PLANNER,
    "result": _RESULT,
    "average": {"en": _AVERAGE},
}


@cache
def _cue(table: str, language: str) -> re.Pattern[str]:
    words = _TABLES[table]
    return re.compile(words.get(language, words["en"]), re.IGNORECASE)


def _between(marks: list[int], at: int, end: int) -> tuple[int, int]:
    """The span between the marks around ``at``; ``end`` when none follows."""
    index = bisect_left(marks, at)
    return (marks[index - 1] + 1 if index else 0), (marks[index] if index < len(marks) else end)


class _Marks:
    """Where a cue stands in a sentence, in reading order, looked up by position."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.starts = [start for start, _ in spans]
        self.ends = [end for _, end in spans]

    @classmethod
    def of(cls, pattern: re.Pattern[str], text: str) -> _Marks:
        return cls([match.span() for match in pattern.finditer(text)])

    def last(self, low: int, high: int) -> tuple[int, int] | None:
        """The last cue wholly inside ``[low, high)``."""
        index = bisect_right(self.ends, high) - 1
        if index >= 0 and self.starts[index] >= low:
            return self.starts[index], self.ends[index]
        return None

    def within(self, low: int, high: int) -> bool:
        return self.last(low, high) is not None


class SentenceCues:
    """A sentence's cues, each found once: its clause marks, hard breaks and list head, the
    years it states, and its goal, result, average and forecast words."""

    def __init__(self, text: str, language: str, published: int | None) -> None:
        self.text, self.zh, self.published = text, language == "zh", published
        self._end = len(text.rstrip())
        self._clause_marks = [m.start() for m in _ZH_CLAUSE_MARKS.finditer(text)]
        phrase_marks = _ZH_CLAUSE_MARKS if self.zh else _LATIN_PHRASE_MARKS
        self._phrase_marks = [m.start() for m in phrase_marks.finditer(text)]
        self._breaks = [m.start() for m in _HARD_BREAKS.finditer(text)]
        self._colons = _Marks.of(_COLONS, text)
        self._head = self._colons.starts[0] + 1 if self._colons.starts else 0
        self.times: list[Time] = []
        self.set_times(times(text, language, published))
        self._goals = _Marks.of(_cue("target", language), text)
        self._results = _Marks.of(_cue("result", language), text) if not self.zh else _Marks([])
        self._averages = _Marks.of(_cue("average", language), text)
        self._forecasts = _Marks.of(_cue("forecast", language), text)
        self._modals = _Marks.of(_cue("modal", language), text)
        self._forecasters = _Marks.of(_cue("forecaster", language), text)
        planner = _cue("planner", language)
        self._planners = _Marks.of(planner, text)
        attribution = _ATTRIBUTION.get(language)
        self._attributed = _Marks(
            [
                match.span()
                for match in re.finditer(attribution, text, re.IGNORECASE)
                if not planner.search(match["who"])
            ]
            if attribution
            else []
        )

    def set_times(self, found: list[Time]) -> None:
        """The years the sentence states for its figures, in reading order (one that
        overlaps the one before it is left out)."""
        self.times = []
        for time in found:
            if not self.times or time.start >= self.times[-1].end:
                self.times.append(time)
        self._time_ends = [time.end for time in self.times]

    def clause(self, at: int) -> tuple[int, int]:
        """The span of the clause around position ``at``: between Chinese separators, or
        between hard breaks in French and English. A clause of a bare number after 、
        belongs with the one before (分别增长8.9%、7.7%)."""
        if not self.zh:
            return self.segment(at)
        marks, text = self._clause_marks, self.text
        start, end = _between(marks, at, len(text))
        index = bisect_left(marks, at)
        while index and text[marks[index - 1]] == "、" and not text[start:at].strip():
            index -= 1
            start = marks[index - 1] + 1 if index else 0
        return start, end

    def segment(self, at: int) -> tuple[int, int]:
        """The span between the hard breaks around ``at``."""
        return _between(self._breaks, at, self._end)

    def _head_end(self, segment_start: int) -> int:
        """Where the head of a list ends (after its colon) when the list's items run past
        ``segment_start``; 0 when there is no such head."""
        return self._head if self._head <= segment_start else 0

    def _seen(self, marks: _Marks, at: int) -> bool:
        """Whether a cue stands in the segment around ``at`` or the head of its list."""
        start, end = self.segment(at)
        return marks.within(start, end) or marks.within(0, self._head_end(start))

    def forecast_by_others(self, at: int) -> bool:
        """Whether the figure at ``at`` is forecast rather than set or reported: a bank's or
        a research firm's expectation, or an estimate nobody commits to. A plan that
        "prévoit" a figure sets a target, and stays; a "devrait" is a forecast only when a
        forecaster is named."""
        named = self._seen(self._forecasters, at) or self._seen(self._attributed, at)
        if self._seen(self._forecasts, at):
            return named or not self._seen(self._planners, at)
        return named and self._seen(self._modals, at)

    def averaged(self, start: int, at: int) -> bool:
        """Whether a multi-year average is named between ``start`` and ``at``."""
        return self._averages.within(start, at)

    def nearest(self, span: tuple[int, int], clause: tuple[int, int]) -> Time | None:
        """The time that goes with the number at ``span``: the closest in its clause (in
        French and English, its phrase between commas) if one is there; else the closest
        before it in its segment (in French and English, then after it); else one in the
        head of its list. In Chinese a time after a number in a later clause speaks of
        something else."""
        at, end = span
        inner = clause if self.zh else _between(self._phrase_marks, at, len(self.text))
        segment_start, segment_end = self.segment(at)
        return (
            self._closest(at, end, inner, after=True)
            or self._closest(at, end, (segment_start, at), after=False)
            or (None if self.zh else self._closest(at, end, (at, segment_end), after=True))
            or self._closest(at, end, (0, self._head_end(segment_start)), after=False)
        )

    def _closest(self, at: int, end: int, within: tuple[int, int], *, after: bool) -> Time | None:
        low, high = within
        index = bisect_right(self._time_ends, min(at, high)) - 1
        before = self.times[index] if index >= 0 and self.times[index].start >= low else None
        following = index + 1 < len(self.times) and self.times[index + 1]
        if not after or not following or not low <= following.start < high:
            return before
        if before is None:
            return following
        weight = 3 if self.zh else 1
        return following if (following.start - end) * weight < at - before.end else before

    def role(self, at: int, clause_start: int, context: Context, time: Time | None) -> Role | None:
        """Whether the number at ``at`` is a target, a result, or neither (None), from the
        cues before it in its segment (or its list's head) and from its section."""
        published = self.published
        segment_start, _ = self.segment(at)
        goal = self._goals.last(segment_start, at) or self._goals.last(
            0, self._head_end(segment_start)
        )
        # In a review, a goal named earlier in the sentence was met, not set.
        if goal and (not context.review or goal[0] >= clause_start):
            listed = self._colons.within(goal[1], at)
            return Role(
                "target", "figure.target.goal-list" if listed else "figure.target.cue", True
            )
        if time and time.by and (published is None or time.year >= published):
            return Role("target", "figure.target.by-year", True)
        if context.review:
            return Role("observation", "figure.observation.review", False)
        if time and published is not None and time.year < published:
            return Role("observation", "figure.observation.past", True)
        # Chinese verbs carry no tense: 增长 may be planned; an English or French past tense
        # reports a result even of this year.
        past = time is not None and (published is None or time.year <= published)
        if past and self._results.within(clause_start, at):
            return Role("observation", "figure.observation.result", True)
        return None
