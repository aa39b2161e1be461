"""Permalinks that last, citation files, the methodology page, and error pages a reader can
leave: over real requests to the seeded site."""

from __future__ import annotations

import html
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from policies import progress, selectors
from policies.filters import DateBasis
from policies.models import Plan, Source, Statement, Theme

pytestmark = pytest.mark.django_db

SLUG = "xi-big-but-not-strong"
PLAN = "14th-fyp-digital-economy"


def test_statement_pages_live_at_their_slug_and_say_so(seeded, client):
    statement = Statement.objects.get(slug=SLUG)
    assert statement.get_absolute_url() == f"/statements/{SLUG}/"
    page = client.get(f"/statements/{SLUG}/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/statements/{SLUG}/">' in page
    plan_page = client.get(f"/plans/{PLAN}/").content.decode()
    assert f'<link rel="canonical" href="http://testserver/plans/{PLAN}/">' in plan_page


def test_the_old_id_addresses_redirect_for_good(seeded, client):
    statement = Statement.objects.get(slug=SLUG)
    response = client.get(f"/statements/{statement.pk}/?from=old")
    assert response.status_code == 301
    assert response["Location"] == f"/statements/{SLUG}/?from=old"
    response = client.get(f"/statements/{statement.pk}/cite.bib")
    assert (response.status_code, response["Location"]) == (301, f"/statements/{SLUG}/cite.bib")


def test_a_renamed_slug_keeps_redirecting(seeded, client):
    statement = Statement.objects.get(slug=SLUG)
    statement.slug = "xi-big-not-strong"
    statement.save()
    statement.slug = "xi-big-not-strong-fast-not-superior"
    statement.save()
    for old in (SLUG, "xi-big-not-strong"):
        response = client.get(f"/statements/{old}/")
        assert response.status_code == 301, old
        assert response["Location"] == "/statements/xi-big-not-strong-fast-not-superior/"
    assert client.get("/statements/xi-big-not-strong-fast-not-superior/").status_code == 200
    plan = Plan.objects.get(slug=PLAN)
    plan.slug = "fyp-14-digital-economy"
    plan.save()
    assert client.get(f"/plans/{PLAN}/")["Location"] == "/plans/fyp-14-digital-economy/"


def test_drafts_and_unknown_slugs_are_not_found(seeded, client):
    statement = Statement.objects.get(slug=SLUG)
    Statement.objects.filter(pk=statement.pk).update(status="draft")
    assert client.get(f"/statements/{SLUG}/").status_code == 404
    assert client.get(f"/statements/{statement.pk}/").status_code == 404
    assert client.get("/statements/no-such-statement/").status_code == 404


CITATION_FILES = {
    "bib": ("application/x-bibtex; charset=utf-8", "@misc{policytracker-"),
    "ris": ("application/x-research-info-systems; charset=utf-8", "TY  - "),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "["),
}


@pytest.mark.parametrize("extension", CITATION_FILES)
@pytest.mark.parametrize(("record", "slug"), [("statements", SLUG), ("plans", PLAN)])
def test_every_record_downloads_its_citation(seeded, client, record, slug, extension):
    response = client.get(f"/{record}/{slug}/cite.{extension}")
    content_type, start = CITATION_FILES[extension]
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{slug}.{extension}"'
    body = response.content.decode()
    assert body.startswith(start)
    assert f"http://testserver/{record}/{slug}/" in body


def test_the_statement_page_offers_every_format_and_the_copy_script(seeded, client):
    page = client.get(f"/statements/{SLUG}/").content.decode()
    for label in ("Chicago (author-date)", "APA", "BibTeX", "RIS", "CSL-JSON"):
        assert label in page
    for extension in ("bib", "ris", "json"):
        assert f'href="/statements/{SLUG}/cite.{extension}"' in page
    assert re.search(r'<script src="/static/js/copy[^"]*\.js" defer>', page)
    assert "<script>" not in page, "no inline script: the CSP allows none"
    chicago = re.search(r'id="cite-chicago-text">(.*?)</p>', page, re.S).group(1)
    assert chicago.startswith("Xi Jinping, quoted in Reuters.")


def test_an_unknown_citation_format_is_a_404_with_the_navigation(seeded, client):
    response = client.get(f"/statements/{SLUG}/cite.docx")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page
    assert 'href="/statements/"' in page
    assert 'href="/methodology/"' in page


def test_error_pages_speak_the_readers_language(seeded, client, monkeypatch):
    page = client.get("/fr/nowhere/").content.decode()
    assert '<html lang="fr">' in page
    assert "Page introuvable" in page
    assert 'href="/fr/plans/"' in page

    def broken(**_key):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(selectors, "statement_detail", broken)
    failing = Client(raise_request_exception=False)
    response = failing.get(f"/fr/statements/{SLUG}/")
    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Un problème est survenu" in page
    assert 'href="/fr/statements/"' in page
    assert 'href="/fr/methodology/"' in page


@pytest.mark.parametrize("path", ["/xx/", "/xx/statements/", "/de/plans/"])
def test_an_unknown_language_prefix_is_a_404_in_english_with_the_navigation(seeded, client, path):
    response = client.get(path, headers={"accept-language": "fr"})
    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "Page not found" in page
    assert 'href="/statements/"' in page
    assert 'href="/sources/"' in page


def test_the_api_carries_each_records_permalink(seeded, client):
    statements = client.get("/api/v1/statements/").json()["results"]
    record = next(s for s in statements if s["slug"] == SLUG)
    assert record["permalink"] == f"http://testserver/statements/{SLUG}/"
    assert record["wording"] == "quotation"
    plans = client.get("/api/v1/plans/").json()["results"]
    plan = next(p for p in plans if p["slug"] == PLAN)
    assert plan["permalink"] == f"http://testserver/plans/{PLAN}/"
    assert all(p["permalink"] == f"http://testserver/plans/{p['slug']}/" for p in plans)


def test_the_sources_link_their_originals_translations_or_say_none_is_known(seeded, client):
    essay = Source.objects.get(slug="qiushi-2022-02-xi-digital-economy")
    page = client.get(essay.get_absolute_url()).content.decode()
    assert 'href="https://en.qstheory.cn/2022-03/03/c_721608.htm"' in page
    assert "No link to the original is known." in page
    report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
    page = client.get(report.get_absolute_url()).content.decode()
    assert "No link to the original is known." in page
    assert "No translation is cited." in page
    assert "Reuters" in page


def test_the_plans_official_text_goes_to_its_translation_labelled_as_one(seeded, client):
    page = client.get(f"/plans/{PLAN}/").content.decode()
    assert 'href="https://lawinfochina.com/display.aspx?id=38118"' in page
    assert "a translation, not the official text; no link to the original is known" in page
    source = Source.objects.get(slug="state-council-2021-29-digital-economy-plan")
    source.url = "https://www.gov.cn/example-original"
    source.save()
    page = client.get(f"/plans/{PLAN}/").content.decode()
    assert 'href="https://www.gov.cn/example-original"' in page
    assert "(the original)" in page
    source.url = source.translation_url = ""
    source.save()
    page = client.get(f"/plans/{PLAN}/").content.decode()
    assert "We hold neither the original text nor a link to it or to a translation." in page


def test_published_records_show_when_they_changed_and_what(seeded, client):
    statement = Statement.objects.get(slug=SLUG)
    statement.headline = "A clearer headline"
    statement.save()
    page = client.get(f"/statements/{SLUG}/").content.decode()
    log = page[page.index('id="changes-heading"') :]
    assert "Last updated" in log
    assert "changed (headline)" in log
    assert "editor" not in log.lower()


def test_the_methodology_lists_every_status_rule_progress_applies(seeded, client):
    page = html.unescape(client.get("/methodology/").content.decode())
    listed = re.findall(r'<li data-status="([a-z_]+)"><strong>[^<]*</strong>: ([^<]*)</li>', page)
    assert listed == [(rule.status.value, str(rule.when)) for rule in progress.RULES]
    # Every status the rules can give is explained, and every rule is reachable.
    assert {rule.status for rule in progress.RULES} == set(progress.Status)


def test_the_methodology_is_generated_from_the_models_and_the_taxonomy(seeded, client):
    page = client.get("/methodology/").content.decode()
    for value, label in Statement.Wording.choices:
        assert f"<code>{value}</code>: {label}" in page.replace("&#x27;", "'")
    for value, _label in DateBasis.choices:
        assert f"<code>date_basis={value}</code>" in page
    for value, _label in Source.Tier.choices:
        assert f"<code>{value}</code>" in page
    security = Theme.objects.get(slug="security")
    count = security.statements.filter(status="published").count()
    assert re.search(
        rf'href="/themes/security/">{security.name}</a></th><td>[^<]*</td>'
        rf'<td class="num">{count}</td>',
        page,
    )
    assert "CC BY 4.0" in page
    assert "AGPL" in page


def test_every_page_links_the_methodology(seeded, client):
    for url in ("/", "/statements/", reverse("policies:plan_detail", args=[PLAN])):
        assert 'href="/methodology/"' in client.get(url).content.decode(), url


def test_the_statement_page_shows_both_dates_with_their_meaning(seeded, client):
    page = client.get(f"/statements/{SLUG}/").content.decode()
    assert '<time datetime="2021-10-18">' in page
    assert "when it was said or written" in page
    assert '<time datetime="2022-01-15">' in page
    assert "when it was made public" in page
    undated = Statement.objects.filter(delivered_on__isnull=True, status="published").first()
    page = client.get(undated.get_absolute_url()).content.decode()
    assert "not recorded separately: the publication date stands for it" in page


def test_a_slug_once_used_cannot_be_taken_by_another_record(seeded):
    statement = Statement.objects.get(slug=SLUG)
    statement.slug = "xi-big-not-strong"
    statement.save()
    other = Statement.objects.get(slug="xi-focus-on-key-fields")
    other.slug = SLUG
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert "Another statement had this slug before" in str(refused.value)
    # The record itself may take its old slug back.
    statement.slug = SLUG
    statement.full_clean()


def test_a_slug_of_digits_alone_is_refused(seeded):
    plan = Plan.objects.get(slug=PLAN)
    plan.slug = "2025"
    with pytest.raises(ValidationError) as refused:
        plan.full_clean()
    assert "digits alone" in str(refused.value)


def test_a_drafts_working_slug_does_not_lead_to_it(seeded, client):
    statement = Statement.objects.get(slug=SLUG)
    statement.status = "draft"
    statement.slug = "secret-working-title"
    statement.save()
    statement.status = "published"
    statement.slug = SLUG
    statement.save()
    assert client.get("/statements/secret-working-title/").status_code == 404


def test_the_redirect_is_built_from_the_route_not_the_path(seeded, client):
    # A statement once called "statements": replacing text in the path would go astray.
    statement = Statement.objects.get(slug=SLUG)
    statement.slug = "statements"
    statement.save()
    statement.slug = SLUG
    statement.save()
    response = client.get("/statements/statements/cite.ris?x=1")
    assert response.status_code == 301
    assert response["Location"] == f"/statements/{SLUG}/cite.ris?x=1"


def test_a_deleted_records_slug_may_be_taken_again(seeded):
    statement = Statement.objects.get(slug=SLUG)
    statement.slug = "xi-big-not-strong"
    statement.save()
    statement.delete()
    other = Statement.objects.get(slug="xi-focus-on-key-fields")
    other.slug = "xi-big-not-strong"
    other.full_clean()  # the deleted statement's address leads nowhere any more


def test_a_citation_file_reads_only_what_the_citation_needs(seeded, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(f"/statements/{SLUG}/cite.bib")  # the data version, cached from here on
    for path in (f"/statements/{SLUG}/cite.bib", f"/plans/{PLAN}/cite.ris"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        # The record with its actor or issuer and source, in one query.
        assert len(queries) == 1, [q["sql"][:80] for q in queries]
