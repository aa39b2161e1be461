"""Who speaks: the actors a paragraph names (every alias, in any language), the pronoun or
anaphor that stands for the last one named, and the unknown name beside a speech verb."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from policies.intake.extract.shapes import Named
from policies.intake.extract.speech import NAME_AFTER, NAME_BEFORE, NOT_NAMES, Cues

_CLAUSE_END = re.compile(r"[,;:.!?，；：。！？]")

MentionKind = Literal["actor", "name", "pronoun", "anaphor"]


@dataclass(frozen=True)
class Speaker:
    """Who a statement is by: an actor's slug (``matched``) or a name as written."""

    speaker: str
    matched: bool


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    kind: MentionKind
    speaker: Speaker | None  # None for a pronoun or an anaphor, until resolved


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


def _key(name: str) -> str:
    return " ".join(name.replace("’", "'").split()).casefold()


def _name_pattern(name: str) -> str:
    """A name as a regex: whole words for Latin scripts (Xi, never the XI of a numeral nor
    the Xi of Xi'an), a substring for Chinese; an alias written in lower case ("le cabinet
    chinois") may open a sentence with a capital."""
    words = [re.sub("['’]", "['’]", re.escape(w)) for w in name.split()]
    body = r"\s+".join(words)
    if _has_cjk(name):
        return body
    first = name[0]
    if first.islower():
        body = f"[{first}{first.upper()}]" + body[len(re.escape(first)) :]
    # An apostrophe and a letter go on with the word (Xi'an), save the possessive's (Xi's).
    return rf"(?<!\w){body}(?!\w|['’](?![sS]\b)\w)"


class ActorMatcher:
    """Finds the lexicon's actors by any of their names, the longest name first."""

    def __init__(self, actors: tuple[Named, ...]) -> None:
        self._slugs: dict[str, str] = {}
        names: list[str] = []
        for actor in actors:
            for name in actor.names:
                name = name.strip()
                if len(name) < 2 or _key(name) in self._slugs:
                    continue
                self._slugs[_key(name)] = actor.slug
                names.append(name)
        names.sort(key=len, reverse=True)
        self._regex = re.compile("|".join(_name_pattern(n) for n in names)) if names else None

    def find(self, text: str) -> list[Mention]:
        if self._regex is None:
            return []
        return [
            Mention(m.start(), m.end(), "actor", Speaker(self._slugs[_key(m.group())], True))
            for m in self._regex.finditer(text)
            if _key(m.group()) in self._slugs
        ]


def references(text: str, cues: Cues) -> list[Mention]:
    """The pronouns and anaphors ("ce plan", 该规划) of a text, unresolved."""
    found = [Mention(m.start(), m.end(), "pronoun", None) for m in cues.pronouns.finditer(text)]
    found += [Mention(m.start(), m.end(), "anaphor", None) for m in cues.anaphors.finditer(text)]
    return found


def _name(m: re.Match[str], offset: int) -> Mention | None:
    """The name a capitalised run holds once a leading article or pronoun is dropped ("The
    Ministry of Commerce" → "Ministry of Commerce"), as a mention; None if nothing is left."""
    start, end = m.start("name"), m.end("name")
    text = m.string
    for word in re.finditer(r"\S+", text[start:end]):
        if word.group().rstrip(".") not in NOT_NAMES:
            start += word.start()
            break
    else:
        return None
    name = text[start:end]
    if not unicodedata.normalize("NFKD", name)[:1].isupper():
        return None
    return Mention(offset + start, offset + end, "name", Speaker(name, False))


def name_before(text: str, sentence_start: int, verb_start: int) -> Mention | None:
    """An unknown capitalised name just before a speech verb ("Li Wei said")."""
    m = NAME_BEFORE.search(text, sentence_start, verb_start)
    return _name(m, 0) if m is not None else None


def name_after(text: str, verb_end: int) -> Mention | None:
    """An unknown capitalised name just after a speech verb ("…", said Li Wei)."""
    m = NAME_AFTER.match(text[verb_end:])
    return _name(m, verb_end) if m is not None else None


def cites_a_text(
    text: str, verb: re.Match[str], end: int, cues: Cues, mentions: list[Mention]
) -> bool:
    """Whether an "according to" verb cites a text rather than a speaker ("selon le plan",
    "according to this document", 据该规划): a plan word or an anaphor in its clause before
    anybody is named. A plan speaks for nobody until its issuer is named."""
    if not cues.by.fullmatch(verb.group()):
        return False
    clause_end = _CLAUSE_END.search(text, verb.end(), end)
    stop = clause_end.start() if clause_end else end
    cited = [
        m.start()
        for regex in (cues.plan_words, cues.anaphors)
        if (m := regex.search(text, verb.end(), stop))
    ]
    if not cited:
        return False
    first = min(cited)
    if any(m.kind == "actor" and verb.end() <= m.start < first for m in mentions):
        return False
    unknown = name_after(text, verb.end())
    return unknown is None or unknown.end > first
