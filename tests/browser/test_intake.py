"""The intake flow in a real browser, end to end: an editor uploads the seed report, confirms
what was read, reviews the proposals (accepts one statement, edits another through its
prefilled form, rejects a third with a reason), publishes the source and the accepted
statement, and a reader sees that statement on its public page.

The review page, as the README shows it, is saved as review.png in $INTAKE_SCREENSHOTS (the
temporary folder by default; `INTAKE_SCREENSHOTS=docs` makes docs/review.png)."""

import os
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from policies.models import Proposal, PublicationStatus, Source, Statement
from tests.browser.axe_audit import audit, axe_source, report
from tests.browser.test_accessibility import log_in

pytestmark = pytest.mark.browser

SEED_FILE = settings.BASE_DIR / "seeds/sources/xi-qiushi-digital-economy-2022-01.fr.txt"
SCREENSHOTS = Path(os.environ.get("INTAKE_SCREENSHOTS") or Path(tempfile.gettempdir(), "intake"))
TITLE = "Essai de Xi dans Qiushi sur l'économie numérique (copie reçue)"

# Three of the report's passages, by their opening words.
ACCEPTED = "Au cours de son développement rapide"
EDITED = "cultiver un certain nombre d'entreprises"
REJECTED = "Ce plan a également souligné les défis"


def take_in(page: Page, site: str) -> Source:
    """The seed report uploaded and confirmed; the review page is open."""
    page.goto(site + reverse("admin:policies_source_changelist"))
    page.get_by_role("link", name="Add a source from a document").click()
    expect(page.locator("h1")).to_have_text("Add a source from a document")
    page.get_by_label("Document").set_input_files(SEED_FILE)
    page.get_by_label("Publisher").fill("Agence de presse (test)")
    page.get_by_label("Kind").select_option("news_report")
    page.get_by_label("Tier").select_option("secondary")
    page.get_by_label("Published on").fill("2022-01-17")
    page.get_by_role("button", name="Read the document").click()

    expect(page.locator("h1")).to_have_text("Confirm what was found")
    found = page.locator("dl.intake-found")
    expect(found.locator("dt:text-is('Detected language') + dd")).to_have_text("French")
    expect(found.locator("dt:text-is('Paragraphs') + dd")).to_have_text("8")
    expect(found.locator("dt:text-is('Read as') + dd")).to_have_text("a plain text file")
    expect(page.locator(".intake-paragraphs li").first).to_contain_text("Dans un essai paru")
    expect(page.get_by_label("Language")).to_have_value("fr")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("button", name="Make the draft source").click()

    source = Source.objects.get(title=TITLE)
    expect(page).to_have_url(site + reverse("admin:policies_source_review", args=[source.pk]))
    return source


def card(page: Page, opening: str):
    return page.locator("article.proposal", has_text=opening)


def test_an_editor_takes_in_reviews_and_publishes_a_document(site, page, client, editor, watch):
    log_in(page, client, editor, site)
    page.set_viewport_size({"width": 1366, "height": 900})
    source = take_in(page, site)
    assert source.status == PublicationStatus.DRAFT
    expect(page.locator(".messagelist")).to_contain_text("holds 8 paragraphs")
    expect(page.locator(".review-draft")).to_contain_text("This source is a draft.")
    expect(page.locator(".review-paragraphs > li")).to_have_count(8)

    # Accept: a draft statement, linked to its proposal.
    card(page, ACCEPTED).get_by_role("button", name="Accept").click()
    expect(page.locator(".messagelist")).to_contain_text("Accepted as the draft statement")
    expect(card(page, ACCEPTED)).to_contain_text(f"Accepted by {editor.username} on")
    accepted = Statement.objects.get(source=source, excerpt__startswith=ACCEPTED)
    assert accepted.status == PublicationStatus.DRAFT

    # Edit: the prefilled form, completed and saved, accepts the proposal.
    card(page, EDITED).get_by_role("link", name="Edit").click()
    expect(page.locator(".messagelist")).to_contain_text("Prefilled from the assistant")
    expect(page.locator("#id_excerpt")).to_have_value(
        Proposal.objects.get(source=source, excerpt__startswith=EDITED).excerpt
    )
    expect(page.locator("#id_wording")).to_have_value("quotation")
    page.locator("#id_headline").fill("China should grow world-class digital clusters")
    page.locator("#id_text_en").fill(
        "cultivate a number of internationally competitive firms, to create world-class "
        "digital industrial clusters"
    )
    page.locator("input[name=_save]").last.click()
    expect(card(page, EDITED)).to_contain_text(f"Accepted by {editor.username} on")
    edited = Statement.objects.get(source=source, excerpt__startswith=EDITED)
    assert (edited.headline, edited.wording) == (
        "China should grow world-class digital clusters",
        "quotation",
    )

    # Reject, with a reason.
    rejected = card(page, REJECTED)
    rejected.get_by_label("Reason").select_option("out_of_scope")
    rejected.get_by_role("button", name="Reject").click()
    expect(card(page, REJECTED)).to_contain_text("Rejected by")
    expect(card(page, REJECTED)).to_contain_text("out of scope")

    # The README's picture: the page with the admin's menu folded, as an editor reviewing
    # would keep it.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(site + reverse("admin:policies_source_review", args=[source.pk]))
    page.locator("#toggle-nav-sidebar").click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=SCREENSHOTS / "review.png")

    # Publish the source (from the draft note), then the accepted statement.
    page.locator(".review-draft").get_by_role("link", name="its page").click()
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.goto(site + reverse("admin:policies_source_review", args=[source.pk]))
    expect(page.locator(".review-draft")).to_have_count(0)
    card(page, ACCEPTED).locator(".proposal-decision a").click()
    page.locator("#id_headline").fill("Xi warns of unhealthy trends in the digital economy")
    page.locator("#id_text_en").fill("the digital economy has shown unhealthy trends")
    page.locator("#id_status").select_option("published")
    page.locator("input[name=_save]").last.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    accepted.refresh_from_db()
    assert accepted.status == PublicationStatus.PUBLISHED
    page.goto(site + accepted.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Xi warns of unhealthy trends in the digital economy")
    expect(page.locator("main")).to_contain_text(ACCEPTED)
    watch.assert_clean()


def test_the_review_page_has_no_serious_violations(site, page, client, editor):
    axe_source()  # skips (or fails under REQUIRE_BROWSER=1) without axe-core
    log_in(page, client, editor, site)
    page.set_viewport_size({"width": 1366, "height": 900})
    source = take_in(page, site)
    found = audit(page, "the review page")
    card(page, REJECTED).get_by_label("Reason").select_option("wrong_speaker")
    card(page, REJECTED).get_by_role("button", name="Reject").click()
    found += audit(page, "the review page, a proposal rejected")
    page.goto(site + reverse("admin:policies_source_intake"))
    found += audit(page, "the intake form")
    assert source.proposals.exists()
    if found:
        pytest.fail(report(found), pytrace=False)
