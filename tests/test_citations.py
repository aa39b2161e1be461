"""Citations: who is credited, whose words are quoted, and files the usual parsers read."""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import replace

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle
from citeproc import formatter as citeproc_formatter
from citeproc.source.json import CiteProcJSON

from policies.citations import FORMATS, Reference, plan_reference, render, statement_reference
from policies.citations.formats import bibtex, csl_json, ris
from policies.models import Plan, Source, Statement

REPORT_AUTHOR = "Reuters"
ACCESSED = datetime.date(2026, 12, 2)
VERSION = datetime.date(2026, 11, 30)
PERMALINK = "https://tracker.example/statements/{}/"

# Whose words each seed excerpt is, read off the report's own quotation marks.
EXPECTED_WORDING = {
    "xi-focus-on-key-fields": "paraphrase",
    "xi-world-class-digital-industry-clusters": "quotation",
    "xi-big-but-not-strong": "quotation",
    "xi-prevent-monopolies-and-disorderly-capital": "partial_quotation",
    "xi-unhealthy-tendencies-threaten-security": "quotation",
    "xi-early-warning-and-security-system": "paraphrase",
    "state-council-raise-digital-share-of-gdp": "paraphrase",
    "state-council-plan-challenges": "paraphrase",
}

# Text an editor could type that breaks a naive writer of each format.
HOSTILE_TITLES = [
    "Braces { unbalanced",
    "Closing } first",
    'Quotes " and \\" and “curly”',
    "An @misc{inside, title={x}} entry",
    "Line one\nER  - \nTY  - JOUR\nline three",
    "Percent % hash # ampersand & dollar $ underscore _ tilde ~ caret ^ backslash \\",
    '"}]}</script><script>window.pwned=1</script>',
]


def reference_of(statement: Statement) -> Reference:
    return statement_reference(
        statement,
        permalink=PERMALINK.format(statement.slug),
        accessed=ACCESSED,
        version=VERSION,
    )


def wording_in_source(statement: Statement) -> str:
    """Whose words the excerpt is, by the quotation marks around it in its paragraph."""
    paragraph = statement.source.paragraphs[statement.paragraph - 1]
    start = paragraph.index(statement.excerpt)
    end = start + len(statement.excerpt)
    if paragraph[start - 1 : start] == '"' and paragraph[end : end + 1] == '"':
        return "quotation"
    if '"' in statement.excerpt:
        return "partial_quotation"
    return "paraphrase"


@pytest.fixture
def seed_statements(seeded) -> list[Statement]:
    return list(Statement.objects.select_related("actor", "source").order_by("slug"))


def test_every_seed_statement_records_the_wording_of_its_report(seed_statements):
    assert {s.slug: s.wording for s in seed_statements} == EXPECTED_WORDING
    for statement in seed_statements:
        assert statement.wording == wording_in_source(statement), statement.slug


def test_every_seed_citation_credits_the_report_and_quotes_only_quotations(seed_statements):
    for statement in seed_statements:
        ref = reference_of(statement)
        assert ref.authors == (REPORT_AUTHOR,), statement.slug
        for name in ("chicago", "apa"):
            text = render(ref, name)
            speaker = statement.actor.name
            assert ref.permalink in text
            assert "December 2, 2026" in text
            assert "2026-11-30" in text, "the data version"
            if statement.wording == "quotation":
                if name == "chicago":
                    assert text.startswith(f"{speaker}, quoted in {REPORT_AUTHOR}. "), text
                else:
                    assert text.startswith(f"{REPORT_AUTHOR}. "), text
                    assert f"({speaker}, as cited in {REPORT_AUTHOR}, n.d.)" in text
                assert f"“{statement.excerpt}”" in text
            else:
                # The report's own words: credited to it, never given to the speaker.
                assert text.startswith(f"{REPORT_AUTHOR}. "), text
                assert not text.startswith(speaker)
            if statement.wording == "paraphrase":
                assert statement.excerpt not in text, "a paraphrase is not quoted"
                assert f"reporting {speaker} in its own words (a paraphrase)" in text
            if statement.wording == "partial_quotation":
                assert f"its own words quoting {speaker} in part" in text


def test_a_statement_cited_from_its_speakers_own_text_credits_the_speaker(seed_statements):
    statement = next(s for s in seed_statements if s.wording == "quotation")
    statement.source.author = statement.actor.name
    text = render(reference_of(statement), "chicago")
    assert text.startswith(f"{statement.actor.name}. n.d. ")
    assert "quoted in" not in text


def test_a_source_without_an_author_is_credited_to_its_publisher(seed_statements):
    statement = seed_statements[0]
    statement.source.author = ""
    ref = reference_of(statement)
    assert ref.authors == (statement.source.publisher,)


def test_the_plan_is_credited_to_its_issuer_with_its_document_number(seeded):
    plan = Plan.objects.select_related("issuer", "source").get(slug="14th-fyp-digital-economy")
    ref = plan_reference(plan, permalink="https://t.example/p/", accessed=ACCESSED, version=None)
    text = render(ref, "chicago")
    assert text.startswith(f"{plan.issuer.name}. 2022. {plan.title} [{plan.title_en}]. ")
    assert "国发〔2021〕29号" in text
    assert "data version not recorded" in text
    assert "lawinfochina.com/display.aspx?id=38118" in render(ref, "bib")


def parsed_bibtex(text: str) -> dict[str, str]:
    database = bibtexparser.loads(text)
    assert len(database.entries) == 1, text
    return database.entries[0]


def parsed_ris(text: str) -> dict:
    entries = rispy.load(io.StringIO(text))
    assert len(entries) == 1, text
    return entries[0]


def rendered_csl(text: str) -> str:
    """The CSL-JSON read by citeproc-py and formatted in one of its bundled styles."""
    source = CiteProcJSON(json.loads(text))
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, citeproc_formatter.plain)
    (key,) = [item["id"] for item in json.loads(text)]
    bibliography.register(Citation([CitationItem(key)]))
    return str(bibliography.bibliography()[0])


def test_every_seed_citation_file_parses(seed_statements, seeded):
    plan = Plan.objects.select_related("issuer", "source").get(slug="14th-fyp-digital-economy")
    plan_ref = plan_reference(
        plan, permalink="https://t.example/p/", accessed=ACCESSED, version=VERSION
    )
    for ref in [*(reference_of(s) for s in seed_statements), plan_ref]:
        entry = parsed_bibtex(bibtex(ref))
        assert entry["ID"] == ref.key
        assert entry["url"] == ref.permalink
        assert entry["urldate"] == "2026-12-02"
        assert entry["version"] == "2026-11-30"
        record = parsed_ris(ris(ref))
        assert record["urls"] == [ref.permalink]
        assert record["access_date"] == "2026/12/02"
        assert record["authors"] == list(ref.authors)
        (item,) = json.loads(csl_json(ref))
        assert item["URL"] == ref.permalink
        assert item["version"] == "2026-11-30"
        assert item["accessed"] == {"date-parts": [[2026, 12, 2]]}
        assert ref.authors[0] in rendered_csl(csl_json(ref))


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_stored_text_still_gives_files_that_parse(seed_statements, title):
    ref = replace(
        reference_of(seed_statements[1]),
        title=title,
        title_en="",
        record_title=title,
        authors=(title,),
        quote=title,
    )
    entry = parsed_bibtex(bibtex(ref))
    # Nothing leaked out of its field: the entry keeps its key and every field after.
    assert entry["ID"] == ref.key
    assert entry["version"] == "2026-11-30"
    assert entry["url"] == ref.permalink
    record = parsed_ris(ris(ref))
    assert record["title"] == " ".join(title.split())
    assert record["urls"] == [ref.permalink]
    assert record["name_of_database"] == "Policy Tracker"
    (item,) = json.loads(csl_json(ref))
    assert item["title"] == " ".join(title.split()), "JSON keeps the text, on one line"
    rendered_csl(csl_json(ref))


def test_the_formats_are_the_five_researchers_use():
    assert [f.label for f in FORMATS.values()] == [
        "Chicago (author-date)",
        "APA",
        "BibTeX",
        "RIS",
        "CSL-JSON",
    ]
    assert {f.extension for f in FORMATS.values() if f.extension} == {"bib", "ris", "json"}


def test_the_tracker_publishes_how_to_cite_itself():
    """CITATION.cff: the keys the Citation File Format 1.2.0 requires, and the version the
    package itself declares (so that a release cannot leave it behind)."""
    import tomllib
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parent.parent
    cff = yaml.safe_load((root / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors"} <= set(cff)
    assert all("name" in author or "family-names" in author for author in cff["authors"])
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    assert cff["version"] == project["version"]
    assert cff["license"] == project["license"]


def test_the_citation_files_of_hostile_records_parse(seeded, client):
    """Over HTTP, with the hostile-content payloads (script, markup, JSON breakers) and
    BibTeX's and RIS's own specials in every stored field a citation prints."""
    from tests.properties.test_hostile_content import PAYLOADS

    evil = " ".join([*PAYLOADS, *HOSTILE_TITLES])
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    Source.objects.filter(pk=statement.source_id).update(
        title=evil[:500], title_en=evil[-500:], author=evil[:300], publisher=evil[:200]
    )
    Statement.objects.filter(pk=statement.pk).update(headline=evil[:300])
    base = f"/statements/{statement.slug}/cite"
    entry = parsed_bibtex(client.get(f"{base}.bib").content.decode())
    assert entry["ID"] == f"policytracker-statement-{statement.slug}"
    assert entry["url"] == f"http://testserver/statements/{statement.slug}/"
    record = parsed_ris(client.get(f"{base}.ris").content.decode())
    assert record["title"] == " ".join(evil[:500].split())
    assert record["authors"] == [" ".join(evil[:300].split())]
    text = client.get(f"{base}.json").content.decode()
    (item,) = json.loads(text)
    flat = " ".join(evil[:500].split()), " ".join(evil[-500:].split())
    assert item["title"] == f"{flat[0]} [{flat[1]}]"
    assert item["author"] == [{"literal": evil[:300]}]
    rendered_csl(text)


@pytest.mark.parametrize("wording", ["quotation", "partial_quotation", "paraphrase"])
def test_a_statement_without_a_paragraph_number_reads_cleanly(seed_statements, wording):
    ref = replace(reference_of(seed_statements[1]), paragraph=0, wording=wording)
    for name in ("chicago", "apa"):
        text = render(ref, name)
        assert ", ," not in text
        assert ".." not in text.replace("n.d.", "")
        assert ": ," not in text


def test_a_title_written_for_the_tracker_is_not_quoted_as_the_documents(seed_statements):
    statement = next(s for s in seed_statements if s.slug == "xi-focus-on-key-fields")
    assert statement.source.title_descriptive
    ref = reference_of(statement)
    chicago = render(ref, "chicago")
    assert f"n.d. {statement.source.title} [{statement.source.title_en}]. " in chicago
    assert f"“{statement.source.title}" not in chicago
    assert f"(n.d.). [{statement.source.title_en}]. " in render(ref, "apa")
    for name in ("bib", "ris", "json"):
        assert "The title is descriptive, written for Policy Tracker." in render(ref, name)
    essay = replace(ref, title_descriptive=False)
    assert f"“{statement.source.title}" in render(essay, "chicago")
