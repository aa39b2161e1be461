"""Reading documents: each format's paragraphs, title, date and language, and every refusal
with its message. The inputs are built here (PDFs as raw bytes, Word files as zips)."""

from datetime import date

import pytest
from django.conf import settings

from policies.intake.documents import (
    MAX_BYTES,
    DocumentError,
    detect_language,
    read_paste,
    read_upload,
)
from policies.intake.paragraphs import clean, join_lines, paragraphs_of_text
from policies.models.excerpts import paragraph_split
from tests.intake.document_builders import (
    W_NS,
    cjk_pdf,
    core_xml,
    encrypted,
    make_docx,
    raw_pdf,
    stream,
    text_pdf,
    w_p,
)

SEED = settings.BASE_DIR / "seeds/sources/xi-qiushi-digital-economy-2022-01.fr.txt"

FR_1 = "La Chine devrait cultiver des entreprises compétitives, a-t-il déclaré samedi."
FR_2 = "Le plan vise à porter la part du secteur à 10 % du PIB d'ici 2025, selon le cabinet."
EN_1 = "The plan aims to raise the digital economy's share of output to ten percent by 2025."
EN_2 = "Officials said the targets would be reviewed every year by the State Council."
ZH_1 = "到2025年，数字经济核心产业增加值占国内生产总值比重达到10%左右。"
ZH_2 = "国务院强调，要加快建设数字基础设施，推动产业数字化转型。"


def halves(text: str) -> tuple[str, str]:
    """``text`` cut at its middle space, as a line wraps."""
    cut = text.index(" ", len(text) // 2)
    return text[:cut], text[cut + 1 :]


# --- plain text and pastes ----------------------------------------------------------------


def test_the_seed_report_reads_as_eight_french_paragraphs():
    data = SEED.read_bytes()
    read = read_upload(data, SEED.name)
    assert paragraph_split(read.text) == paragraph_split(data.decode())
    assert len(paragraph_split(read.text)) == 8
    assert (read.language, read.format, read.title, read.published) == ("fr", "txt", "", None)


def test_a_text_s_wrapped_lines_join_into_its_paragraphs():
    text = "{}\r\n{}\r\n\r\n  \r\n{}\r\n".format(*halves(FR_1), FR_2)
    read = read_upload(text.encode(), "note.txt")
    assert paragraph_split(read.text) == [FR_1, FR_2]
    assert read.text == f"{FR_1}\n\n{FR_2}"


def test_a_text_without_blank_lines_has_a_paragraph_a_line():
    assert paragraphs_of_text(f"{EN_1}\n{EN_2}\n\n") == [EN_1, EN_2]


def test_chinese_lines_join_without_a_space_and_hyphens_keep_their_word():
    assert (
        join_lines(["到2025年，数字经济", "核心产业增加值"]) == "到2025年，数字经济核心产业增加值"
    )
    assert join_lines(["a-t-", "il déclaré", "  sur   deux  lignes "]) == (
        "a-t-il déclaré sur deux lignes"
    )


def test_control_characters_go_and_line_separators_become_newlines():
    assert clean("\ufeffA\x00b\x07c\td\r\ne\x0cf\u2029g") == "Abc d\ne\nf\n\ng"


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-16"])
def test_chinese_text_decodes_from_its_encoding(encoding):
    read = read_upload(f"{ZH_1}\n\n{ZH_2}\n".encode(encoding), "报告.txt")
    assert paragraph_split(read.text) == [ZH_1, ZH_2]
    assert read.language == "zh"


def test_big5_chinese_decodes():
    traditional = "國務院強調，要加快建設數字基礎設施，推動產業數字化轉型。"
    read = read_upload(f"{traditional}\n\n{traditional}".encode("big5"), "t.txt")
    assert paragraph_split(read.text) == [traditional, traditional]
    assert read.language == "zh"


def test_latin_1_french_keeps_its_accents():
    text = f"{FR_1}\n\nIl faut être prêt, a-t-il ajouté : « la sécurité d'abord »."
    read = read_upload(text.encode("latin-1"), "depeche.TXT")
    assert read.text == text
    assert read.language == "fr"


def test_undecodable_text_is_refused():
    with pytest.raises(DocumentError, match="encoding cannot be told"):
        read_upload(bytes(range(128, 256)) * 20, "x.txt")


def test_a_paste_reads_as_english():
    read = read_paste(f"  {EN_1}\n\n{EN_2}  ")
    assert (read.text, read.language, read.format) == (f"{EN_1}\n\n{EN_2}", "en", "paste")


@pytest.mark.parametrize("text", ["", "   \n\t \n", "\x00\x01"])
def test_an_empty_paste_is_refused(text):
    with pytest.raises(DocumentError, match="holds no text"):
        read_paste(text)


def test_an_empty_file_is_refused():
    with pytest.raises(DocumentError, match="holds no text"):
        read_upload(b" \n\n ", "empty.txt")


def test_a_file_over_the_limit_is_refused_naming_both_sizes():
    with pytest.raises(DocumentError) as refused:
        read_upload(b"a" * (MAX_BYTES + 300_000), "big.txt")
    assert str(refused.value) == "The file is 20.3 MB, over the 20 MB limit."


def test_a_paste_over_the_limit_is_refused():
    with pytest.raises(DocumentError, match="over the 20 MB limit"):
        read_paste("é" * (MAX_BYTES // 2 + 1))


@pytest.mark.parametrize("filename", ["notes.rtf", "README", "scan.jpeg"])
def test_an_unknown_extension_is_refused_naming_the_accepted_ones(filename):
    with pytest.raises(DocumentError) as refused:
        read_upload(EN_1.encode(), filename)
    message = str(refused.value)
    assert all(ext in message for ext in (".txt", ".html", ".htm", ".pdf", ".docx"))


@pytest.mark.parametrize(
    ("data", "filename", "held"),
    [
        (make_docx(w_p(EN_1)), "report.pdf", "a Word document"),
        (text_pdf([[EN_1]]), "report.docx", "a PDF"),
        (EN_1.encode(), "report.docx", "plain text"),
        (b"<!DOCTYPE html><html><body><p>Hi</p></body></html>", "report.txt", "an HTML page"),
        (EN_1.encode(), "page.html", "plain text"),
        (b"PK\x03\x04" + b"\x00" * 40 + b"xl/workbook.xml", "sheet.docx", "a ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.docx", "an older Office"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "photo.pdf", "an image"),
    ],
    # Named, not derived from the bytes: a DOCX built at collection carries the zip's clock
    # time, and two xdist workers that collect a second apart would disagree on the ids.
    ids=[
        "docx-named-pdf",
        "pdf-named-docx",
        "text-named-docx",
        "html-named-txt",
        "text-named-html",
        "zip-named-docx",
        "office-named-docx",
        "png-named-pdf",
    ],
)
def test_a_file_whose_name_and_content_disagree_is_refused(data, filename, held):
    extension = "." + filename.rsplit(".", 1)[1]
    with pytest.raises(DocumentError) as refused:
        read_upload(data, filename)
    assert str(refused.value).startswith(f"The file is named {extension} but holds {held}")


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [(FR_1 + " " + FR_2, "fr"), (EN_1 + " " + EN_2, "en"), (ZH_1, "zh"), ("习近平表示", "zh")],
)
def test_the_language_is_detected(text, language):
    assert detect_language(text) == language


def test_a_language_the_tracker_does_not_handle_is_named():
    german = "Die Regierung will den Anteil der digitalen Wirtschaft bis 2025 deutlich erhöhen."
    with pytest.raises(DocumentError) as refused:
        detect_language(german)
    assert str(refused.value) == (
        "The document seems to be in German (de); the tracker handles Chinese, French and English."
    )


def test_japanese_is_not_taken_for_chinese():
    with pytest.raises(DocumentError, match=r"Japanese \(ja\)"):
        detect_language("政府はデジタル経済の発展を目指すと発表しました。これは重要な計画です。")


def test_a_text_without_words_has_no_language():
    with pytest.raises(DocumentError, match="no words"):
        detect_language("2025 — 10 % / 3.5")


PAGE = f"""<!DOCTYPE html><html lang="fr"><head>
<meta charset="utf-8"><title>Le numérique | Le Site</title>
<meta property="og:title" content="Xi appelle au développement du numérique">
<meta property="article:published_time" content="2022-01-17T08:00:00+00:00">
</head><body><article><h1>Xi appelle au développement du numérique</h1>
<p>{FR_1}</p><p>{"<br>".join(halves(FR_2))}</p></article></body></html>"""


def test_an_html_page_gives_its_main_text_title_and_date():
    read = read_upload(PAGE.encode(), "page.html")
    assert paragraph_split(read.text) == [
        "Xi appelle au développement du numérique",
        FR_1,
        FR_2,
    ]
    assert read.title == "Xi appelle au développement du numérique"
    assert read.published == date(2022, 1, 17)
    assert (read.language, read.format) == ("fr", "html")


def test_an_html_page_that_is_a_table_keeps_its_rows():
    page = (
        "<html><head><title>Objectifs</title></head><body><table>"
        f"<tr><td>{EN_1}</td></tr><tr><td>Target</td><td>10%</td></tr></table></body></html>"
    )
    read = read_upload(page.encode(), "t.htm")
    assert paragraph_split(read.text) == [EN_1, "Target 10%"]
    assert read.published is None


BODY = f"<p>{FR_1}</p><p>{FR_2}</p>"


@pytest.mark.parametrize(
    ("page", "encoding"),
    [
        (f'<meta charset="utf-8"><title>T</title><article>{BODY}</article>', "utf-8"),
        (f"<ARTICLE>{BODY}</ARTICLE>", "utf-8"),
        (f"<div class='x'>{BODY}</div>", "utf-8"),
        (f"<!-- saved from a browser --><section>{BODY}</section>", "utf-8"),
        (f"\ufeff<div>{BODY}</div>", "utf-8"),
        (f"{'Saved page. ' * 40}<p>{FR_1}</p><p>{FR_2}</p>", "utf-8"),
        (f"<html><body><p>{ZH_1}</p><p>{ZH_2}</p></body></html>", "utf-16"),
    ],
    ids=["meta", "article", "div", "comment", "bom", "text-first", "utf-16"],
)
def test_an_html_file_is_known_by_any_common_tag_in_its_first_kilobyte(page, encoding):
    read = read_upload(page.encode(encoding), "page.html")
    assert read.format == "html"
    expected = [ZH_1, ZH_2] if encoding == "utf-16" else [FR_1, FR_2]
    assert paragraph_split(read.text)[-2:] == expected


def test_only_a_file_named_html_is_read_as_html_for_a_tag_past_its_start():
    markup = f"<article>{FR_1}</article>"
    assert read_upload(markup.encode(), "note.txt").text == markup
    with pytest.raises(DocumentError, match=r"named \.html but holds plain text"):
        read_upload(f"{'x' * 1100}{markup}".encode(), "late.html")


# --- PDF ------------------------------------------------------------------------------------

XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:prism="http://prismstandard.org/namespaces/basic/2.0/" '
    b'prism:publicationDate="2022-01-19"><prism:publicationDate>2022-01-19'
    b"</prism:publicationDate></rdf:Description></rdf:RDF></x:xmpmeta>"
)


def test_a_pdf_s_lines_join_into_paragraphs_across_pages():
    first = "Le plan publié mercredi par le cabinet vise à augmenter la part du secteur"
    second = "dans le PIB national en poussant la 6G et les centres de données,"
    pages = [[FR_1, "", first, second], ["3", "selon le texte du cabinet.", "", EN_1, "- 2 -"]]
    read = read_upload(text_pdf(pages, title="Économie numérique", xmp=XMP), "r.pdf")
    assert paragraph_split(read.text) == [
        FR_1,
        f"{first} {second} selon le texte du cabinet.",
        EN_1,
    ]
    assert (read.title, read.published) == ("Économie numérique", date(2022, 1, 19))
    assert (read.language, read.format) == ("fr", "pdf")


def test_a_pdf_page_that_ends_a_sentence_ends_its_paragraph():
    read = read_upload(text_pdf([[FR_1], [FR_2]]), "r.pdf")
    assert paragraph_split(read.text) == [FR_1, FR_2]


def test_a_short_line_ends_its_paragraph():
    read = read_upload(text_pdf([[FR_2, "Fin.", EN_1, EN_2]]), "r.pdf")
    assert paragraph_split(read.text) == [f"{FR_2} Fin.", f"{EN_1} {EN_2}"]


def test_a_chinese_pdf_s_indented_lines_open_its_paragraphs():
    lines = ["\t" + ZH_1[:20], ZH_1[20:], "\t" + ZH_2[:20], ZH_2[20:]]
    read = read_upload(cjk_pdf(lines), "报告.pdf")
    assert paragraph_split(read.text) == [ZH_1, ZH_2]
    assert read.language == "zh"


def test_a_pdf_title_that_names_a_file_is_no_title():
    read = read_upload(text_pdf([[EN_1]], title="Microsoft Word - rapport.docx"), "r.pdf")
    assert read.title == ""


def test_a_pdf_locked_against_editing_only_is_read():
    read = read_upload(encrypted(text_pdf([[EN_1]]), ""), "locked.pdf")
    assert read.text == EN_1


def test_a_password_protected_pdf_is_refused():
    with pytest.raises(DocumentError, match=r"^The PDF is encrypted"):
        read_upload(encrypted(text_pdf([[EN_1]]), "secret"), "locked.pdf")


def test_an_image_only_pdf_has_no_text_layer():
    image = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
    image += b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"
    scan = raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
            image,
        ]
    )
    with pytest.raises(DocumentError, match=r"^The PDF has no text layer \(is it a scan\?\)"):
        read_upload(scan, "scan.pdf")


# --- Word -----------------------------------------------------------------------------------

COVER = (
    '<CoverPageProperties xmlns="http://schemas.microsoft.com/office/2006/coverPageProps">'
    "<PublishDate>2022-01-18</PublishDate></CoverPageProperties>"
)
TEXT_BOX = (
    '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/'
    'markup-compatibility/2006"><mc:Choice Requires="wps"><w:txbxContent>'
    f"{w_p('Encadré : ' + EN_2)}</w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent>"
    f"{w_p('Encadré : ' + EN_2)}</w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>"
    "</w:p>"
)


def test_a_word_document_gives_its_paragraphs_title_and_publish_date():
    body = w_p(EN_1[:30], EN_1[30:]) + "<w:p/>" + w_p("Target:\t10%\nby 2025") + TEXT_BOX
    data = make_docx(
        body, {"docProps/core.xml": core_xml("Digital economy plan"), "customXml/item1.xml": COVER}
    )
    read = read_upload(data, "plan.docx")
    assert paragraph_split(read.text) == [EN_1, "Target: 10% by 2025", "Encadré : " + EN_2]
    assert (read.title, read.published) == ("Digital economy plan", date(2022, 1, 18))
    assert (read.language, read.format) == ("en", "docx")


def test_a_word_document_s_main_part_is_found_by_its_relationship():
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="/word/document2.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    main = f"<w:document {W_NS}><w:body>{w_p(EN_2)}</w:body></w:document>"
    data = make_docx(w_p(EN_1), {"_rels/.rels": rels, "word/document2.xml": main})
    assert read_upload(data, "online.docx").text == EN_2


def test_a_word_document_s_file_dates_are_not_its_publication():
    data = make_docx(
        w_p(EN_1), {"docProps/core.xml": core_xml("", created="2022-03-01T00:00:00Z")}
    )
    assert read_upload(data, "plan.docx").published is None


def test_a_word_document_without_metadata_states_its_title_and_date_in_its_text():
    data = make_docx(w_p("Plan numérique") + w_p("Paris, le 17 janvier 2022") + w_p(FR_1))
    read = read_upload(data, "plan.docx")
    assert (read.title, read.published) == ("Plan numérique", date(2022, 1, 17))


def test_a_word_document_without_text_is_refused():
    with pytest.raises(DocumentError, match="holds no text"):
        read_upload(make_docx("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>"), "blank.docx")


def test_a_damaged_word_document_is_refused():
    with pytest.raises(DocumentError, match=r"damaged or not a \.docx file"):
        read_upload(b"PK\x03\x04word/document.xml" + b"\x01" * 200, "broken.docx")
