"""`manage.py extract_records`: the public JSON contract (DESIGN.md, "extraction"), the text
format, and bad input answered with a message; it writes nothing."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from policies.models import Proposal, Source, Statement
from policies.models.excerpts import paragraph_split
from tests.conftest import SEEDS

pytestmark = pytest.mark.django_db

REPORT = SEEDS / "sources" / "xi-qiushi-digital-economy-2022-01.fr.txt"
COMMON = {"kind", "paragraph", "excerpt", "confidence", "rule"}
FIELDS = {
    "statement": {"speaker", "speaker_matched", "wording"},
    "target": {"indicator", "value", "unit", "qualifier", "year"},
    "observation": {"indicator", "value", "unit", "qualifier", "year", "period"},
    "plan": {"title", "document_number", "plan"},
    "date": {"text", "resolved", "granularity"},
}


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("extract_records", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def report(seeded):
    counts = (Source.objects.count(), Statement.objects.count(), Proposal.objects.count())
    printed = json.loads(run(str(REPORT), "--published", "2022-01-17"))
    # It writes nothing.
    assert counts == (
        Source.objects.count(),
        Statement.objects.count(),
        Proposal.objects.count(),
    )
    return printed


def test_the_json_holds_the_source_and_each_proposal_in_the_contract(report):
    assert report["source"] == {
        "title": "",
        "language": "fr",
        "published": "2022-01-17",
        "paragraphs": 8,
    }
    paragraphs = paragraph_split(REPORT.read_text(encoding="utf-8"))
    assert report["proposals"]
    for proposal in report["proposals"]:
        assert COMMON | FIELDS[proposal["kind"]] <= set(proposal), proposal
        assert proposal["excerpt"] in paragraphs[proposal["paragraph"] - 1]
        assert 0 <= proposal["confidence"] <= 1


def test_the_three_quotations_of_xi_are_proposed_as_such(report):
    quotations = {
        p["paragraph"]: p
        for p in report["proposals"]
        if p["kind"] == "statement" and p["wording"] == "quotation"
    }
    assert sorted(quotations) == [2, 3, 5]
    for paragraph, proposal in quotations.items():
        assert proposal["speaker"] == "xi-jinping", paragraph
        assert proposal["speaker_matched"] is True
        held = Statement.objects.get(source__slug__startswith="fr-report", paragraph=paragraph)
        assert held.excerpt in proposal["excerpt"]


def test_the_weekdays_resolve_into_the_past_of_the_report(report):
    dates = {p["text"]: p for p in report["proposals"] if p["kind"] == "date"}
    assert dates["samedi"]["resolved"] == "2022-01-15"
    assert dates["mercredi"]["resolved"] == "2022-01-12"
    assert {d["granularity"] for d in dates.values()} == {"day"}


def test_the_text_format_reads_as_lines(seeded):
    printed = run(str(REPORT), "--published", "2022-01-17", "--format", "text")
    assert printed.startswith("(no title) — fr, 2022-01-17, 8 paragraphs")
    assert "¶3 statement" in printed


def test_bad_input_is_refused_with_a_message(seeded, tmp_path):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(str(REPORT), "--published", "17/01/2022")
    with pytest.raises(CommandError, match="cannot be read"):
        run(str(tmp_path / "missing.txt"))
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n\n  ", encoding="utf-8")
    with pytest.raises(CommandError, match="holds no text"):
        run(str(empty))
    german = tmp_path / "bericht.txt"
    german.write_text(
        "Die Regierung hat am Mittwoch einen Plan für die digitale Wirtschaft "
        "veröffentlicht, der den Anteil des Sektors am Bruttoinlandsprodukt erhöhen soll.",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="German"):
        run(str(german))
