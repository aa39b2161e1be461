"""A ``Reference`` written out as readers' tools want it: Chicago author-date and APA as
plain text, BibTeX, RIS and CSL-JSON as files.

The text is stored text, typed by editors: every writer here makes it safe for its format
(braces and TeX specials in BibTeX, line breaks in RIS, JSON's own escaping), so a title
holding ``{``, ``"``, ``@`` or a newline still gives a file the usual parsers read. The
citations are written in English, whatever the page's language, as the styles are.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from policies.citations.references import PARAPHRASE, PARTIAL_QUOTATION, Reference

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TRACKER = "Policy Tracker"

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

# What each kind of document is called by the formats' vocabularies.
RIS_TYPES = {
    "news_report": "NEWS",
    "essay": "JOUR",
    "official_document": "GOVDOC",
    "statistical_release": "DATA",
    "research_report": "RPRT",
    "speech": "GEN",
    "other": "GEN",
}
CSL_TYPES = {
    "news_report": "article-newspaper",
    "essay": "article-journal",
    "official_document": "report",
    "statistical_release": "dataset",
    "research_report": "report",
    "speech": "speech",
    "other": "article",
}
LEGISLATION = {"plan:law", "plan:regulation"}
ARTICLES = {"news_report", "essay"}


@dataclass(frozen=True)
class CitationFormat:
    name: str  # as in the URL: cite.<extension>
    # The style's name in the reader's language; the text it writes is English (a style's
    # rules are English ones here), and the page says so with ``lang="en"``.
    label: StrOrPromise
    extension: str
    content_type: str
    write: Callable[[Reference], str]


def _flat(text: str) -> str:
    """One line: stored text may hold newlines and runs of spaces."""
    return " ".join(text.split())


def _end(text: str) -> str:
    """``text`` closed by a full stop, without doubling one ("n.d.", "Co.")."""
    closed = text.rstrip("”’\"'»)")
    return text if closed.endswith((".", "!", "?")) else f"{text}."


def long_date(day: datetime.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.day}, {day.year}"


def _year(ref: Reference) -> str:
    return str(ref.issued.year) if ref.issued else "n.d."


def _version(ref: Reference) -> str:
    return ref.version.isoformat() if ref.version else "not recorded"


def credit(ref: Reference) -> str:
    """Who the reference leads with: the document's author, or the speaker quoted in it."""
    authors = " and ".join(ref.authors)
    if ref.quoted_in:
        return f"{ref.speaker}, quoted in {authors}"
    return authors


def _words(ref: Reference) -> str:
    """Where in the document, and whose words the excerpt is."""
    where = f"paragraph {ref.paragraph}" if ref.paragraph else ""
    if not ref.speaker:
        return where
    quote = _flat(ref.quote)
    if ref.wording == PARAPHRASE:
        whose = f"reporting {ref.speaker} in its own words (a paraphrase)"
    elif ref.wording == PARTIAL_QUOTATION:
        whose = f"its own words quoting {ref.speaker} in part: “{quote}”"
    elif ref.quoted_in:
        # "Speaker, quoted in Author" leads the reference: the place, then the words.
        return f"{where}: “{quote}”" if where else f"“{quote}”"
    else:
        whose = f"{ref.speaker}'s words: “{quote}”"
    return ", ".join(part for part in (where, whose) if part)


def _notes(ref: Reference) -> str:
    """The record's wording, in one sentence for the formats' note fields."""
    words = _words(ref)
    parts = [_end(words[0].upper() + words[1:]) if words else ""]
    if ref.title_descriptive:
        parts.append(f"The title is descriptive, written for {TRACKER}.")
    parts.append(f"Recorded in {TRACKER} as “{_flat(ref.record_title)}”.")
    if ref.original_url:
        parts.append(f"Original: {ref.original_url}.")
    if ref.translation_url:
        parts.append(f"English translation: {ref.translation_url}.")
    parts.append(f"{TRACKER} data version {_version(ref)}.")
    return " ".join(part for part in parts if part)


def _title(ref: Reference) -> str:
    title = _flat(ref.title)
    return f"{title} [{_flat(ref.title_en)}]" if ref.title_en else title


def chicago(ref: Reference) -> str:
    """Chicago author-date, reference-list form."""
    # Articles are quoted by title; documents (a plan, a report) are named as they are.
    # A title written for the tracker is neither quoted nor italic (Chicago 14.98).
    quoted = ref.document_kind in ARTICLES and not ref.title_descriptive
    title = f"“{_title(ref)}.”" if quoted else _end(_title(ref))
    container = "" if ref.publisher in ref.authors else _flat(ref.publisher)
    if ref.document_number:
        container = ", ".join(part for part in (container, _flat(ref.document_number)) if part)
    words = _words(ref)
    located = ", ".join(part for part in (container, words) if part)
    located = f" {_end(located)}" if located else ""
    return (
        f"{_end(_flat(credit(ref)))} {_end(_year(ref))} {title}{located} "
        f"In {TRACKER}, “{_flat(ref.record_title)}.” {ref.permalink}. "
        f"Accessed {long_date(ref.accessed)}; data version {_version(ref)}."
    )


def apa(ref: Reference) -> str:
    """APA 7th edition, reference-list form. APA lists the source that was read; a quotation
    is cited in the text as "(speaker, as cited in author, year)", which the note says."""
    authors = " & ".join(_flat(author) for author in ref.authors)
    issued = (
        f"{ref.issued.year}, {MONTHS[ref.issued.month - 1]} {ref.issued.day}"
        if ref.issued
        else "n.d."
    )
    container = _flat(ref.publisher)
    if ref.document_number:
        container = f"{_flat(ref.document_number)}. {container}"
    # APA describes an untitled work in square brackets, in place of a title.
    title = f"[{_flat(ref.title_en or ref.title)}]" if ref.title_descriptive else _title(ref)
    words = _words(ref)
    located = f" {_end(words[0].upper() + words[1:])}" if words else ""
    as_cited = (
        f" In the text: ({ref.speaker}, as cited in {authors}, {_year(ref)})."
        if ref.quoted_in
        else ""
    )
    return (
        f"{_end(authors)} ({issued}). {_end(title)} {_end(container)}{located}{as_cited} "
        f"{TRACKER} record “{_flat(ref.record_title)}” (data version {_version(ref)}). "
        f"Retrieved {long_date(ref.accessed)}, from {ref.permalink}"
    )


# TeX's specials, and braces as commands with no brace of their own to unbalance a value
# (BibTeX counts braces even after a backslash).
_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "#": r"\#",
    "&": r"\&",
    "$": r"\$",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_TEX_PATTERN = re.compile("|".join(re.escape(char) for char in _TEX))


def bibtex_value(text: str) -> str:
    return _TEX_PATTERN.sub(lambda match: _TEX[match.group()], _flat(text))


def bibtex(ref: Reference) -> str:
    # Names are braced whole: "State Council of ..." is a body, and "Xi Jinping" is written
    # family name first, which BibTeX would otherwise turn around.
    fields = [
        ("author", " and ".join(f"{{{bibtex_value(author)}}}" for author in ref.authors)),
        ("title", f"{{{bibtex_value(_title(ref))}}}"),
        ("howpublished", bibtex_value(ref.publisher)),
    ]
    if ref.document_number:
        fields.append(("number", bibtex_value(ref.document_number)))
    if ref.issued:
        fields += [("year", str(ref.issued.year)), ("date", ref.issued.isoformat())]
    fields += [
        ("langid", bibtex_value(ref.language)),
        ("note", bibtex_value(_notes(ref))),
        ("url", ref.permalink),
        ("urldate", ref.accessed.isoformat()),
        ("version", _version(ref)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{ref.key},\n{body}\n}}\n"


def ris(ref: Reference) -> str:
    if ref.record == "plan":
        # STAT: an enacted statute or regulation (RIS's BILL is one not yet enacted).
        kind = "STAT" if ref.document_kind in LEGISLATION else "GOVDOC"
    else:
        kind = RIS_TYPES.get(ref.document_kind, "GEN")
    lines = [("TY", kind)]
    lines += [("AU", author) for author in ref.authors]
    lines += [("TI", ref.title)]
    if ref.title_en:
        lines.append(("TT", ref.title_en))
    lines.append(("PB", ref.publisher))
    if ref.document_number:
        lines.append(("M1", ref.document_number))
    if ref.issued:
        lines += [("PY", str(ref.issued.year)), ("DA", ref.issued.strftime("%Y/%m/%d"))]
    lines += [
        ("LA", ref.language),
        ("UR", ref.permalink),
        ("Y2", ref.accessed.strftime("%Y/%m/%d")),
        ("DB", TRACKER),
        ("ET", f"data version {_version(ref)}"),
        ("N1", _notes(ref)),
        ("ER", ""),
    ]
    # RIS is one field per line: a value's own line breaks would start new fields.
    return "".join(f"{tag}  - {_flat(value)}\n" for tag, value in lines)


def _date_parts(day: datetime.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(ref: Reference) -> dict[str, object]:
    if ref.record == "plan":
        kind = "legislation" if ref.document_kind in LEGISLATION else "report"
    else:
        kind = CSL_TYPES.get(ref.document_kind, "article")
    item: dict[str, object] = {
        "id": ref.key,
        "type": kind,
        "author": [{"literal": author} for author in ref.authors],
        # The original title with its English one in brackets, as in the other formats
        # (CSL's original-title would mean the untranslated one, which this is not).
        "title": _title(ref),
        "publisher": ref.publisher,
        "language": ref.language,
        "URL": ref.permalink,
        "accessed": _date_parts(ref.accessed),
        "archive": TRACKER,
        "version": _version(ref),
        "note": _notes(ref),
    }
    if ref.issued:
        item["issued"] = _date_parts(ref.issued)
    if ref.document_number:
        item["number"] = ref.document_number
    if ref.record == "statement" and ref.document_kind in {"news_report", "essay"}:
        item["container-title"] = ref.publisher
    return item


def csl_json(ref: Reference) -> str:
    # A CSL-JSON file is a list of items.
    return json.dumps([csl_item(ref)], ensure_ascii=False, indent=2) + "\n"


FORMATS: dict[str, CitationFormat] = {
    format.name: format
    for format in [
        CitationFormat("chicago", _("Chicago (author-date)"), "", "text/plain", chicago),
        CitationFormat("apa", "APA", "", "text/plain", apa),
        CitationFormat("bib", "BibTeX", "bib", "application/x-bibtex", bibtex),
        CitationFormat("ris", "RIS", "ris", "application/x-research-info-systems", ris),
        CitationFormat(
            "json", "CSL-JSON", "json", "application/vnd.citationstyles.csl+json", csl_json
        ),
    ]
}
# The formats that are also files: /statements/<slug>/cite.<extension>.
FILES = {name: format for name, format in FORMATS.items() if format.extension}


def render(ref: Reference, name: str) -> str:
    return FORMATS[name].write(ref)
