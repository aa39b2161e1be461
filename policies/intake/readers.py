"""The readers of the binary formats, run only inside the sandbox (``policies.intake.sandbox``):
an HTML page's main text (trafilatura) and a Word document's paragraphs (its XML read with
defusedxml, never python-docx); a PDF's text is ``policies.intake.pdf_reader``'s.

Each returns a ``Parsed`` dict, or raises ``Refused`` with a reason the parent turns into a
message. Free of Django: the sandbox never loads the project's settings."""

from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO
from typing import Any, TypedDict
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]

from policies.intake.paragraphs import paragraphs_of_blocks


class Parsed(TypedDict):
    paragraphs: list[str]
    title: str
    published: str | None  # ISO date
    pages: int  # a PDF's pages; 0 for the other formats


class Refused(Exception):
    """A document the reader will not read: ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


REASONS = ("encrypted", "entities", "bomb", "damaged", "exhausted")

# A Word document's parts, unpacked, stay under this; a real one is a few megabytes.
DOCX_MAX_UNPACKED = 50 * 1024 * 1024
# Word's XML compresses about 10:1; zeros compress 1000:1. Small parts may compress well.
DOCX_MAX_RATIO = 100
DOCX_RATIO_FLOOR = 1024 * 1024

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_T, _W_TAB, _W_BR, _W_CR = (W + n for n in ("p", "t", "tab", "br", "cr"))
# A text box is written twice, as drawing and as a fallback for old readers: read it once.
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"
_COVER_PUBLISH_DATE = "{http://schemas.microsoft.com/office/2006/coverPageProps}PublishDate"

# Never main text: a page's menus, banners, footers and forms, and what scripts show.
HTML_PRUNED = [
    "//nav",
    "//footer",
    "//aside",
    "//menu",
    "//form",
    "//noscript",
    "//header[not(ancestor::article or ancestor::main)]",
    "//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']",
]
# trafilatura's blocks (its XML output); text between them belongs to no paragraph.
_HTML_BLOCKS = frozenset({"p", "head", "item", "quote", "row", "code", "list", "table"})


def read_html(data: bytes) -> Parsed:
    """The page's main text, without comments, and without its tables unless they hold most
    of it (a page laid out in tables, or a table published as a page); its title and
    publication date from its metadata."""
    from trafilatura import bare_extraction
    from trafilatura.settings import Document

    document = bare_extraction(
        _as_page(data),
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        prune_xpath=HTML_PRUNED,
        # Dates the page's markup states, not any date found in its text.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(document, Document) or document.body is None:
        return {"paragraphs": [], "title": "", "published": None, "pages": 0}
    blocks = _html_blocks(document.body)
    in_tables = sum(len(text) for in_table, text in blocks if in_table)
    if in_tables * 2 <= sum(len(text) for _, text in blocks):
        blocks = [(False, text) for in_table, text in blocks if not in_table]
    stated = document.date
    return {
        "paragraphs": paragraphs_of_blocks(text for _, text in blocks),
        "title": str(document.title or ""),
        "published": iso_date(stated) if stated else None,
        "pages": 0,
    }


def _as_page(data: bytes) -> bytes | str:
    """``data`` as trafilatura reads it whole: it takes what has no "html" in its first 50
    characters and parses to one block for something other than HTML, so such a page (one
    saved from its <meta> or <article>) is opened with an <html> tag. UTF-16 is decoded here,
    where a tag cannot be put before its byte-order mark."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        page = data.decode("utf-16", errors="replace")
        return page if "html" in page[:50].lower() else "<html>" + page
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    body = data[len(bom) :]
    return data if b"html" in body[:50].lower() else bom + b"<html>" + body


def _html_blocks(body: Any) -> list[tuple[bool, str]]:
    """The blocks of trafilatura's output in order, each with whether it is in a table."""
    from lxml import etree  # type: ignore[import-untyped]

    blocks: list[tuple[bool, str]] = []
    parts: list[str] = []
    depth = 0  # how many tables the walk is in

    def end_block() -> None:
        blocks.append((depth > 0, "".join(parts)))
        parts.clear()

    # iterwalk, not recursion: a deep page must not exhaust the stack.
    for event, element in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            if element.tag in _HTML_BLOCKS:
                end_block()
            depth += element.tag == "table"
            if element.tag == "lb":
                parts.append("\n")
            elif element.tag == "cell":
                parts.append(" ")
            parts.append(element.text or "")
        else:
            if element.tag in _HTML_BLOCKS:
                end_block()
            depth -= element.tag == "table"
            if element is not body:
                parts.append(element.tail or "")
    end_block()
    return blocks


def read_docx(data: bytes) -> Parsed:
    """One paragraph per ``w:p`` that holds text; the title from the core properties, the
    publication date from the cover page's (Word's "Publish Date"), never the file's dates."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise Refused("damaged") from error
    _refuse_bomb(archive)
    try:
        body = _xml(archive, _main_part(archive))
    except KeyError as error:
        raise Refused("damaged") from error
    title = ""
    if "docProps/core.xml" in archive.namelist():
        found = _xml(archive, "docProps/core.xml").find(_DC_TITLE)
        title = (found.text or "").strip() if found is not None else ""
    return {
        "paragraphs": paragraphs_of_blocks(_docx_blocks(body)),
        "title": title,
        "published": _cover_publish_date(archive),
        "pages": 0,
    }


def _main_part(archive: zipfile.ZipFile) -> str:
    """The document's own part: word/document.xml, unless the package's relationships name
    another (Word online writes word/document2.xml)."""
    if "_rels/.rels" in archive.namelist():
        for relation in _xml(archive, "_rels/.rels").iter(_RELATIONSHIP):
            if relation.get("Type", "").endswith("/officeDocument"):
                return str(relation.get("Target", "")).lstrip("/")
    return "word/document.xml"


def _refuse_bomb(archive: zipfile.ZipFile) -> None:
    """Refuse, from the archive's directory alone, what would unpack past the limits. The
    sizes it declares bound what zipfile unpacks, and only Word's own methods are allowed
    (bzip2 and lzma unpack without a bound per read)."""
    entries = archive.infolist()
    if sum(entry.file_size for entry in entries) > DOCX_MAX_UNPACKED:
        raise Refused("bomb")
    for entry in entries:
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refused("damaged")
        if entry.file_size > DOCX_RATIO_FLOOR and entry.file_size > DOCX_MAX_RATIO * max(
            entry.compress_size, 1
        ):
            raise Refused("bomb")


def _xml(archive: zipfile.ZipFile, name: str) -> Element:
    try:
        # forbid_dtd: Word never writes a DTD, so one is a trap (entity expansion, XXE).
        return fromstring(archive.read(name), forbid_dtd=True)
    except DefusedXmlException as error:
        raise Refused("entities") from error
    except (ParseError, zipfile.BadZipFile, EOFError) as error:
        raise Refused("damaged") from error


def _docx_blocks(body: Element) -> list[str]:
    """Each paragraph's text, in the order the paragraphs open; a paragraph in a text box
    is its own block, not part of the one that anchors it."""
    blocks: list[str] = []
    open_blocks: list[tuple[int, list[str]]] = []
    # (element, leaving): an explicit stack, as a deep document must not exhaust recursion.
    stack: list[tuple[Element, bool]] = [(body, False)]
    while stack:
        element, leaving = stack.pop()
        if leaving:
            slot, parts = open_blocks.pop()
            blocks[slot] = "".join(parts)
            continue
        tag = element.tag
        if tag == _MC_FALLBACK:
            continue
        if tag == _W_P:
            blocks.append("")
            open_blocks.append((len(blocks) - 1, []))
            stack.append((element, True))
        elif open_blocks:
            if tag == _W_T:
                open_blocks[-1][1].append(element.text or "")
            elif tag == _W_TAB:
                open_blocks[-1][1].append(" ")
            elif tag in (_W_BR, _W_CR):
                open_blocks[-1][1].append("\n")
        stack.extend((child, False) for child in reversed(element))
    return blocks


def _cover_publish_date(archive: zipfile.ZipFile) -> str | None:
    for name in archive.namelist():
        if name.startswith("customXml/item") and name.endswith(".xml"):
            found = _xml(archive, name).find(f".//{_COVER_PUBLISH_DATE}")
            if found is not None and found.text:
                return iso_date(found.text)
    return None


def iso_date(stated: str) -> str | None:
    """The ISO date at the start of ``stated`` ("2022-01-17", "2022-01-17T08:00:00Z"), or
    None when it holds none."""
    try:
        return date.fromisoformat(stated.strip()[:10]).isoformat()
    except ValueError:
        return None
