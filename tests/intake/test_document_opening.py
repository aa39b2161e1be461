"""Reading documents: the language an editor gives, and the title and date a text states
in its opening lines."""

import io
import json
from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from policies.intake.documents import (
    DocumentError,
    read_paste,
    read_upload,
)
from policies.models.excerpts import paragraph_split

SEED = settings.BASE_DIR / "seeds/sources/xi-qiushi-digital-economy-2022-01.fr.txt"

FR_1 = "La Chine devrait cultiver des entreprises compétitives, a-t-il déclaré samedi."
FR_2 = "Le plan vise à porter la part du secteur à 10 % du PIB d'ici 2025, selon le cabinet."
EN_1 = "The plan aims to raise the digital economy's share of output to ten percent by 2025."
EN_2 = "Officials said the targets would be reviewed every year by the State Council."
ZH_1 = "到2025年，数字经济核心产业增加值占国内生产总值比重达到10%左右。"
ZH_2 = "国务院强调，要加快建设数字基础设施，推动产业数字化转型。"


SHORT_FR = "Xi a dit: «Non.»"  # too short for langdetect, which calls it Catalan


def test_the_language_the_editor_gives_is_taken_undetected():
    with pytest.raises(DocumentError, match=r"Catalan \(ca\)"):
        read_paste(SHORT_FR)
    assert read_paste(SHORT_FR, "fr").language == "fr"
    assert read_upload(SHORT_FR.encode(), "short.txt", "fr").language == "fr"
    # Given, it is not second-guessed, even where detection would say otherwise.
    assert read_paste(EN_1, "zh").language == "zh"


@pytest.mark.parametrize("language", ["de", "FR", ""])
def test_a_language_the_tracker_does_not_handle_cannot_be_given(language):
    with pytest.raises(DocumentError, match="is not a language the tracker handles"):
        read_paste(EN_1, language)


@pytest.mark.django_db
def test_extract_records_reads_the_file_in_the_language_given(tmp_path):
    short = tmp_path / "short.txt"
    short.write_text(SHORT_FR)
    with pytest.raises(CommandError, match="Catalan"):
        call_command("extract_records", str(short), stdout=io.StringIO())
    out = io.StringIO()
    call_command("extract_records", str(short), "--language", "fr", stdout=out)
    assert json.loads(out.getvalue())["source"] == {
        "title": "",
        "language": "fr",
        "published": None,
        "paragraphs": 1,
    }


# --- the title and date a text states -------------------------------------------------------

# A report's opening, in the shape of the Government Work Reports: its title wrapped across
# two lines, a dateline, the speaker, the salutation.
REPORT_OPENING = (
    "政府工作报\n告\n\n——2023年3月5日在第十四届全国人民代表大会第一次会议上\n\n"
    f"国务院总理\n某某某\n\n各位代表：\n\n{ZH_1}\n\n{ZH_2}\n"
)


def test_a_report_states_its_title_and_date_in_its_opening():
    read = read_upload(REPORT_OPENING.encode(), "report.txt")
    assert (read.title, read.published) == ("政府工作报告", date(2023, 3, 5))
    assert paragraph_split(read.text)[0] == "政府工作报告"


@pytest.mark.parametrize(
    ("dateline", "language"),
    [
        ("17 janvier 2022", "fr"),
        ("Publié le lundi 17 janvier 2022 à 10h15", "fr"),
        ("Paris, le 17 janvier 2022.", "fr"),
        ("January 17, 2022", "en"),
        ("Beijing, 17 January 2022", "en"),
        ("2022-01-17", "en"),
    ],
)
def test_a_dateline_gives_the_date(dateline, language):
    body = {"fr": f"{FR_1}\n\n{FR_2}", "en": f"{EN_1}\n\n{EN_2}"}[language]
    read = read_paste(f"Le titre du texte\n\n{dateline}\n\n{body}")
    assert read.language == language
    assert (read.title, read.published) == ("Le titre du texte", date(2022, 1, 17))


def test_a_dateline_first_is_no_title():
    read = read_paste(f"17 janvier 2022\n\n{FR_1}\n\n{FR_2}")
    assert (read.title, read.published) == ("", date(2022, 1, 17))


@pytest.mark.parametrize(
    "opening",
    [
        # A sentence that holds a date is news, not a dateline.
        f"Le 17 janvier 2022, le conseil a adopté le plan.\n\n{FR_1}",
        # A month, or a day with no year, is not the date the text was published.
        f"janvier 2022\n\n17 janvier\n\n{FR_1}",
        # Past the opening paragraphs.
        "\n\n".join([FR_1] * 6 + ["17 janvier 2022"]),
        # A long paragraph.
        f"{FR_2} {FR_2} 17 janvier 2022",
    ],
)
def test_a_date_outside_a_dateline_is_not_the_publication(opening):
    assert read_paste(f"{opening}\n\n{FR_2}").published is None


@pytest.mark.parametrize(
    "text",
    [
        f"{FR_1}\n\n{FR_2}",  # a sentence
        f"{'Un titre bien trop long pour en être un ' * 3}\n\n{FR_2}",
        f"Mesdames et Messieurs :\n\n{FR_2}",  # a lead-in
        f"« Il faut agir. »\n\n{FR_2}",  # a quoted sentence
        "Le plan pour 2025",  # heading nothing
        f"2022 — 2025\n\n{FR_2}",  # no word
    ],
)
def test_an_opening_that_is_no_heading_is_no_title(text):
    assert read_paste(text, "fr").title == ""


def test_a_date_in_the_file_s_name_is_never_its_date():
    read = read_upload(f"{FR_1}\n\n{FR_2}".encode(), "2022-01-17 Le titre.txt")
    assert (read.title, read.published) == ("", None)


# --- HTML -----------------------------------------------------------------------------------
