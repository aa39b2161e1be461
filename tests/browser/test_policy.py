"""The Content-Security-Policy in a real browser: every kind of page works under it, and
nothing on them is blocked (no inline script or style is left to block)."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from policies.models import Statement, Theme

pytestmark = pytest.mark.browser


def test_reader_pages_work_with_nothing_blocked(site, page, watch):
    page.goto(site + "/statements/")
    tag = page.locator(".tag").first
    expect(tag).to_be_visible()
    # Tag colours come from the themes stylesheet, not from a style attribute.
    theme = Theme.objects.get(slug=tag.get_attribute("data-theme"))
    colour = tag.evaluate("el => getComputedStyle(el).getPropertyValue('--tag').trim()")
    assert colour == theme.colour
    statement = Statement.objects.published().first()
    page.goto(site + f"/statements/{statement.pk}/")
    page.goto(site + statement.source.get_absolute_url())
    page.goto(site + "/targets/")
    expect(page.locator("[data-drawn=true]")).to_have_count(1, timeout=15_000)
    watch.assert_clean()


def test_api_docs_draw_with_nothing_blocked(site, page, watch):
    page.goto(site + "/api/v1/docs/")
    expect(page.locator(".swagger-ui .title")).to_contain_text(
        "Policy Tracker API", timeout=15_000
    )
    watch.assert_clean()


def test_admin_works_with_nothing_blocked(site, page, watch):
    get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-pw-42")
    page.goto(site + "/admin/")
    page.fill("#id_username", "root")
    page.fill("#id_password", "a-long-test-pw-42")
    page.get_by_role("button", name="Log in").click()
    page.goto(site + "/admin/policies/theme/")
    swatch = page.locator(".swatch").first
    expect(swatch).to_be_visible()
    background = swatch.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != "rgba(0, 0, 0, 0)"
    page.goto(site + "/admin/policies/statement/add/")
    expect(page.locator("#id_headline")).to_be_visible()
    watch.assert_clean()
