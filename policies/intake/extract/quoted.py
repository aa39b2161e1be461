"""Quoted spans and sentences of a paragraph, in every language's marks: " " « » 「」 『』
“” ‘’ (French « … » with its no-break spaces). Shared by the statement and plan rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

PAIRS = {"“": "”", "«": "»", "「": "」", "『": "』", "‘": "’", '"': '"', "《": "》"}
QUOTE_MARKS = '“«「『‘"'
_PADDING = " \t\n\u00a0\u202f\u2009"
_STOPS_ZH = "。！？"
_ABBREVIATION = re.compile(r"\b(?:[A-Z]|Mr|Mrs|Ms|Dr|St|Mme|Mlle|Pr|Prof|No|cf|vs|p)\.$")
_LETTER = re.compile(r"\w")
# An attribution that is all that is left of the quotation's sentence ('“……。”他说。'); one
# that goes on ('”他强调，要…', '"李克强指出：“…”') opens a sentence of its own.
_ZH_ATTRIBUTION = re.compile(r"[^。！？，：:]{0,8}?(?:说|表示|指出|强调|写道)\s*(?:[。！？]|$)")


@dataclass(frozen=True)
class Quoted:
    """A quoted span: ``open`` is its opening mark, ``start``–``end`` the text inside the
    marks without their padding, ``close`` the index just past its closing mark (the
    paragraph's end when the quotation runs on, as a quoted paragraph of a long speech
    does; a straight " never runs on)."""

    open: int
    start: int
    end: int
    close: int
    mark: str

    def text(self, paragraph: str) -> str:
        return paragraph[self.start : self.end]


def _closing(text: str, begin: int, opening: str) -> int:
    """Where the mark opened at ``begin - 1`` closes, or -1. Marks of the same kind nest;
    a ’ followed by a letter is an apostrophe, not a closing mark."""
    closing, depth = PAIRS[opening], 0
    for i in range(begin, len(text)):
        char = text[i]
        if char == closing and not (
            closing == "’" and i + 1 < len(text) and _LETTER.match(text[i + 1])
        ):
            if depth == 0:
                return i
            depth -= 1
        elif char == opening and opening != closing:
            depth += 1
    return -1


def quoted_spans(text: str, marks: str = QUOTE_MARKS) -> list[Quoted]:
    """The outermost spans opened by one of ``marks`` (quotation marks unless told: 《》
    marks a title, not a quotation), in order."""
    spans: list[Quoted] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char not in marks or (char == "‘" and i > 0 and _LETTER.match(text[i - 1])):
            i += 1
            continue
        end = _closing(text, i + 1, char)
        if end < 0 and char == '"':
            # A straight mark cannot say whether it opens or closes: one left unclosed is a
            # stray, not a quotation running on to the paragraph's end.
            i += 1
            continue
        inner_end, close = (end, end + 1) if end >= 0 else (len(text), len(text))
        start = i + 1
        while start < inner_end and text[start] in _PADDING:
            start += 1
        stop = inner_end
        while stop > start and text[stop - 1] in _PADDING:
            stop -= 1
        if stop > start:
            spans.append(Quoted(i, start, stop, close, char))
        i = close
    return spans


def inside(position: int, spans: list[Quoted]) -> bool:
    return any(q.open <= position < q.close for q in spans)


def sentences(text: str, spans: list[Quoted]) -> list[tuple[int, int]]:
    """The sentences of a paragraph as ``(start, end)``, the end past its final stop. A stop
    inside a quotation does not end the reporter's sentence, nor does an abbreviation's
    ("M. Xi")."""
    ends: set[int] = set()
    for i, char in enumerate(text):
        if char in _STOPS_ZH or (
            char in ".!?"
            and (i + 1 == len(text) or text[i + 1] in _PADDING)
            and not (char == "." and _ABBREVIATION.search(text[max(0, i - 4) : i + 1]))
        ):
            ends.add(i + 1)
    # A quotation that ends on a stop ends the reporter's sentence too when a new one
    # follows ('"… agir." Il a ajouté', '。”李克强指出'); not before the attribution that
    # closes it ('“……。”他说。').
    for q in spans:
        stop = text[q.end - 1]
        if stop not in ".!?。！？":
            continue
        rest = text[q.close :].lstrip(_PADDING)
        after = rest[:1]
        if stop in _STOPS_ZH or "\u4e00" <= after <= "\u9fff":
            new_sentence = not _ZH_ATTRIBUTION.match(rest)
        else:
            new_sentence = not after or after.isupper() or after in PAIRS
        if new_sentence:
            ends.add(q.close)
    ends = {e for e in ends if not inside(e - 1, spans) or any(q.close == e for q in spans)}
    found: list[tuple[int, int]] = []
    begin = 0
    for end in sorted(ends | {len(text)}):
        if text[begin:end].strip():
            found.append((begin + len(text[begin:end]) - len(text[begin:end].lstrip()), end))
        begin = end
    return found
