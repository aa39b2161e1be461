"""Files built to harm the reader: each is refused (or read) within the sandbox's limits, fast,
and the test process, standing in for the web worker, is left as it was."""

import json
import os
import resource
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from io import BytesIO

import pytest
from django.conf import settings

from policies.intake import sandbox
from policies.intake.documents import MAX_BYTES, DocumentError, read_upload
from policies.models.excerpts import paragraph_split
from tests.intake.document_builders import make_docx, raw_pdf, stream, w_p
from tests.intake.test_documents import EN_1, FR_1

ROOT = settings.BASE_DIR
EXHAUSTED = "The file could not be read within"
# Well inside the sandbox's own limit: these files are refused on sight, not at the limit.
FAST_S = 5


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _refusal(data: bytes, filename: str) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(DocumentError) as refused:
        read_upload(data, filename)
    return str(refused.value), time.monotonic() - started


# --- Word -----------------------------------------------------------------------------------


def _zip_bomb(size: int) -> bytes:
    """A Word file whose document.xml is ``size`` bytes of zeros, written without ever
    holding them in memory."""
    out = BytesIO()
    chunk = b"\x00" * (1 << 20)
    with (
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("word/document.xml", "w", force_zip64=True) as entry,
    ):
        for _ in range(size >> 20):
            entry.write(chunk)
    return out.getvalue()


def test_a_docx_decompression_bomb_is_refused_unread():
    bomb = _zip_bomb(200 << 20)
    assert len(bomb) < 1 << 20  # 200 MB of zeros packs into a few hundred kB
    before = _peak_kib()
    message, seconds = _refusal(bomb, "bomb.docx")
    assert "decompression bomb" in message
    assert seconds < FAST_S
    assert _peak_kib() - before < 50 * 1024  # the parent never unpacked it


def test_a_docx_part_that_packs_absurdly_tight_is_refused():
    # 10 MB, under the total limit, but at a ratio no Word part has.
    message, _ = _refusal(_zip_bomb(10 << 20), "tight.docx")
    assert "decompression bomb" in message


def test_a_docx_that_lies_about_its_size_is_read_no_further_than_it_says():
    honest = make_docx(w_p(EN_1 * 2000))
    declared = 200
    data = bytearray(honest)
    # Shrink document.xml's declared size in its local header and its directory entry.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 17] == b"word/document.xml":
                data[at + offset : at + offset + 4] = declared.to_bytes(4, "little")
            at += 4
    message, seconds = _refusal(bytes(data), "liar.docx")
    assert message == "The Word document cannot be read: it is damaged or not a .docx file."
    assert seconds < FAST_S


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)


def test_a_docx_with_billion_laughs_is_refused():
    data = zipfile_with("word/document.xml", BILLION_LAUGHS + "<w:document>&lol9;</w:document>")
    message, seconds = _refusal(data, "laughs.docx")
    assert message == "The document's XML declares a DTD or entities, which are refused."
    assert seconds < FAST_S


def test_a_docx_with_an_external_entity_is_refused():
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<cp:coreProperties xmlns:cp="urn:x" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>&x;</dc:title></cp:coreProperties>"
    )
    data = make_docx(w_p(EN_1), {"docProps/core.xml": xxe})
    message, _ = _refusal(data, "xxe.docx")
    assert message == "The document's XML declares a DTD or entities, which are refused."


def zipfile_with(name: str, text: str) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, text)
    return out.getvalue()


# --- HTML -----------------------------------------------------------------------------------


def test_an_html_page_s_scripts_styles_menus_and_footers_are_never_kept():
    page = f"""<!DOCTYPE html><html><head><title>T</title>
    <style>body {{ content: "STYLE-TEXT" }}</style><script>var s = "SCRIPT-TEXT";</script>
    </head><body><header>BANNER-TEXT</header><nav><a href="/">NAV-TEXT</a></nav>
    <div role="navigation">ROLE-NAV-TEXT</div><aside>ASIDE-TEXT</aside>
    <main><p>{FR_1}</p><script>document.write("INLINE-SCRIPT-TEXT")</script>
    <noscript>NOSCRIPT-TEXT</noscript><p>{EN_1} &lt;script&gt;kept as text&lt;/script&gt;</p>
    </main><form><input value="FORM-TEXT">FORM-TEXT</form>
    <footer><p>FOOTER-TEXT tous droits réservés</p></footer></body></html>"""
    read = read_upload(page.encode(), "page.html")
    assert paragraph_split(read.text) == [FR_1, f"{EN_1} <script>kept as text</script>"]
    assert "-TEXT" not in read.text


def test_an_html_page_s_entities_are_never_resolved():
    page = (
        '<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY lol "LOL-LOL">]>'
        f"<html><body><p>{EN_1} &xxe; &lol;</p></body></html>"
    )
    read = read_upload(page.encode(), "page.html")
    assert "root:" not in read.text
    assert "LOL-LOL" not in read.text
    assert read.text.startswith(EN_1)


def test_a_deeply_nested_html_page_returns_within_the_limits():
    page = "<html><body>" + "<div>" * 100_000 + f"<p>{EN_1}</p>" + "</div>" * 100_000
    message, seconds = _refusal(page.encode(), "deep.html")
    assert message == "The document holds no text."  # libxml2 stops at its depth limit
    assert seconds < FAST_S


# --- PDF ------------------------------------------------------------------------------------

CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
CONTENT = stream(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % EN_1.encode())
FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
PAGE += b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R%s >>"
DAMAGED = "The PDF cannot be read: it is damaged or not a PDF."


def test_the_hostile_pdf_builder_makes_a_readable_pdf():
    data = raw_pdf(
        [CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE % b"", CONTENT, FONT]
    )
    assert read_upload(data, "ok.pdf").text == EN_1


@pytest.mark.parametrize(
    ("pages", "page"),
    [
        # /Pages lists itself among its kids.
        (b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", PAGE % b""),
        # The page is its own parent, and holds no resources of its own to stop the climb.
        (
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>",
        ),
        # An object nested 200,000 arrays deep.
        (
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            PAGE % (b" /Junk " + b"[" * 200_000 + b"]" * 200_000),
        ),
    ],
    ids=["pages-loop", "parent-loop", "deep-nesting"],
)
def test_a_looping_or_deep_pdf_is_refused_within_the_limits(pages, page):
    message, seconds = _refusal(raw_pdf([CATALOG, pages, page, CONTENT, FONT]), "loop.pdf")
    assert message == DAMAGED
    assert seconds < FAST_S


def test_a_pdf_whose_content_unpacks_past_the_reader_s_bound_is_refused():
    # 128 MB of zeros in 130 kB: pypdf stops unpacking a stream at 75 MB.
    packed = zlib.compress(b"\x00" * (128 << 20), 1)
    bomb = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(packed), packed)
    before = _peak_kib()
    message, seconds = _refusal(
        raw_pdf([CATALOG, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", PAGE % b"", bomb, FONT]),
        "bomb.pdf",
    )
    assert message == DAMAGED
    assert seconds < FAST_S
    assert _peak_kib() - before < 50 * 1024


# --- the limits themselves ------------------------------------------------------------------

# HTML, whose reader takes longest to start (trafilatura and its libraries).
PAGE_HTML = f"<html><body><p>{EN_1}</p></body></html>".encode()


def test_a_reader_that_runs_out_of_time_is_stopped(monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT_S", 0.05)
    message, seconds = _refusal(PAGE_HTML, "slow.html")
    assert message.startswith(EXHAUSTED)
    assert seconds < 2


def test_the_message_states_the_limits(monkeypatch):
    monkeypatch.setattr(sandbox, "TIME_LIMIT_S", 0.05)
    message, _ = _refusal(PAGE_HTML, "slow.html")
    assert message == (
        "The file could not be read within 0.05 s / 1 GiB; it may be damaged or built to "
        "exhaust the reader."
    )


def test_a_reader_that_runs_out_of_memory_is_stopped(monkeypatch):
    # Too little room for the reader and its libraries: the child dies, the parent reports.
    monkeypatch.setattr(sandbox, "MEMORY_LIMIT_BYTES", 48 * 1024 * 1024)
    message, _ = _refusal(PAGE_HTML, "p.html")
    assert message.startswith(EXHAUSTED)


def test_a_reader_that_says_too_much_is_cut_off(monkeypatch):
    monkeypatch.setattr(sandbox, "ANSWER_LIMIT_BYTES", 4096)
    page = "<html><body>" + f"<p>{EN_1}</p>" * 200 + "</body></html>"
    message, seconds = _refusal(page.encode(), "long.html")
    assert message.startswith("The file could not be read: the text it gives runs past")
    assert seconds < FAST_S


def test_the_answer_s_bound_holds_the_largest_document_s_text_twice():
    assert sandbox.ANSWER_LIMIT_BYTES > 2 * MAX_BYTES


def test_a_large_file_is_fed_to_the_reader_whole():
    # 8 MB that Word packs as is (an image, say): far past a pipe's buffer.
    data = make_docx(w_p(EN_1), {"word/media/image1.bin": os.urandom(8 << 20)})
    assert len(data) > 8 << 20
    assert read_upload(data, "big.docx").text == EN_1


def test_a_request_that_finds_no_reader_free_is_told_to_try_again(monkeypatch):
    monkeypatch.setattr(sandbox, "BUSY_WAIT_S", 0.1)
    taken = [sandbox.READER_SLOTS.acquire(timeout=FAST_S) for _ in range(sandbox.MAX_CHILDREN)]
    try:
        assert all(taken)
        message, seconds = _refusal(PAGE_HTML, "p.html")
    finally:
        for _ in taken:
            sandbox.READER_SLOTS.release()
    assert message == "The reader is busy; try again in a minute."
    assert seconds < 1
    # The slots given back, the next request is read.
    assert read_upload(PAGE_HTML, "p.html").text == EN_1


def test_no_more_readers_run_at_once_than_the_limit(monkeypatch):
    running, most = 0, 0
    lock = threading.Lock()
    answer = json.dumps({"paragraphs": [EN_1], "title": "", "published": None, "pages": 0})

    def slow_child(fmt: str, data: bytes) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.2)
        with lock:
            running -= 1
        return answer.encode()

    monkeypatch.setattr(sandbox, "run_child", slow_child)
    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(read_upload(PAGE_HTML, "p.html").text))
        for _ in range(sandbox.MAX_CHILDREN * 3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [EN_1] * len(threads)
    assert most == sandbox.MAX_CHILDREN


def test_the_reader_never_loads_django():
    # What the child imports, and nothing of the project's settings among it.
    probe = (
        "import sys, policies.intake.sandbox, trafilatura, pypdf; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'tracker'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"
