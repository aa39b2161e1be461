"""A record's words in the reader's language.

English lives in the field itself; French in a twin column beside it, named by the field
with ``_fr`` for ``_en`` (``title_en`` → ``title_fr``) or with ``_fr`` added (``name`` →
``name_fr``). Same row, so no page costs a query more, and no collision with the ``*_en``
fields that hold English *renderings* of original-language text (``Plan.title_en``,
``Indicator.name_en``, ``Statement.text_en``).

A record without French reads in English, marked (``Text.fallback``), never empty. Each
translatable model names its fields in ``TRANSLATED``: what readers call the field, and the
English column that holds it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Protocol, TypeVar

from django.utils.translation import get_language
from django.utils.translation import gettext as _

DEFAULT_LANGUAGE = "en"


class Translatable(Protocol):
    # {what readers call it: the English column}, e.g. {"name": "name_en"} on Indicator.
    TRANSLATED: ClassVar[dict[str, str]]


class Text(str):
    """Words in one language; ``fallback`` says the English stands in for a missing French."""

    language: str
    fallback: bool

    # Defaults, so that copy and pickle (which call __new__ with the value alone) work.
    def __new__(cls, value: str, language: str = DEFAULT_LANGUAGE, fallback: bool = False) -> Text:
        text = super().__new__(cls, value)
        text.language = language
        text.fallback = fallback
        return text


def twin(english_field: str, language: str) -> str:
    """The column holding ``english_field`` in ``language``: ``title_en`` → ``title_fr``."""
    stem = english_field.removesuffix("_en")
    return f"{stem}_{language}"


def language_name(code: str) -> str:
    """A source's language (a BCP 47 tag) named in the reader's language; a language the
    tracker has no name for keeps its tag."""
    names = {"zh": _("Chinese"), "en": _("English"), "fr": _("French")}
    return names.get(primary_language(code), code)


def primary_language(code: str) -> str:
    """A BCP 47 tag's language, without script or region: "zh-Hans" → "zh"."""
    return code.split("-")[0].lower()


def reader_language(language: str | None = None) -> str:
    return (language or get_language() or DEFAULT_LANGUAGE).split("-")[0]


def localized(record: Any, field: str, language: str | None = None) -> Text:
    """``record``'s ``field`` (as ``TRANSLATED`` names it) in the reader's language."""
    english_field = record.TRANSLATED[field]
    english = getattr(record, english_field) or ""
    language = reader_language(language)
    if language == DEFAULT_LANGUAGE:
        return Text(english, language=DEFAULT_LANGUAGE)
    own = getattr(record, twin(english_field, language), "")
    if own:
        return Text(own, language=language)
    return Text(english, language=DEFAULT_LANGUAGE, fallback=bool(english))


def sort_key(label: str) -> str:
    """A label as a reader alphabetises it: without case or accents ("Économie" under E)."""
    decomposed = unicodedata.normalize("NFKD", label.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_Item = TypeVar("_Item")


def reading_order(items: Iterable[_Item], label: Callable[[_Item], str]) -> list[_Item]:
    """``items`` as a reader of the current language alphabetises their labels. English keeps
    the order given (the database's, by English name); another language sorts in Python."""
    if reader_language() == DEFAULT_LANGUAGE:
        return list(items)
    return sorted(items, key=lambda item: sort_key(label(item)))


def marked(text: str) -> str:
    """Plain text for places without markup (chart labels, feed titles): a fallback says so."""
    return f"{text} (EN)" if getattr(text, "fallback", False) else str(text)


class Local:
    """``record.local.name``: attribute access to ``localized``, for templates."""

    __slots__ = ("_record",)

    def __init__(self, record: Any) -> None:
        self._record = record

    def __getattr__(self, field: str) -> Text:
        if field not in self._record.TRANSLATED:
            raise AttributeError(f"{type(self._record).__name__} has no translated {field!r}")
        return localized(self._record, field)
