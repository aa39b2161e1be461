"""How text becomes searchable terms, and a reader's query becomes what to look for. Pure.

Both databases index the same words, made here rather than by their own tokenizers, so that
a query finds the same statements on either:

- **words**: lower case without accents ("Numérique" → ``numerique``), split at anything
  that is not a letter or a digit, in their order (phrases match consecutive words);
- **stems**: each word's Snowball stem in its text's language (``monopolies`` →
  ``monopoli``, ``monopoles`` → ``monopol``), for the English and French texts;
- **Chinese**: overlapping pairs of characters (核心产业 → 核心 心产 产业), since Chinese is
  written without spaces; a word in the middle of a sentence is then the phrase of its pairs.

A query word matches a term it starts (``numér`` finds "numérique"), as a word or, stemmed in
English or in French, as a stem: the query's language is not known, so both are tried.
Quoted phrases (``"expansion désordonnée"``) match consecutive words exactly. Nothing typed
reaches a database's query syntax: a query is only ever these words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import snowballstemmer

# The languages whose words are stemmed; any other text keeps its words as they are.
STEMMERS = {"en": "english", "fr": "french"}

# Han characters (the unified blocks and their extensions, and compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
HAN_CHARACTER = re.compile(f"[{HAN}]")
# A run of Han characters, or a run of other letters and digits.
TOKEN = re.compile(rf"(?P<han>[{HAN}]+)|(?P<word>[^\W_{HAN}]+)")

# Where the index's own terms for names begin (``names.tag``); no query word may.
TAG_START = "zz"

# A reader's query: at most so many terms are looked for (the form's 200 characters give
# fewer in any real query; Chinese pairs are counted one by one).
MAX_TERMS = 64

# Letters NFKD does not take apart.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})


def fold(text: str) -> str:
    """Lower case without accents: how every word is compared."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _algorithm(language: str) -> str | None:
    """The stemmer of a BCP 47 tag's language ("fr-FR" and "fr" alike), if there is one."""
    return STEMMERS.get(language.split("-")[0].lower())


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """``word`` (lower case, accents kept: the French rules read them) stemmed in
    ``language`` (a BCP 47 tag), then folded. A language without a stemmer keeps the word."""
    algorithm = _algorithm(language)
    if algorithm is None:
        return fold(word)
    return fold(_stemmer(algorithm).stemWord(word))


@functools.cache
def _stemmer(algorithm: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(algorithm)


def pairs(run: str) -> list[str]:
    """A run of Chinese characters as its overlapping pairs (a lone character as itself)."""
    if len(run) < 2:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is (for highlighting), and its folded form."""

    start: int
    end: int
    text: str  # as written, lower case
    han: bool

    @property
    def folded(self) -> str:
        return fold(self.text)


def tokens(text: str) -> Iterator[Token]:
    for match in TOKEN.finditer(text):
        yield Token(match.start(), match.end(), match.group().casefold(), bool(match["han"]))


def terms_of(token: Token) -> list[str]:
    """A word's terms: Chinese as its pairs; any other word folded, and split again where
    folding made something that is not a letter or a digit ("½" → "1⁄2" → 1, 2)."""
    if token.han:
        return pairs(token.text)
    return _split(token.folded)


def _split(text: str) -> list[str]:
    return [match.group() for match in TOKEN.finditer(text)]


def words(text: str) -> list[str]:
    """The words of ``text`` in order, as the index holds them: Chinese as its pairs, and
    the last character of a run of two or more as well, so that a one-character query finds
    it there too (it finds the others as the start of a pair)."""
    result = []
    for token in tokens(text):
        result.extend(terms_of(token))
        if token.han and len(token.text) > 1:
            result.append(token.text[-1])
    return result


def stems(text: str, language: str) -> set[str]:
    """The stems of ``text``'s words in ``language`` (none for other languages)."""
    if _algorithm(language) is None:
        return set()
    found = {stem(token.text, language) for token in tokens(text) if not token.han}
    return {term for form in found for term in _split(form)}


def document(fields: Iterable[tuple[str, str]], tags: Iterable[str] = ()) -> str:
    """What the index holds for one record: the words of each ``(text, language)`` field in
    order, then the stems that are not already words, then ``tags`` (terms that stand for
    its theme, sector and actor: ``names``). One string of terms separated by spaces."""
    fields = list(fields)
    all_words: list[str] = []
    all_stems: set[str] = set()
    for text, language in fields:
        all_words.extend(words(text))
        all_stems |= stems(text, language)
    extra = sorted(all_stems - set(all_words) - {""})
    return " ".join([*all_words, *extra, *tags])


@dataclass(frozen=True)
class Query:
    """A reader's query: every word and every phrase must match.

    ``words`` are the alternatives of each unquoted word (its folded form and its English
    and French stems, each matched as the start of a term); ``phrases`` are runs of terms
    that must follow each other (a quoted phrase, or a Chinese word as its pairs).
    """

    words: tuple[tuple[str, ...], ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def alternatives(word: str) -> tuple[str, ...]:
    """A query word's forms: folded, and its English and French stems (each once)."""
    lower = word.casefold()
    forms = [fold(lower), *(stem(lower, language) for language in STEMMERS)]
    # Folding can leave a form that is not one term (see ``terms_of``): keep its first.
    first = [found[0] for form in forms if (found := _split(form))]
    # Terms from "zz" on are the index's tags for names (``names``), not a reader's words.
    return tuple(dict.fromkeys(form for form in first if not form.startswith(TAG_START)))


@functools.lru_cache(maxsize=256)
def parse(text: str) -> Query:
    """The words and phrases of a reader's query. Text between two double quotes is a
    phrase; a quote without its pair is ignored. Anything but letters and digits only
    separates words, so no query syntax of any database can be typed."""
    text = text.replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
    parts = text.split('"')
    # Even parts are outside quotes. An odd count of quotes leaves the last part unclosed:
    # read it as plain words.
    if len(parts) % 2 == 0:
        parts[-2:] = [parts[-2] + " " + parts[-1]]
    word_forms: list[tuple[str, ...]] = []
    phrases: list[tuple[str, ...]] = []
    budget = MAX_TERMS
    for index, part in enumerate(parts):
        quoted = index % 2 == 1
        if quoted:
            terms = tuple(words(part))[:budget]
            if terms:
                phrases.append(terms)
                budget -= len(terms)
            continue
        for token in tokens(part):
            if budget <= 0:
                break
            if token.han and len(token.text) > 2:
                terms = tuple(pairs(token.text))[:budget]
                phrases.append(terms)
                budget -= len(terms)
            else:
                forms = (token.text,) if token.han else alternatives(token.text)
                if forms:
                    word_forms.append(forms)
                    budget -= 1
    return Query(
        words=tuple(dict.fromkeys(word_forms)),
        phrases=tuple(dict.fromkeys(phrases)),
    )


def matches_word(query_forms: Iterable[str], term: str) -> bool:
    return any(term.startswith(form) for form in query_forms)
