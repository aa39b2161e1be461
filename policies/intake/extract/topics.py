"""Themes and sectors: a statement, target or observation is suggested the themes and
sectors whose lexicon words (names in each language and keywords, kept on the records and
edited in the admin) occur in its paragraph. Suggestions only: the editor decides."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

from policies.intake.extract.shapes import Document, Lexicon, Named, Proposed

_TAGGED = frozenset({"statement", "target", "observation"})


def fold(text: str) -> str:
    """Text as the words are compared: no case, no accents, one kind of apostrophe and
    of space."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" for c in text)


class _Words:
    """One lexicon (themes or sectors) ready to match: a Chinese word, or any word in a
    Chinese document, is a substring; a Latin word is whole words, with its plural."""

    def __init__(self, records: tuple[Named, ...], language: str) -> None:
        self._plain: list[tuple[str, str]] = []
        self._words: list[tuple[re.Pattern[str], str]] = []
        for record in records:
            for name in record.names:
                word = fold(name)
                if not word:
                    continue
                if language == "zh" or _has_cjk(word):
                    self._plain.append((word, record.slug))
                else:
                    body = r"\s+".join(re.escape(w) for w in word.split())
                    self._words.append(
                        (re.compile(rf"(?<!\w){body}(?:s|x|es)?(?!\w)"), record.slug)
                    )

    def slugs(self, folded: str) -> list[str]:
        found = {slug for word, slug in self._plain if word in folded}
        found |= {slug for pattern, slug in self._words if pattern.search(folded)}
        return sorted(found)


def suggest(document: Document, lexicon: Lexicon, proposals: list[Proposed]) -> list[Proposed]:
    """The proposals, each statement, target and observation given the ``themes`` and
    ``sectors`` its paragraph's words suggest."""
    themes = _Words(lexicon.themes, document.language)
    sectors = _Words(lexicon.sectors, document.language)
    by_paragraph: dict[int, tuple[list[str], list[str]]] = {}
    suggested: list[Proposed] = []
    for proposal in proposals:
        number = proposal.paragraph
        if proposal.kind not in _TAGGED or not 1 <= number <= len(document.paragraphs):
            suggested.append(proposal)
            continue
        if number not in by_paragraph:
            text = fold(document.paragraphs[number - 1])
            by_paragraph[number] = (themes.slugs(text), sectors.slugs(text))
        found_themes, found_sectors = by_paragraph[number]
        fields = {**proposal.fields, "themes": list(found_themes), "sectors": list(found_sectors)}
        suggested.append(dataclasses.replace(proposal, fields=fields))
    return suggested
