"""The words of reported speech in each language: speech and call verbs, the pronouns and
anaphors that stand for the last speaker, the aims of a plan, the modal verbs of reported
obligation and the verbs that date a publication."""

from __future__ import annotations

import re
from dataclasses import dataclass

_APOS = "['’]"
_FR_ADVERBS = (
    r"(?:(?:également|aussi|encore|notamment|ensuite|enfin|déjà|ainsi|publiquement|"
    r"par\s+ailleurs|de\s+nouveau|en\s+outre|pour\s+sa\s+part)\s+){0,2}"
)
_FR_PARTICIPLES = (
    r"(?:déclaré|dit|ajouté|souligné|affirmé|estimé|indiqué|expliqué|averti|insisté|assuré|"
    r"noté|écrit|précisé|martelé|rappelé|prévenu|annoncé|jugé|observé|relevé|reconnu|promis|"
    r"appelé|exhorté|plaidé|réclamé|demandé|invité|lancé|poursuivi|conclu|répété|"
    r"fait\s+valoir|mis\s+en\s+garde)"
)
_FR_PRESENT = (
    r"(?:déclare|affirme|estime|souligne|appelle|exhorte|plaide|réclame|insiste|écrit|"
    r"rappelle|avertit|ajoute|indique|explique|précise|assure|note)"
)
_EN_VERBS = (
    r"(?:said|says|told|added|stressed|noted|wrote|writes|warned|insisted|stated|declared|"
    r"emphasi[sz]ed|underlined|highlighted|announced|argued|explained|pledged|vowed|urged|"
    r"urges|called\s+(?:for|on)|calls\s+(?:for|on))"
)


@dataclass(frozen=True)
class Cues:
    """One language's cues. ``verbs`` may capture an inverted pronoun (``pron``: a-t-il
    déclaré, said he); ``by`` verbs name their speaker after them (selon Xi, according
    to Xi)."""

    verbs: re.Pattern[str]
    pronouns: re.Pattern[str]
    anaphors: re.Pattern[str]
    aims: re.Pattern[str]
    plan_words: re.Pattern[str]
    modals: re.Pattern[str]
    published_before: re.Pattern[str]  # ends where a date phrase begins: "paru" samedi
    published_after: re.Pattern[str]  # begins where a date phrase ends: 1月15日"出版"
    by: re.Pattern[str]
    subject_window: int  # how far before its verb a named subject may stand


_NEVER = re.compile(r"(?!x)x")

CUES: dict[str, Cues] = {
    "fr": Cues(
        verbs=re.compile(
            rf"\b(?:a|ont)-t-(?P<pron>il|elle|ils|elles)\s+{_FR_ADVERBS}{_FR_PARTICIPLES}\b"
            rf"|\b{_FR_PRESENT}-t-(?P<pron2>il|elle)\b"
            rf"|\b(?:a|ont|avait|avaient)\s+{_FR_ADVERBS}{_FR_PARTICIPLES}\b"
            rf"|\b{_FR_PRESENT}\b"
            rf"|\bselon\b|\bd{_APOS}après\b",
            re.IGNORECASE,
        ),
        pronouns=re.compile(r"\b(?:il|elle|ils|elles)\b", re.IGNORECASE),
        anaphors=re.compile(
            r"\b(?:ce|cet|le|ledit)\s+(?:plan|document|texte|programme|rapport)\b",
            re.IGNORECASE,
        ),
        aims=re.compile(r"\bqui\s+vis(?:e|ent|ait|aient)\s+à\b|\bvisant\s+à\b", re.IGNORECASE),
        plan_words=re.compile(
            r"\b(?:plan|programme|stratégie|document|texte|feuille\s+de\s+route|directive|"
            r"règlement)s?\b",
            re.IGNORECASE,
        ),
        modals=re.compile(r"\b(?:devrait|devraient|doit|doivent|faudrait)\b", re.IGNORECASE),
        published_before=re.compile(
            r"(?:\b(?:paru|publié|diffusé|dévoilé|prononcé|rendu\s+public)(?:e|s|es)?"
            r"|\b(?:a|ont)\s+(?:déclaré|dit|affirmé|écrit|annoncé|souligné|indiqué))"
            r"(?:\s+(?:le|ce))?\s+$",
            re.IGNORECASE,
        ),
        published_after=_NEVER,
        by=re.compile(rf"\bselon\b|\bd{_APOS}après\b", re.IGNORECASE),
        subject_window=60,
    ),
    "en": Cues(
        verbs=re.compile(
            rf"\bsaid\s+(?P<pron>he|she)\b|\b{_EN_VERBS}\b|\baccording\s+to\b", re.IGNORECASE
        ),
        pronouns=re.compile(r"\b(?:he|she|they)\b", re.IGNORECASE),
        anaphors=re.compile(
            r"\b(?:the|this)\s+(?:plan|document|strategy|report|programme|program|text)\b",
            re.IGNORECASE,
        ),
        aims=re.compile(r"\b(?:which|that)\s+aims?\s+(?:to|at)\b|\baiming\s+(?:to|at)\b"),
        plan_words=re.compile(
            r"\b(?:plan|programme|program|strategy|document|roadmap|guideline|regulation)s?\b",
            re.IGNORECASE,
        ),
        modals=re.compile(r"\b(?:should|must)\b", re.IGNORECASE),
        published_before=re.compile(
            r"\b(?:published|released|issued|unveiled|delivered|made\s+public|said|wrote|told)"
            r"(?:[^.;:]{0,30}?\s+on)?\s+$",
            re.IGNORECASE,
        ),
        published_after=_NEVER,
        by=re.compile(r"\baccording\s+to\b", re.IGNORECASE),
        subject_window=60,
    ),
    "zh": Cues(
        verbs=re.compile(
            r"表示(?!感谢|欢迎|祝贺|慰问|敬意|哀悼|谢意|衷心|诚挚|热烈)|指出|强调|说道|写道|认为|"
            r"宣布|呼吁|号召|说(?=[：:，,“「。！？]|$)|(?<![^，。；：！？\s“”])据(?!此|说)"
        ),
        pronouns=re.compile(r"(?<!其)[他她]们?"),
        anaphors=re.compile(r"(?:该|这一?|此)(?:规划|计划|方案|文件|报告|意见|纲要)"),
        aims=re.compile(r"旨在"),
        plan_words=re.compile(r"规划|计划|方案|纲要|意见|文件|战略"),
        modals=re.compile(r"应当|应该|必须"),
        published_before=re.compile(r"(?:于|在)$"),
        # 15日表示: the day a speaker said it, as much as the day a text came out.
        published_after=re.compile(
            r"[^，。；]{0,4}?(?:发布|印发|出版|公布|发表|出台|表示|指出|强调|说(?=[：:，,“「]))"
        ),
        by=re.compile(r"据"),  # "according to", opening its clause (never 根据, 数据)
        subject_window=24,
    ),
}

# A capitalised name standing next to a speech verb ("Li Wei said", "a déclaré M. Wang").
_CAPITALISED = r"[A-Z][\w'’-]*"
_LINK = r"(?:(?:of|for|and|the|de|du|des|la|le|l['’])\s*)"
_NAME = (
    rf"(?:(?:M\.|Mme|Mr\.?|Mrs\.?|Ms\.?|Dr\.?)\s+)?{_CAPITALISED}"
    rf"(?:\s+{_LINK}?{_CAPITALISED}){{0,5}}"
)
NAME_BEFORE = re.compile(rf"(?P<name>{_NAME})\s*,?\s*$")
NAME_AFTER = re.compile(rf"^\s*(?P<name>{_NAME})")
NOT_NAMES = frozenset(
    {
        *("Le", "La", "Les", "L", "Il", "Elle", "Ils", "Elles", "Ce", "Cet", "Cette", "Ces"),
        *("Un", "Une", "Des", "Selon", "Mais", "Et", "Dans", "En", "Pour", "Au", "Aux", "Du"),
        *("De", "Nous", "On", "The", "This", "That", "These", "Those", "He", "She", "They"),
        *("It", "We", "I", "A", "An", "But", "And", "In", "At", "According", "As", "For"),
        *("If", "Yet", "So"),
    }
)
