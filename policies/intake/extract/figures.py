"""Targets and results: each number a document sets as a goal or reports as achieved, with
the indicator it measures, its value, unit, qualifier and year, and the clause it stands in.

A number is proposed only when a cue gives it a role: a goal word (目标, target,
objectif), a deadline (到2025年, by 2025, d'ici 2025), a review of a past year, or a past
year or result verb in its clause. A forecast by others is not a target, and is left
out. A figure whose indicator the lexicon does not know is still proposed, with the words
that name it as written and a lower confidence, and left out when no words name it; a bare
number (no unit, no scale) only when it names a known indicator. Pure."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from policies.intake.extract import figure_cues as cues
from policies.intake.extract.figure_baselines import Baseline, baselines
from policies.intake.extract.figure_names import (
    ZH_LEAD,
    NamesIn,
    in_unit,
    latin_name,
    written_unit,
    zh_name,
)
from policies.intake.extract.numbers import Number, find_numbers
from policies.intake.extract.shapes import Document, IndicatorNames, Lexicon, Proposed

# Clause openings that carry the subject of the clause before (国内生产总值达到134.9万亿元、
# 增长5%): the verb makes the indicator with it.
_CARRIED_VERB = re.compile(r"^(?:增长|上涨|下降|提高|降低|增加|减少|增速)")
_ZH_SUBJECT_END = re.compile(r"达到|达|为|超过|突破|增加到|提高到|实现|保持在|控制在|\d")
# A number's cues and name are looked for in its own sentence, so a "sentence" is kept short:
# one longer than this is cut at clause marks, and the time grows with the text.
MAX_SENTENCE = 2000

_ZH_SENTENCE = re.compile(r"[^。！？\n]+[。！？]?")
_LATIN_SENTENCE = re.compile(r"\S(?:.*?)(?:[.!?](?=\s+[A-ZÀ-Ý«\"“])|$)", re.MULTILINE)
# Where an over-long sentence is cut, best first: after a hard break, a clause mark, a space.
_CUTS = (("；", ";", "。"), ("，", "、", "：", ", ", ": "), (" ", "\u3000"))
_NUMBER_START = re.compile(r"(?<![\d.,])\d")


def _sentences(paragraph: str, language: str) -> Iterator[tuple[int, int]]:
    """The spans of the paragraph's sentences, none longer than ``MAX_SENTENCE``. A Chinese
    list of targets set apart by semicolons is one sentence: its cue (目标是：) stands at its
    head."""
    pattern = _ZH_SENTENCE if language == "zh" else _LATIN_SENTENCE
    for match in pattern.finditer(paragraph):
        if match.group().strip():
            yield from _bounded(paragraph, match.start(), match.end())


def _bounded(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    while end - start > MAX_SENTENCE:
        cut = _cut(text, start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
        yield start, cut
        start = cut
    yield start, end


def _cut(text: str, floor: int, limit: int) -> int:
    """Where to cut between ``floor`` and ``limit``: after the last mark of the best kind,
    else before the last number, which keeps its unit."""
    for marks in _CUTS:
        found = [at + len(mark) for mark in marks if (at := text.rfind(mark, floor, limit)) >= 0]
        if found:
            return max(found)
    numbers = [match.start() for match in _NUMBER_START.finditer(text, floor + 1, limit)]
    return numbers[-1] if numbers else limit


@dataclass(frozen=True)
class _Sentence:
    paragraph: int
    text: str
    offset: int  # where the sentence starts in its paragraph
    context: cues.Context
    cues: cues.SentenceCues
    numbers: tuple[Number, ...]
    language: str
    names: dict[tuple[int, int], NamesIn] = field(default_factory=dict)  # by clause span

    @property
    def zh(self) -> bool:
        return self.language == "zh"

    def names_in(self, span: tuple[int, int], lexicon: Lexicon) -> NamesIn:
        """The indicator names in the clause at ``span``, found once for all its numbers."""
        if span not in self.names:
            self.names[span] = NamesIn(self.text[span[0] : span[1]], lexicon.indicators)
        return self.names[span]


def find_figures(document: Document, lexicon: Lexicon) -> list[Proposed]:
    """Every target and observation ``document`` states, in reading order."""
    published = document.published.year if document.published else None
    language = document.language
    found: list[Proposed] = []
    for index, (paragraph, context) in enumerate(
        zip(document.paragraphs, cues.contexts(document), strict=True), start=1
    ):
        for start, end in _sentences(paragraph, language):
            text = paragraph[start:end]
            numbers = find_numbers(text, language)
            if numbers:
                sentence = _Sentence(
                    index,
                    text,
                    start,
                    context,
                    cues.SentenceCues(text, language, published),
                    tuple(numbers),
                    language,
                )
                found.extend(_figures(sentence, lexicon))
    return found


def _figures(sentence: _Sentence, lexicon: Lexicon) -> list[Proposed]:
    numbers = list(sentence.numbers)
    stated = baselines(sentence.text, numbers, sentence.language)
    base_times = sorted((base.time for base in stated.values() if base.time), key=_start)
    starts = [time.start for time in base_times]
    sentence.cues.set_times(
        [time for time in sentence.cues.times if not _overlaps(time, base_times, starts)]
    )
    figure_of = {base.number: figure for figure, base in stated.items()}
    proposed: dict[Number, Proposed] = {}
    for number in numbers:
        if number not in figure_of:
            found = _figure(sentence, number, lexicon, stated.get(number))
            if found is not None:
                proposed[number] = found
    # A baseline belongs to its target; beside a result, it is a result of its own stated
    # year, of the same indicator.
    for figure, base in stated.items():
        result = proposed.get(figure)
        if base.time is not None and (result is None or result.kind != "target"):
            found = _figure(sentence, base.number, lexicon, beside=(result, base.time))
            if found is not None:
                proposed[base.number] = found
    return [proposed[number] for number in numbers if number in proposed]


def _figure(
    sentence: _Sentence,
    number: Number,
    lexicon: Lexicon,
    baseline: Baseline | None = None,
    beside: tuple[Proposed | None, cues.Time] | None = None,
) -> Proposed | None:
    """The proposal for ``number``; ``beside`` is, for a baseline standing beside a result,
    that result's proposal (if any) and the baseline's own year."""
    text, marks = sentence.text, sentence.cues
    if marks.forecast_by_others(number.start):
        return None
    start, end = marks.clause(number.numeral_start)
    if marks.averaged(start, number.start):
        return None
    time = beside[1] if beside else marks.nearest((number.start, number.end), (start, end))
    role = marks.role(number.start, start, sentence.context, time)
    if role is None:
        return None
    named_before = min(number.start, baseline.opens) if baseline else number.start
    indicator, start, words = _indicator(sentence, number, (start, end), named_before, lexicon)
    if beside and beside[0]:
        slug = beside[0].fields["indicator"]
        indicator = next((known for known in lexicon.indicators if known.slug == slug), None)
        words = "" if indicator else slug
    measured = in_unit(number, indicator.unit) if indicator else None
    if (measured is None and number.bare) or not (measured or words):
        return None
    year = time.year if time else sentence.context.year
    if year is None and role.kind == "observation":
        return None  # a result needs the period it is for
    fields: dict[str, Any] = {
        "indicator": indicator.slug if indicator and measured else words,
        "indicator_matched": measured is not None,
        "value": _json(measured[0] if measured else number.value),
        "unit": measured[1] if measured else written_unit(number),
        "qualifier": number.qualifier,
        "year": year,
    }
    if role.kind == "target" and baseline is not None:
        base_measured = in_unit(baseline.number, measured[1]) if measured else None
        base_value = base_measured[0] if base_measured else baseline.number.value
        fields["baseline_value"] = _json(base_value)
        if baseline.time is not None:
            fields["baseline_year"] = baseline.time.year
    if role.kind == "observation":
        fields["period"] = f"{year}-{time.month:02d}" if time and time.month else str(year)
    excerpt = text[start:end].strip()
    # How many cues agree: the role stated in the sentence, the indicator known and its unit
    # compatible, the year stated.
    agreed = 0.3 + (0.2 if role.explicit else 0.1) + (0.3 if measured else 0)
    agreed += 0.15 if time else 0
    return Proposed(
        kind=role.kind,
        paragraph=sentence.paragraph,
        excerpt=excerpt,
        start=sentence.offset + text.index(excerpt, start),
        confidence=round(min(agreed, 0.95), 2),
        rule=role.rule,
        fields=fields,
    )


def _start(time: cues.Time) -> int:
    return time.start


def _overlaps(time: cues.Time, others: list[cues.Time], starts: list[int]) -> bool:
    """Whether ``time`` overlaps one of ``others`` (in reading order, starting at
    ``starts``)."""
    index = bisect_right(starts, time.start)
    return any(
        time.start < other.end and other.start < time.end
        for other in others[max(0, index - 1) : index + 1]
    )


def _indicator(
    sentence: _Sentence, number: Number, span: tuple[int, int], before: int, lexicon: Lexicon
) -> tuple[IndicatorNames | None, int, str]:
    """The indicator named for ``number`` in its clause (``span``), before position
    ``before``; where the excerpt starts (moved back when the subject is carried from the
    clause before); and the words that name it as written ("" when none do)."""
    text, (start, end) = sentence.text, span
    names = sentence.names_in(span, lexicon)
    hit = (
        names.before(before - start)
        or names.after(number.end - start)
        # The unit may be the name's first word: "1 000 villes gigabit".
        or names.after(number.numeral_end - start)
    )
    found = hit.indicator if hit else None
    # The words of this figure begin after the figure before it in the clause.
    ends = [n.end for n in sentence.numbers]
    previous = bisect_right(ends, number.start) - 1
    floor = max(start, ends[previous]) if previous >= 0 else start
    if not sentence.zh:
        return found, start, latin_name(text[floor:before])
    lead = ZH_LEAD.sub("", text[start:before])
    if hit is None and _CARRIED_VERB.match(lead) and start > 0:
        previous_start, _ = sentence.cues.clause(start - 1)
        subject = _ZH_SUBJECT_END.split(ZH_LEAD.sub("", text[previous_start : start - 1]))[0]
        if subject:
            carried = subject + lead
            named = NamesIn(carried, lexicon.indicators).before(len(carried))
            return (named.indicator if named else None), previous_start, zh_name(carried)
    # A number listed after another and a 、 (增长8.9%、7.7%) shares its words; one that
    # opens its clause or follows a 、 (1000多万高中毕业生, 、52个贫困县) is of the words after it.
    if text[floor : number.start] == "、":
        return found, start, zh_name(text[start:before])
    words = zh_name(text[floor:before])
    if (not words and floor == start) or text[number.start - 1 : number.start] == "、":
        words = zh_name(text[number.end : end]) or words
    return found, start, words


def _json(value: Decimal) -> int | float:
    """A decimal as a JSON number: 1100 stays an integer, 1.37 a float."""
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)
