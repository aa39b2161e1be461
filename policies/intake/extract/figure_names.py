"""What a figure measures: the indicator whose name or alias stands before the number, and
the figure's value in a unit that indicator can hold (policies/units.py). Pure."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

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
    """One pattern for every name of every indicator, and which indicator each lower-cased
    name belongs to. The names are set in a trie, so the pattern tries a name's characters
    rather than every name at each position of the text; it prefers the longest name."""
    owner: dict[str, int] = {}
    for index, indicator in enumerate(indicators):
        for name in filter(None, indicator.names):
            owner.setdefault(name.casefold(), index)
            head, _, last = name.casefold().rpartition(" ")
            for form in _VERB_FORMS.get(last, ()) if head else ():
                owner.setdefault(f"{head} {form}", index)
    # A Latin name is a whole word: "GDP growth" is not in "GDP growths".
    latin = [name for name in owner if name[:1].isascii() and name[-1:].isascii()]
    other = [name for name in owner if not (name[:1].isascii() and name[-1:].isascii())]
    alternatives = [
        *([rf"(?<!\w)(?:{_trie(latin)})(?!\w)"] if latin else []),
        *([_trie(other)] if other else []),
    ]
    return re.compile("|".join(alternatives) or r"(?!x)x", re.IGNORECASE), owner


def _trie(names: list[str]) -> str:
    """A pattern matching any of ``names``, the longest first, as a trie of characters."""
    root: dict[str, Any] = {}
    for name in names:
        node = root
        for character in name:
            node = node.setdefault(character, {})
        node[""] = {}  # a name ends here

    def branches(node: dict[str, Any]) -> str:
        found = [re.escape(key) + branches(child) for key, child in sorted(node.items()) if key]
        if not found:
            return ""
        body = found[0] if len(found) == 1 else f"(?:{'|'.join(found)})"
        # Greedy: a longer name is tried before the shorter one that ends here.
        return f"(?:{body})?" if "" in node else body

    return branches(root)


def _linking(gap: str) -> bool:
    """Whether ``gap`` only links a name to its number."""
    gap = _YEAR.sub("", gap)
    if any(character.isdigit() for character in gap):
        return False
    if _CJK.search(gap):
        return len(gap) <= _ZH_GAP and "的" not in gap
    return len(gap) <= _LATIN_GAP


class NamesIn:
    """The indicator names a text (a clause) holds, found once, in reading order and none
    overlapping, for each of its numbers to look up."""

    def __init__(self, text: str, indicators: tuple[IndicatorNames, ...]) -> None:
        pattern, owner = _pattern(indicators)
        self.text = text
        self.hits = [
            NameHit(indicators[owner[match.group().casefold()]], match.start(), match.end())
            for match in pattern.finditer(text)
        ]
        self._starts = [hit.start for hit in self.hits]
        self._ends = [hit.end for hit in self.hits]

    def before(self, end: int) -> NameHit | None:
        """The name closest before ``end``, if only linking words stand between them. A gap
        that does not link does not link from further back either: the closest name is the
        only one to try."""
        index = bisect_right(self._ends, end) - 1
        if index >= 0 and _linking(self.text[self._ends[index] : end]):
            return self.hits[index]
        return None

    def after(self, start: int) -> NameHit | None:
        """The name right after a number (``start`` is where its digits end), past a
        classifier at most: "100个千兆城市", "1 000 villes gigabit"."""
        index = bisect_left(self._starts, start)
        if (
            index == len(self.hits)
            or len(self.text[start : self._starts[index]].strip(SPACES)) > 1
        ):
            return None
        return self.hits[index]


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


# Names as written, for a figure whose indicator the lexicon does not know: the words
# before the number, cleaned of what is not the name (a time, a linking verb, a pronoun).
# When nothing is left ("in 2021 and", "sets", "达到"), the figure has no name and is not
# proposed: an editor cannot review a figure of nothing.
_EN_STOP = """a an the and or but it its they their this that these those which who whom with
    of to by at in on for from as into than up down about around nearly some also then while
    is are was were be been being has have had will would should could may might can
    reached reach reaches rose rise rises grew grow grows fell falls increased decreased
    declined stood hit hits totalled totaled climbed dropped expanded amounted sets set
    targets aims aim aiming seeks plans intends expects expected forecast projected
    year years last past next"""
_FR_STOP = """le la les l un une des du de d et ou mais il elle ils elles on qui que qu ce cet
    cette ces son sa ses leur leurs à au aux en par pour sur dans avec a ont est sont était
    été sera seront devrait devraient pourrait pourraient atteint atteinte atteindre
    progressé augmenté crû reculé baissé diminué croître s se établi établie élevait élève
    élevé élevée vise visent viser visant prévoit prévoient porter environ près plus moins
    ici horizon an année années dernier dernière passé passée prochain prochaine soit fin"""
_LATIN_STOP = frozenset(f"{_EN_STOP} {_FR_STOP}".split())
_LATIN_WORD = re.compile(r"\w+")
# What opens a clause before its subject: a connective, a time.
ZH_LEAD = re.compile(
    r"^(?:主要表现在|其中|同时|此外|并且|全年|今年|去年底|去年末|去年|上年|年末|年底|"
    r"(?:19|20)\d\d年(?:底|末)?的?(?!以来))+"
)
_ZH_LINK = re.compile(
    r"(?:达到|达|为|平均为|降到|降至|升至|上升至|提高到|提高至|增加到|增至|突破|超过|保持在|"
    r"控制在|稳定在|首次跃上|跃上|约|近|实现|分别|全年)+$"
)
# A comparison that ends the words (比去年, 比2020年的) is a baseline's, not the name.
_ZH_VERSUS = re.compile(r"(?:比|较|相比)(?:去年|上年|(?:19|20)\d\d年(?:底|末)?)的?$")
# A verb alone, perhaps after a preposition (对新增, 共向, 惠及), names nothing: what it
# acts on follows the number (新增4个试点, 惠及500多万在校生).
_ZH_VERB = re.compile(
    r"(?:对|向|共|将|把|给|为)*(?:一次性)?"
    r"(?:增长|上涨|下降|提高|降低|增加|减少|增速|上升|下调|扩大|新增|增发|惠及|确定|受益|发放|"
    r"投放|安排|下达|带动|支持|帮助|完成|覆盖|新建|建成|减免|提供)?"
)
_ZH_PUNCTUATION = "、，,：:；;）)」』”’ "
_ZH_LISTED = re.compile(r"[\d.]+[%％]?、$")


def latin_name(words: str) -> str:
    """The name in the French or English ``words`` before a number, from their last comma,
    colon or bracket: the words between the first and last that are not function words,
    verbs or years; "" when there are none."""
    words = re.split(r"[,;:()]", words)[-1]
    kept = [
        match
        for match in _LATIN_WORD.finditer(words)
        if match.group().casefold() not in _LATIN_STOP and not match.group().isdigit()
    ]
    return words[kept[0].start() : kept[-1].end()] if kept else ""


def zh_name(lead: str) -> str:
    """The name in the Chinese ``lead`` before a number, cleaned of the times and connectives
    that open it and the linking verbs and comparisons that close it; "" when what is left
    is a verb alone, a qualifier or less than a word."""
    name = _ZH_LISTED.sub("", lead)
    name = ZH_LEAD.sub("", name.lstrip(_ZH_PUNCTUATION)).strip(_ZH_PUNCTUATION)
    previous = None
    while previous != name:
        previous, name = name, _ZH_VERSUS.sub("", _ZH_LINK.sub("", name)).strip(_ZH_PUNCTUATION)
    # Words that end in 的 qualify what follows the number (剩余的551万贫困人口).
    if len(name) < 2 or _ZH_VERB.fullmatch(name) or name.endswith("的"):
        return ""
    return name
