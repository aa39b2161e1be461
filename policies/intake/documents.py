"""A document, uploaded or pasted, read into numbered paragraphs, its title, the date it
states, and its language. The file's type is told from its content, never its name alone;
PDF, Word and HTML are parsed in a sandboxed child (``policies.intake.sandbox``), plain text
here. The title and date come from the file's metadata, else from the text's opening (a short
heading, a dateline), never from its name. Every refusal is a DocumentError whose message an
editor can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath

from charset_normalizer import from_bytes
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from langdetect import DetectorFactory, detect  # type: ignore[import-untyped]
from langdetect.lang_detect_exception import (  # type: ignore[import-untyped]
    LangDetectException,
)

from policies.intake import sandbox
from policies.intake.extract.dates import phrases, resolve
from policies.intake.paragraphs import as_text, clean, paragraphs_of_blocks, paragraphs_of_text
from policies.intake.readers import DOCX_MAX_UNPACKED

MAX_BYTES = 20 * 1024 * 1024
SUPPORTED = ("zh", "fr", "en")
EXTENSIONS = {".txt": "txt", ".html": "html", ".htm": "html", ".pdf": "pdf", ".docx": "docx"}
# The encodings of Chinese, French and English plain text. Left to choose among all it
# knows, charset-normalizer reads some Latin-1 French as Central European (ê as ę).
TEXT_ENCODINGS = ["utf_8", "utf_16", "utf_32", "gb18030", "big5", "cp1252", "latin_1"]
# A PDF with fewer visible characters a page than this has no text layer worth the name.
MIN_CHARACTERS_PER_PAGE = 8
# langdetect reads this much of a text; more costs time and changes nothing.
LANGUAGE_SAMPLE = 10_000
# A text whose letters are mostly Chinese characters is Chinese: langdetect guesses from
# character statistics, and a short Chinese text (a name and a verb) can fool it.
HAN_SHARE = 0.5

# langdetect draws at random: a fixed seed makes one text give one answer.
DetectorFactory.seed = 0

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
# The openings by which a browser knows an HTML page (WHATWG MIME sniffing, "text/html").
_HTML_START = re.compile(
    rb"<(!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p"
    rb"|!--)[\s>]",
    re.IGNORECASE,
)
_XML_START = re.compile(rb"<\?xml[^>]*>\s*(<!--.*?-->\s*)*<(!doctype html|html)[\s>]", re.I | re.S)
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A page saved as .html may open with any tag, a comment or a byte-order mark: for a file so
# named, a common HTML tag anywhere in its first kilobyte is enough.
_HTML_TAG = re.compile(
    rb"<(?:!--|!doctype\s+html\b|/?(?:html|head|body|meta|title|link|base|script|style|article"
    rb"|section|main|header|footer|nav|aside|div|span|p|a|b|i|em|strong|font|center|br|hr|img"
    rb"|h[1-6]|table|tr|td|ul|ol|li|blockquote|pre|form|iframe|noscript)(?=[\s/>]))",
    re.IGNORECASE,
)

# The opening of a text, where it states its title and date when it states them.
OPENING_PARAGRAPHS = 6
TITLE_MAX_CHARS = 80
DATELINE_MAX_CHARS = 120
# An end of sentence, or of a lead-in (":"), and any closing quotes or brackets after it.
_CLOSERS = r"[\s»”’」』\"')）]*$"
_TITLE_END = re.compile(rf"[。.!?！？…:：]{_CLOSERS}")
_SENTENCE_END = re.compile(rf"[。.!?！？…]{_CLOSERS}")
# The date grammar reads dates as written in prose; a dateline may also be an ISO date.
_ISO_DAY = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")


class DocumentError(ValueError):
    """A document the tracker will not read; ``str(error)`` tells the editor why."""


@dataclass(frozen=True)
class Extracted:
    text: str  # paragraphs joined by a blank line (policies.models.excerpts.paragraph_split)
    title: str  # "" when the document states none
    published: date | None  # the publication date the document states
    language: str  # one of SUPPORTED
    format: str  # "txt", "html", "pdf", "docx" or "paste"


def read_upload(data: bytes, filename: str, language: str | None = None) -> Extracted:
    """Read an uploaded file: its type from its content, which its name must agree with. A
    ``language`` the editor gives (one of SUPPORTED) is taken as it is, undetected."""
    _check_language(language)
    _check_size(len(data))
    extension = PurePath(filename).suffix.lower()
    named = EXTENSIONS.get(extension)
    if named is None:
        raise DocumentError(
            _(
                "Files named “%(extension)s” are not read; upload a .txt, .html or .htm, .pdf "
                "or .docx file, or paste the text."
            )
            % {"extension": extension or filename}
        )
    if not data.strip():
        raise DocumentError(_("The file holds no text."))
    held = sniff(data)
    if named == "html" and held == "txt" and _HTML_TAG.search(_head(data)):
        held = "html"
    if held != named:
        raise DocumentError(
            _("The file is named %(extension)s but holds %(content)s.")
            % {"extension": extension, "content": _content_name(held)}
        )
    if named == "txt":
        return _extracted(paragraphs_of_text(_decode(data)), "", None, "txt", language)
    try:
        parsed = sandbox.parse(named, data)
    except sandbox.SandboxRefused as refused:
        raise DocumentError(_refusal(refused.reason, named)) from refused
    if named == "pdf" and _visible(parsed["paragraphs"]) < MIN_CHARACTERS_PER_PAGE * max(
        parsed["pages"], 1
    ):
        raise DocumentError(
            _(
                "The PDF has no text layer (is it a scan?): its pages are images. Run it "
                "through text recognition (OCR) first, or paste its text."
            )
        )
    published = parsed["published"]
    return _extracted(
        # Cleaned again on this side: the child's answer is untrusted input like the file.
        paragraphs_of_blocks(parsed["paragraphs"]),
        parsed["title"],
        date.fromisoformat(published) if published else None,
        named,
        language,
    )


def read_paste(text: str, language: str | None = None) -> Extracted:
    """Read pasted text: paragraphs at blank lines, or one a line when it has none; in the
    ``language`` the editor gives, else the one detected."""
    _check_language(language)
    _check_size(len(text.encode("utf-8", errors="replace")))
    if not text.strip():
        raise DocumentError(_("The pasted text is empty: it holds no text."))
    return _extracted(paragraphs_of_text(text), "", None, "paste", language)


def detect_language(text: str) -> str:
    """``zh``, ``fr`` or ``en``; a DocumentError naming the language found when it is none
    of them."""
    sample = text[:LANGUAGE_SAMPLE]
    letters = sum(1 for character in sample if character.isalpha())
    if not letters:
        raise DocumentError(_("The text holds no words, so its language cannot be told."))
    han = len(_HAN.findall(sample))
    if han / letters > HAN_SHARE and len(_KANA.findall(sample)) < han / 10:
        return "zh"
    try:
        found = detect(sample)
    except LangDetectException as error:
        raise DocumentError(_("The language of the text cannot be told.")) from error
    code = found.split("-")[0]
    if code in SUPPORTED:
        return code
    try:
        name = get_language_info(code)["name_translated"]
    except KeyError:
        raise DocumentError(
            _(
                "The document seems to be in a language coded “%(code)s”; the tracker handles "
                "Chinese, French and English."
            )
            % {"code": found}
        ) from None
    raise DocumentError(
        _(
            "The document seems to be in %(language)s (%(code)s); the tracker handles "
            "Chinese, French and English."
        )
        % {"language": name, "code": code}
    )


def sniff(data: bytes) -> str:
    """What ``data`` holds, by its content: "pdf", "docx", "html" or "txt", or, for what
    the tracker never reads, "zip", "office" (an older Office file), "image" or "binary"."""
    head = data[:1024]
    if b"%PDF-" in head:  # readers accept a few bytes of junk before the header
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        # The parts' names are in the clear in the local headers.
        return "docx" if b"word/document" in data else "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "office"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    if data.startswith(_UTF16_BOMS):
        return "txt"
    if b"\x00" in data[:8192]:
        return "binary"
    start = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if _HTML_START.match(start) or _XML_START.match(start):
        return "html"
    return "txt"


def stated_date(paragraphs: list[str], language: str) -> tuple[int, date] | None:
    """The dateline among the opening paragraphs: the first full date (to the day) of a short
    paragraph that is no sentence, unless the date ends it ("Paris, le 17 janvier 2022.").
    Returns the paragraph's index and the date."""
    for index, paragraph in enumerate(paragraphs[:OPENING_PARAGRAPHS]):
        if len(paragraph) > DATELINE_MAX_CHARS:
            continue
        found = [
            (start, end, date.fromisoformat(resolved[0]))
            for start, end, phrase in phrases(paragraph, language)
            if (resolved := resolve(phrase, language, None)) and resolved[1] == "day"
        ]
        found += [
            (m.start(), m.end(), day) for m in _ISO_DAY.finditer(paragraph) if (day := _iso(m[0]))
        ]
        if not found:
            continue
        _, end, day = min(found, key=lambda item: item[0])
        if not _SENTENCE_END.search(paragraph) or not paragraph[end:].strip(" ."):
            return index, day
    return None


def stated_title(paragraphs: list[str], dateline: int | None) -> str:
    """The first paragraph when it reads as a heading: short, with a word, ending like no
    sentence, not the dateline, and followed by the text it heads."""
    if len(paragraphs) < 2 or dateline == 0:
        return ""
    first = paragraphs[0]
    if len(first) > TITLE_MAX_CHARS or _TITLE_END.search(first):
        return ""
    return first if any(character.isalpha() for character in first) else ""


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _head(data: bytes) -> bytes:
    """The first kilobyte, as UTF-8 when it is UTF-16, to be searched for tags."""
    if data.startswith(_UTF16_BOMS):
        return data[:2048].decode("utf-16", errors="ignore").encode()
    return data[:1024]


def _check_language(language: str | None) -> None:
    if language is not None and language not in SUPPORTED:
        raise DocumentError(
            _(
                "“%(language)s” is not a language the tracker handles: give zh (Chinese), fr "
                "(French) or en (English), or let it be detected."
            )
            % {"language": language}
        )


def _content_name(held: str) -> str:
    names = {
        "pdf": _("a PDF"),
        "docx": _("a Word document"),
        "html": _("an HTML page"),
        "txt": _("plain text"),
        "zip": _("a ZIP archive that is not a Word document"),
        "office": _("an older Office document (.doc, .xls); save it as .docx"),
        "image": _("an image"),
        "binary": _("binary data"),
    }
    return names[held]


def _check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise DocumentError(
            _("The file is %(size).1f MB, over the %(limit)d MB limit.")
            % {"size": size / 1024 / 1024, "limit": MAX_BYTES // 1024 // 1024}
        )


def _decode(data: bytes) -> str:
    """Plain text's bytes as text: UTF-8 when they are, else the encoding charset-normalizer
    finds (GB18030 or Big5 for Chinese, Latin-1 or Windows-1252 for French)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=TEXT_ENCODINGS).best()
    if best is None:
        raise DocumentError(
            _(
                "The text's encoding cannot be told: it is not UTF-8, nor a Chinese or "
                "Western encoding. Save it as UTF-8 and upload it again."
            )
        )
    return str(best)


def _refusal(reason: str, fmt: str) -> str:
    if reason == "encrypted":
        return _(
            "The PDF is encrypted: it asks for a password to be read. Upload an unprotected "
            "copy, or paste its text."
        )
    if reason == "entities":
        return _("The document's XML declares a DTD or entities, which are refused.")
    if reason == "bomb":
        return _(
            "The Word document would unpack past %(limit)d MB, or packs its content "
            "implausibly tight (a decompression bomb?); it was refused unread."
        ) % {"limit": DOCX_MAX_UNPACKED // 1024 // 1024}
    if reason == sandbox.BUSY:
        return _("The reader is busy; try again in a minute.")
    if reason == sandbox.OVERSIZED:
        return _(
            "The file could not be read: the text it gives runs past %(limit)d MB; it may be "
            "damaged or built to exhaust the reader."
        ) % {"limit": sandbox.ANSWER_LIMIT_BYTES // 1024 // 1024}
    if reason == "exhausted":
        return _(
            "The file could not be read within %(seconds)s s / %(memory)s GiB; it may be "
            "damaged or built to exhaust the reader."
        ) % {
            "seconds": f"{sandbox.TIME_LIMIT_S:g}",
            "memory": f"{sandbox.MEMORY_LIMIT_BYTES / 1024**3:g}",
        }
    damaged = {
        "pdf": _("The PDF cannot be read: it is damaged or not a PDF."),
        "docx": _("The Word document cannot be read: it is damaged or not a .docx file."),
        "html": _("The HTML page cannot be read."),
    }
    return damaged[fmt]


def _visible(paragraphs: list[str]) -> int:
    return sum(len("".join(paragraph.split())) for paragraph in paragraphs)


def _extracted(
    paragraphs: list[str], title: str, published: date | None, fmt: str, language: str | None
) -> Extracted:
    text = as_text(paragraphs)
    if not text:
        raise DocumentError(_("The document holds no text."))
    language = language or detect_language(text)
    dateline = stated_date(paragraphs, language)
    return Extracted(
        text=text,
        title=" ".join(clean(title).split())
        or stated_title(paragraphs, dateline[0] if dateline else None),
        published=published or (dateline[1] if dateline else None),
        language=language,
        format=fmt,
    )
