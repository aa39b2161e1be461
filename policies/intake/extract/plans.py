"""Plans a document names: titles in 《》, quoted titles that say they are a plan, the
five-year plans named in running text, document numbers (国发〔2021〕29号), and the known
plans' own titles wherever they occur. A known plan is matched by its number first, then by
its title (quotation marks aside); anything else is proposed as a new plan. A plan named
with no title and no number ("un plan publié mercredi") is not proposed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from policies.intake.extract.quoted import QUOTE_MARKS, quoted_spans
from policies.intake.extract.shapes import Document, Lexicon, PlanNames, Proposed

_MARKS = "“”\"‘’'«»「」『』《》〈〉"
_GAP = rf"[\s\u00a0\u202f{re.escape(_MARKS)}]*"
_BRACKETS = str.maketrans("[]［］()（）【】", "〔〕〔〕〔〕〔〕〔〕")
# Chinese words for a policy document (plan, outline, opinions, measures, law ...) and their
# French and English kin, in a quoted title.
_ZH_KINDS = re.compile(
    r"(?:规划|计划|方案|纲要|意见|要点|战略|行动|条例|办法|规定|决定|通知|指南|政策|报告)"
    r"(?:（?(?:草案|试行|修订)）?)?$"
)
_LATIN_KINDS = re.compile(
    r"\b(?:plans?|programmes?|programs?|strat(?:egy|égie)|roadmap|feuille\s+de\s+route|"
    r"outline|guidelines?|orientations?|opinions?|action|measures|mesures|regulations?|"
    r"règlement|law|loi|notice|circulaire)\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"(?P<prefix>[\u4e00-\u9fff]{1,12})[〔\[［(（【](?P<year>(?:19|20)\d\d)[〕\]］)）】]"
    r"(?P<serial>\d{1,4})号"
)
# Words that run into a number's issuer abbreviation in prose: 并根据国发〔2021〕29号.
_LEAD = re.compile(
    r"^(?:根据|按照|依据|依照|参照|印发|发布|关于|转发|下发|通过|执行|落实|贯彻|"
    r"[并和及与以了的是经由在对将按据见即从把被为等或同于])+"
)
_FIVE_YEAR = {
    "zh": re.compile(
        r"(?:国民经济和社会发展)?第十[一二三四五六]个五年规划(?:和(?:2035|二〇三五)年远景目标纲要)?"
        r"|[“\"]?十[一二三四五六]五[”\"]?[\u4e00-\u9fff]{0,12}?(?:规划|纲要)"
    ),
    "en": re.compile(
        r"(?:\d{1,2}(?:st|nd|rd|th)|Thirteenth|Fourteenth|Fifteenth)\s+Five-Year\s+Plan"
        r"(?:\s+(?:for|on|of)(?:\s+(?:[A-Z][\w-]*|and|of|the|for))*\s+[A-Z][\w-]*)?"
    ),
    "fr": re.compile(
        r"(?:\d{1,2}e|XIIIe|XIVe|XVe|treizième|quatorzième|quinzième)\s+plan\s+quinquennal",
        re.IGNORECASE,
    ),
}
_MIN_KNOWN_TITLE = 6  # characters: shorter known titles are matched only when marked


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    title: str
    number: str
    rule: str


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_BRACKETS)
    return "".join(c for c in text.casefold() if c not in _MARKS and not c.isspace())


class _Known:
    """The lexicon's plans, by number, by title, and as patterns for running text."""

    def __init__(self, plans: tuple[PlanNames, ...]) -> None:
        self.by_number = {_fold(p.document_number): p.slug for p in plans if p.document_number}
        self.by_title = {_fold(t): p.slug for p in plans for t in p.titles if _fold(t)}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        for plan in plans:
            for title in plan.titles:
                chars = [c for c in title if c not in _MARKS and not c.isspace()]
                if len(chars) >= _MIN_KNOWN_TITLE:
                    body = _GAP.join(re.escape(c) for c in chars)
                    self.patterns.append((re.compile(body, re.IGNORECASE), plan.slug))

    def match(self, title: str, number: str) -> tuple[str | None, str]:
        """The known plan's slug and how it matched (``number``, ``title``), or None."""
        if number and _fold(number) in self.by_number:
            return self.by_number[_fold(number)], "number"
        if title and _fold(title) in self.by_title:
            return self.by_title[_fold(title)], "title"
        return None, ""


def _numbers(text: str) -> list[tuple[int, int, str]]:
    found = []
    for m in _NUMBER.finditer(text):
        lead = _LEAD.match(m["prefix"])
        start = m.start() + (lead.end() if lead else 0)
        if start < m.start("prefix") + len(m["prefix"]):
            found.append((start, m.end(), text[start : m.end()]))
    return found


def _title_like(text: str) -> bool:
    """A quoted plan title, not a quoted sentence: short, unpunctuated, capitalised, and
    its kind of document among its first words or its words in title case."""
    words = text.split()
    if not 0 < len(words) <= 16 or not text[0].isupper() or re.search(r"[.!?;:,]", text):
        return False
    kind = _LATIN_KINDS.search(text)
    if kind is None:
        return False
    long_words = [w for w in words if len(w) > 3]
    title_case = sum(w[0].isupper() for w in long_words) * 2 >= len(long_words)
    return title_case or len(text[: kind.start()].split()) < 3


def _titles(text: str, language: str) -> list[_Mention]:
    """Titles in 《》, and quoted titles that name a kind of policy document."""
    found = [
        _Mention(q.start, q.end, q.text(text), "", "plan.title_marks")
        for q in quoted_spans(text, "《")
        if q.close > q.end and len(q.text(text)) <= 80
    ]
    if language != "zh":
        for q in quoted_spans(text, QUOTE_MARKS):
            title = q.text(text)
            if q.close > q.end and _title_like(title):
                found.append(_Mention(q.start, q.end, title, "", "plan.quoted_title"))
    pattern = _FIVE_YEAR.get(language)
    if pattern is not None:
        found += [
            _Mention(m.start(), m.end(), m.group(), "", "plan.five_year_plan")
            for m in pattern.finditer(text)
        ]
    return found


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _mentions(text: str, language: str, known: _Known) -> list[_Mention]:
    """A paragraph's plan mentions, a number joined to the title it follows."""
    kept: list[_Mention] = []
    for mention in sorted(_titles(text, language), key=lambda m: (m.start, -(m.end - m.start))):
        if not any(_overlap((mention.start, mention.end), (k.start, k.end)) for k in kept):
            kept.append(mention)
    for start, end, number in _numbers(text):
        if any(_overlap((start, end), (k.start, k.end)) for k in kept):
            continue
        # 《…规划》（国发〔2021〕29号）: the number belongs to the title just before it.
        owner = next((k for k in kept if 0 <= start - k.end <= 3 and not k.number), None)
        if owner is not None:
            kept[kept.index(owner)] = _Mention(owner.start, end, owner.title, number, owner.rule)
        else:
            kept.append(_Mention(start, end, "", number, "plan.number"))
    for pattern, _slug in known.patterns:
        for m in pattern.finditer(text):
            if not any(_overlap((m.start(), m.end()), (k.start, k.end)) for k in kept):
                kept.append(_Mention(m.start(), m.end(), m.group(), "", "plan.known_title"))
    return sorted(kept, key=lambda m: m.start)


def _is_plan(mention: _Mention, slug: str | None) -> bool:
    """A marked title is a plan when it is known or says what kind of document it is."""
    if slug is not None or mention.number or mention.rule != "plan.title_marks":
        return True
    return bool(_ZH_KINDS.search(mention.title) or _LATIN_KINDS.search(mention.title))


def find_plans(document: Document, lexicon: Lexicon) -> list[Proposed]:
    """One proposal per plan the document names, at its first mention."""
    known = _Known(lexicon.plans)
    seen: set[str] = set()
    proposals: list[Proposed] = []
    for number, text in enumerate(document.paragraphs, start=1):
        for mention in _mentions(text, document.language, known):
            slug, how = known.match(mention.title, mention.number)
            if not _is_plan(mention, slug):
                continue
            key = slug or _fold(mention.title) or _fold(mention.number)
            if key in seen:
                continue
            seen.add(key)
            confidence = {"number": 0.95, "title": 0.9}.get(how, 0.6)
            if mention.rule == "plan.title_marks" and not slug:
                confidence = 0.7
            proposals.append(
                Proposed(
                    kind="plan",
                    paragraph=number,
                    excerpt=text[mention.start : mention.end],
                    start=mention.start,
                    confidence=confidence,
                    rule=mention.rule,
                    fields={
                        "title": mention.title,
                        "document_number": mention.number,
                        "plan": slug,
                        "known": slug is not None,
                    },
                )
            )
    return proposals
