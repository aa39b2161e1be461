"""A PDF's text as paragraphs (pypdf), run only inside the sandbox.

pypdf gives a page's text line by line and loses the blank space between paragraphs, so
the lines' positions (from its text visitor) say where a paragraph ends: a wider gap than
the page's line spacing, an indented first line, or a short line after full ones. Page
numbers alone on the first or last line of a page are dropped. Free of Django."""

from __future__ import annotations

import itertools
import re
import statistics
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]

from policies.intake.paragraphs import join_lines
from policies.intake.readers import Parsed, Refused, iso_date

# A gap this many times the page's usual line spacing separates two paragraphs.
GAP_RATIO = 1.4
# A line shorter than this share of the page's usual line ends its paragraph.
SHORT_LINE = 0.6
# A line that starts this many font sizes right of the page's margin opens a paragraph.
INDENT = 1.0

_PAGE_NUMBER = re.compile(r"^[-–—\s]*(\d{1,4}|第\s*\d{1,4}\s*页)[-–—\s]*$")
_SENTENCE_END = re.compile(r"[.!?:;。！？：；…»”」』)）]$")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
# Titles that name the file rather than the document.
_FILE_TITLE = re.compile(
    r"(^microsoft (word|powerpoint) - |\.(docx?|pdf|rtf|odt|txt|indd|pptx?)$|^untitled$)",
    re.IGNORECASE,
)
_PRISM_PUBLISHED = "{http://prismstandard.org/namespaces/basic/2.0/}publicationDate"


@dataclass
class Line:
    text: str
    x: float
    y: float
    size: float


def read_pdf(data: bytes) -> Parsed:
    """The PDF's paragraphs, its title (from its information, unless it names a file) and
    its publication date (from its XMP ``prism:publicationDate``, never its file dates)."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PdfReadError

    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted:
        # A PDF locked only against editing opens with an empty password, as in any viewer;
        # one that asks for a password to be read is refused.
        try:
            opened = reader.decrypt("")
        except (DependencyError, NotImplementedError, PdfReadError) as error:
            raise Refused("encrypted") from error
        if not opened:
            raise Refused("encrypted")
    pages = [_page_lines(page) for page in reader.pages]
    return {
        "paragraphs": _paragraphs(pages),
        "title": _title(reader),
        "published": _published(reader),
        "pages": len(pages),
    }


def _page_lines(page: Any) -> list[Line]:
    lines: list[Line] = []
    current: list[str] = []
    where: list[tuple[float, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: Any, size: float) -> None:
        for n, piece in enumerate(text.split("\n")):
            if n:
                end_line()
            if piece and not where:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                where.append((x, y, abs(size * tm[3] * cm[3]) or 12.0))
            current.append(piece)

    def end_line() -> None:
        text = "".join(current)
        current.clear()
        if text.strip() and where:
            x, y, size = where[0]
            lines.append(Line(text, x, y, size))
        where.clear()

    page.extract_text(visitor_text=visit)
    end_line()
    for edge in (0, -1):
        if lines and _PAGE_NUMBER.match(lines[edge].text):
            lines.pop(edge)
    return lines


def _paragraphs(pages: list[list[Line]]) -> list[str]:
    paragraphs: list[list[str]] = []
    for lines in pages:
        breaks = _breaks(lines)
        for n, line in enumerate(lines):
            continues = (
                paragraphs
                and not breaks[n]
                and (n > 0 or not _SENTENCE_END.search(paragraphs[-1][-1].rstrip()))
            )
            if continues:
                paragraphs[-1].append(line.text)
            else:
                paragraphs.append([line.text])
    return [p for p in (join_lines(lines) for lines in paragraphs) if p]


def _breaks(lines: list[Line]) -> list[bool]:
    """For each line of a page, whether it opens a paragraph. A first line that does not
    open one by its indent may still continue the last page's paragraph (the caller's say)."""
    if not lines:
        return []
    gaps = [a.y - b.y for a, b in itertools.pairwise(lines)]
    # The page's line spacing is its tightest gap between lines: paragraphs only widen it
    # (a gap under half a font size is a superscript or a line set in pieces).
    spacing = min((g for g in gaps if g > lines[0].size / 2), default=lines[0].size * 1.2)
    margin = min(line.x for line in lines)
    usual = statistics.median(_width(line.text) for line in lines)
    breaks = [lines[0].x - margin > INDENT * lines[0].size]
    for previous, line, gap in zip(lines, lines[1:], gaps, strict=False):
        breaks.append(
            gap <= 0  # back up the page: a new column or a new block
            or gap > GAP_RATIO * spacing
            or line.x - margin > INDENT * line.size
            or _width(previous.text) < SHORT_LINE * usual
        )
    return breaks


def _width(text: str) -> int:
    """Roughly how wide a line is set: a Chinese character takes two Latin letters' room."""
    stripped = text.strip()
    return len(stripped) + len(_WIDE.findall(stripped))


def _title(reader: Any) -> str:
    metadata = reader.metadata
    title = str(metadata.title or "").strip() if metadata else ""
    return "" if _FILE_TITLE.search(title) else title


def _published(reader: Any) -> str | None:
    from pypdf.generic import IndirectObject

    root = reader.trailer["/Root"]
    stream = root.get("/Metadata")
    if isinstance(stream, IndirectObject):
        stream = stream.get_object()
    if stream is None:
        return None
    # The XMP packet is read with defusedxml, not pypdf's own XMP reader (minidom).
    try:
        found = fromstring(stream.get_data(), forbid_dtd=True).find(f".//{_PRISM_PUBLISHED}")
    except (DefusedXmlException, ParseError):
        return None
    return iso_date(found.text) if found is not None and found.text else None
