"""Targets and results: each number a document sets as a goal or reports as achieved, with
the indicator it measures, its value, unit, qualifier and year, and the clause it stands in.

A number is proposed only when a cue gives it a role: a goal word (目标, target,
objectif), a deadline (到2025年, by 2025, d'ici 2025), a review of a past year, or a past
year or result verb in its sentence. A forecast by others is not a target, and is left
out. A figure whose indicator the lexicon does not know is still proposed, with the words
as written and a lower confidence; a bare number (no unit, no scale) only when it names a
known indicator. Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from policies.intake.extract import figure_cues as cues
from policies.intake.extract.figure_baselines import Baseline, baselines
from policies.intake.extract.figure_names import in_unit, name_after, name_before, written_unit
from policies.intake.extract.numbers import Number, find_numbers
from policies.intake.extract.shapes import Document, IndicatorNames, Lexicon, Proposed

# Clause openings that carry the subject of the clause before (国内生产总值达到134.9万亿元、
# 增长5%): the verb makes the indicator with it.
_CARRIED_VERB = re.compile(r"^(?:增长|上涨|下降|提高|降低|增加|减少|增速)")
_ZH_LINK = re.compile(
    r"(?:达到|达|为|平均为|降到|降至|升至|上升至|提高到|提高至|增加到|增至|突破|超过|保持在|"
    r"控制在|稳定在|首次跃上|跃上|约|近|实现|分别|全年)+$"
)
_ZH_SUBJECT_END = re.compile(r"达到|达|为|超过|突破|增加到|提高到|实现|保持在|控制在|\d")
_ZH_LEAD = re.compile(r"^(?:主要表现在|其中|同时|此外|全年|今年|去年底|去年末|去年|年末|年底)+")
_ZH_LISTED = re.compile(r"[\d.]+[%％]?、$")
_LATIN_TRAILING = re.compile(
    r"(?:\s+(?:to|by|at|of|was|were|is|are|reached|rose|grew|fell|increased|stood|hit|"
    r"totalled|the|a|à|de|du|des|la|le|les|atteint|été|est|était|établie?|progressé|"
    r"augmenté|s['’]est|environ|about|around))+$",
    re.IGNORECASE,
)
# A multi-year average (年均, average annual) is no one year's figure.
_SPAN = re.compile(r"年均|年平均|average annual|annual average|moyenne annuelle", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    paragraph: int
    text: str
    offset: int  # where the sentence starts in its paragraph
    language: str
    context: cues.Context
    published: int | None
    numbers: tuple[Number, ...] = ()
    times: tuple[cues.Time, ...] = ()  # the times not stated for a baseline


def find_figures(document: Document, lexicon: Lexicon) -> list[Proposed]:
    """Every target and observation ``document`` states, in reading order."""
    published = document.published.year if document.published else None
    found: list[Proposed] = []
    for index, (paragraph, context) in enumerate(
        zip(document.paragraphs, cues.contexts(document), strict=True), start=1
    ):
        for start, end in cues.sentences(paragraph, document.language):
            sentence = _Sentence(
                index, paragraph[start:end], start, document.language, context, published
            )
            found.extend(_figures(sentence, lexicon))
    return found


def _figures(sentence: _Sentence, lexicon: Lexicon) -> list[Proposed]:
    text, language = sentence.text, sentence.language
    numbers = find_numbers(text, language)
    if not numbers or cues.forecast_by_others(text, language):
        return []
    stated = baselines(text, numbers, language)
    base_times = [base.time for base in stated.values() if base.time]
    times = tuple(
        time
        for time in cues.times(text, language, sentence.published)
        if not any(_overlap(time, base) for base in base_times)
    )
    sentence = replace(sentence, numbers=tuple(numbers), times=times)
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
    text, language, zh = sentence.text, sentence.language, sentence.language == "zh"
    start, end = cues.clause(text, number.numeral_start, language)
    if _SPAN.search(text[start : number.start]):
        return None
    times = [beside[1]] if beside else list(sentence.times)
    time = cues.nearest(times, (number.start, number.end), (start, end), zh)
    role = cues.role(
        text, number.start, start, language, sentence.context, time, sentence.published
    )
    if role is None:
        return None
    named_before = min(number.start, baseline.opens) if baseline else number.start
    indicator, start, words = _indicator(sentence, number, (start, end), named_before, lexicon)
    if beside and beside[0]:
        slug = beside[0].fields["indicator"]
        indicator = next((known for known in lexicon.indicators if known.slug == slug), None)
        words = "" if indicator else slug
    measured = in_unit(number, indicator.unit) if indicator else None
    if measured is None and number.bare:
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


def _overlap(time: cues.Time, other: cues.Time) -> bool:
    return time.start < other.end and other.start < time.end


def _indicator(
    sentence: _Sentence, number: Number, span: tuple[int, int], before: int, lexicon: Lexicon
) -> tuple[IndicatorNames | None, int, str]:
    """The indicator named for ``number`` in its clause (``span``), before position
    ``before``; where the excerpt starts (moved back when the subject is carried from the
    clause before); and the words as written."""
    text, (start, end), names = sentence.text, span, lexicon.indicators
    clause = text[start:end]
    hit = (
        name_before(clause, before - start, names)
        or name_after(clause, number.end - start, names)
        # The unit may be the name's first word: "1 000 villes gigabit".
        or name_after(clause, number.numeral_end - start, names)
    )
    found = hit.indicator if hit else None
    if sentence.language != "zh":
        floor = max((n.end for n in sentence.numbers if n.end <= number.start), default=0)
        return found, start, _latin_words(text[max(start, floor) : before])
    lead = _ZH_LEAD.sub("", clause[: before - start])
    if hit is None and _CARRIED_VERB.match(lead) and start > 0:
        previous, _ = cues.clause(text, start - 1, "zh")
        subject = _ZH_SUBJECT_END.split(_ZH_LEAD.sub("", text[previous : start - 1]))[0]
        if subject:
            carried = subject + lead
            hit = name_before(carried, len(carried), names)
            return (hit.indicator if hit else None), previous, _ZH_LINK.sub("", carried)
    words = _ZH_LINK.sub("", _ZH_LISTED.sub("", lead)).strip()
    # A number that opens its clause (1000多万高中毕业生) is of the words after it.
    return found, start, words or clause[number.end - start :]


def _latin_words(prefix: str) -> str:
    """The words before a number in French or English, from its last comma or colon."""
    words = re.split(r"[,;:()]", prefix)[-1]
    return _LATIN_TRAILING.sub("", words.strip()).strip()


def _json(value: Decimal) -> int | float:
    """A decimal as a JSON number: 1100 stays an integer, 1.37 a float."""
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)
