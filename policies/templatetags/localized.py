"""A record's words on a page, in the reader's language: ``{{ theme.local.name|marked_html }}``.

Where the French is missing the English stands in (``policies.localized``); a reader must see
that it is English on purpose, and a screen reader must say it in English: the words are
wrapped in ``lang="en"`` and followed by a small "EN" marker that explains itself.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from policies import localized, search

register = template.Library()


@register.filter
def marked_html(text: str | None, query: str = "") -> SafeString:
    """``text`` escaped; an English fallback in ``lang="en"``, with a visible "EN" marker.
    With a reader's search (``|marked_html:filter.query``), the words it matched are marked
    too (``highlighted``)."""
    if text is None:
        text = ""
    words = highlighted(text, query)
    if not getattr(text, "fallback", False):
        return words
    return format_html(
        # No space between them: inside a link it would be underlined; CSS spaces the marker.
        '<span lang="en">{}</span><abbr class="fallback" title="{}">EN</abbr>',
        words,
        gettext("Not yet translated into French; shown in English"),
    )


@register.filter
def highlighted(text: str | None, query: str = "") -> SafeString:
    """``text`` escaped, each word a reader's search ``query`` matched in ``<mark>``."""
    return search.highlight(text or "", search.parse(query or ""))


@register.filter
def matched(text: str | None, query: str = "") -> bool:
    """Whether a reader's search ``query`` matched a word of ``text``."""
    return bool(query) and bool(search.highlight_spans(text or "", search.parse(query)))


@register.filter
def english_html(text: str | None) -> SafeString:
    """Free text that is written in English and has no French column (a venue, a locator, a
    publisher): on a page in another language, marked as an English stand-in is."""
    if not text:
        return format_html("{}", text or "")
    foreign = localized.reader_language() != localized.DEFAULT_LANGUAGE
    return marked_html(localized.Text(text, language=localized.DEFAULT_LANGUAGE, fallback=foreign))


@register.filter
def marked(text: str | None) -> str:
    """Plain text for attributes and titles: an English fallback ends in " (EN)"."""
    if text is None:
        return ""
    return localized.marked(text)


@register.filter
def primary_language(code: str) -> str:
    """A BCP 47 tag's language alone ("en-GB" → "en")."""
    return localized.primary_language(code or "")


@register.filter
def language_name(code: str) -> str:
    """A BCP 47 tag ("zh", "fr-FR") named in the reader's language; an unknown one as is."""
    return localized.language_name(code)
