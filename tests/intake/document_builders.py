"""Documents built for the tests, as bytes: PDFs written object by object (so a test can
also write a broken one), Word files as zips, with only the parts a test needs."""

import zipfile
from collections.abc import Callable
from io import BytesIO
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter


def raw_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF from its objects' bodies (object 1 is the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n%s\nendstream" % (len(data), data)


def _pdf_string(text: str) -> bytes:
    return b"(%s)" % text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(
        b")", b"\\)"
    )


def text_pdf(
    pages: list[list[str]],
    *,
    title: str | None = None,
    xmp: bytes | None = None,
    font: bytes = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
    b"/Encoding /WinAnsiEncoding >>",
    encode: Callable[[str], bytes] = _pdf_string,
    extra: tuple[bytes, ...] = (),
) -> bytes:
    """A PDF of lines set 14 points apart; "" leaves a blank line and a leading tab indents
    the line by two ems."""
    count = len(pages)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R %s>>" % (b"/Metadata 4 0 R " if xmp else b""),
        b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % (5 + 2 * n) for n in range(count)), count),
        font,
        stream(xmp or b""),
    ]
    for lines in pages:
        ops, y = [], 740
        for line in lines:
            if line:
                x = 96 if line.startswith("\t") else 72
                ops.append(
                    b"BT /F1 11 Tf 1 0 0 1 %d %d Tm %s Tj ET"
                    % (x, y, encode(line[1:] if line.startswith("\t") else line))
                )
            y -= 14
        page_number = len(objects) + 1
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_number + 1)
        )
        objects.append(stream(b"\n".join(ops)))
    objects.extend(extra)
    trailer = b""
    if title is not None:
        objects.append(b"<< /Title <FEFF%s> >>" % title.encode("utf-16-be").hex().upper().encode())
        trailer = b"/Info %d 0 R " % len(objects)
    return raw_pdf(objects, trailer)


def encrypted(pdf: bytes, password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(BytesIO(pdf)))
    writer.encrypt(user_password=password, owner_password="owner-secret")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def cjk_pdf(lines: list[str]) -> bytes:
    """A PDF set in a CID font whose ToUnicode map gives Chinese characters back."""
    characters = sorted({c for line in lines for c in line.lstrip("\t")})
    cid = {c: n for n, c in enumerate(characters, start=1)}
    pairs = b" ".join(b"<%04X> <%04X>" % (cid[c], ord(c)) for c in characters)
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName "
        b"/Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> "
        b"endcodespacerange %d beginbfchar %s endbfchar endcmap CMapName currentdict /CMap "
        b"defineresource pop end end" % (len(characters), pairs)
    )
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        b"/DescendantFonts [7 0 R] /ToUnicode 8 0 R >>"
    )
    descendant = (
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )
    return text_pdf(
        [lines],
        font=font,
        encode=lambda text: b"<%s>" % b"".join(b"%04X" % cid[c] for c in text),
        extra=(descendant, stream(cmap)),
    )


def w_p(*runs: str) -> str:
    """A Word paragraph of runs; "\\t" is a tab, "\\n" a line break."""
    parts = []
    for run in runs:
        for n, line in enumerate(run.split("\n")):
            if n:
                parts.append("<w:r><w:br/></w:r>")
            for m, piece in enumerate(line.split("\t")):
                if m:
                    parts.append("<w:r><w:tab/></w:r>")
                parts.append(f'<w:r><w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')
    return f"<w:p>{''.join(parts)}</w:p>"


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def make_docx(body: str, parts: dict[str, str | bytes] | None = None) -> bytes:
    """A Word file: ``body`` inside w:document/w:body, and any other parts by name."""
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><w:document {W_NS}><w:body>{body}'
            "</w:body></w:document>",
        )
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def core_xml(title: str, created: str = "2019-05-05T10:00:00Z") -> str:
    return (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/">'
        f"<dc:title>{escape(title)}</dc:title><dcterms:created>{created}</dcterms:created>"
        "</cp:coreProperties>"
    )
