"""The numbers in the admin: an indicator with its figures inline, a target beside its
indicator's series, and bad input refused on the form with nothing saved."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from policies.models import Actor, Indicator, Observation, Plan, Source, Target
from tests.admin.test_conflicts import posted
from tests.admin.test_records import admin_url
from tests.factories import IndicatorFactory, ObservationFactory, TargetFactory

pytestmark = pytest.mark.django_db

PERIOD_MESSAGE = (
    "Write the period as a year (2024) or a year and its month (2025-06); a month period "
    "needs its month, from 01 to 12."
)


def page_of(response) -> str:
    return response.content.decode()


def errors_of(response) -> list[str]:
    """Every error the change form shows: the record's, and its inline rows'."""
    form = response.context["adminform"].form
    found = [str(e) for errors in form.errors.values() for e in errors]
    for inline in response.context["inline_admin_formsets"]:
        found += [str(e) for e in inline.formset.non_form_errors()]
        for row in inline.formset.forms:
            found += [str(e) for errors in row.errors.values() for e in errors]
    return found


def indicator_form(**fields) -> dict:
    data = {
        "name": "千兆宽带用户数（测试）",
        "name_en": "Gigabit users (test)",
        "slug": "gigabit-users-test",
        "unit": "wan-households",
        "kind": "level",
        "observations-TOTAL_FORMS": "0",
        "observations-INITIAL_FORMS": "0",
        "observations-MIN_NUM_FORMS": "0",
        "observations-MAX_NUM_FORMS": "1000",
    }
    return data | fields


def inline_rows(*rows: dict) -> dict:
    data = {"observations-TOTAL_FORMS": str(len(rows))}
    for n, row in enumerate(rows):
        data |= {f"observations-{n}-{name}": value for name, value in row.items()}
    return data


@pytest.fixture
def report(seeded) -> Source:
    return Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")


class TestIndicatorWithItsFigures:
    def test_add_and_change_pages_render_with_the_figures_inline(self, seeded, editor_client):
        add = editor_client.get(admin_url(Indicator, "add"))
        assert add.status_code == 200
        assert 'name="observations-TOTAL_FORMS"' in page_of(add)
        indicator = Indicator.objects.get(slug="core-digital-share")
        change = editor_client.get(admin_url(Indicator, "change", indicator.pk))
        (inline,) = change.context["inline_admin_formsets"]
        assert len(inline.formset.forms) == indicator.observations.count() > 0
        # The targets set on it, from every plan, are listed read-only.
        targets = indicator.targets.select_related("plan")
        assert targets.exists()
        for target in targets:
            assert f"{target.target_year}: " in page_of(change)
            assert target.plan.title_en in page_of(change)

    def test_an_indicator_is_saved_with_its_figures_converted(self, seeded, editor_client, report):
        data = indicator_form() | inline_rows(
            {
                "period": "2024",
                "value": "2.07",
                "unit": "yi-households",
                "qualifier": "about",
                "verified": "on",
                "source": report.pk,
                "locator": "p. 3",
            },
            {"period": "2025-06", "value": "22000", "unit": "", "qualifier": "at_least"},
        )
        response = editor_client.post(admin_url(Indicator, "add"), data)
        assert response.status_code == 302, errors_of(response)
        indicator = Indicator.objects.get(slug="gigabit-users-test")
        figures = list(indicator.observations.by_period())
        assert [(f.period, f.year, f.month, f.indicator_value, f.verified) for f in figures] == [
            ("2024", 2024, None, Decimal("20700"), True),
            ("2025-06", 2025, 6, Decimal("22000"), False),
        ]
        assert indicator.history.latest().history_user.username == "editor"

    def test_a_figure_in_a_unit_that_does_not_convert_saves_nothing(
        self, seeded, editor_client, report
    ):
        data = indicator_form() | inline_rows(
            {"period": "2024", "value": "2", "unit": "wan-yi-yuan", "qualifier": "exact"},
        )
        response = editor_client.post(admin_url(Indicator, "add"), data)
        assert response.status_code == 200
        (error,) = errors_of(response)
        assert "万亿元 (trillion yuan)" in error
        assert "万户 (10,000 households)" in error
        assert not Indicator.objects.filter(slug="gigabit-users-test").exists()
        assert not Observation.objects.filter(note="", period="2024", value=2).exists()

    def test_a_figure_edited_meanwhile_is_not_overwritten(self, seeded, editor, admin_user):
        first, second = Client(), Client()
        first.force_login(editor)
        second.force_login(admin_user)
        indicator = Indicator.objects.get(slug="core-digital-share")
        url = admin_url(Indicator, "change", indicator.pk)
        mine = posted(first.get(url))
        figure = indicator.observations.order_by("pk").first()
        row = next(
            k.removesuffix("-id") for k, v in mine.items() if k.endswith("-id") and v == figure.pk
        )
        # The other editor changes the figure on its own page.
        figure_url = admin_url(Observation, "change", figure.pk)
        theirs = posted(second.get(figure_url)) | {"note": "Checked again"}
        assert second.post(figure_url, theirs).status_code == 302
        refused = first.post(url, mine | {f"{row}-note": "Mine"})
        assert refused.status_code == 200
        assert "after you opened it" in page_of(refused)
        assert Observation.objects.get(pk=figure.pk).note == "Checked again"
        # Opened again, it saves.
        fresh = posted(first.get(url))
        fresh[f"{row}-note"] = "Mine, after theirs"
        assert first.post(url, fresh).status_code == 302
        assert Observation.objects.get(pk=figure.pk).note == "Mine, after theirs"

    def test_its_unit_cannot_change_under_its_figures(self, seeded, editor_client):
        indicator = Indicator.objects.get(slug="gigabit-users")
        url = admin_url(Indicator, "change", indicator.pk)
        data = posted(editor_client.get(url)) | {"unit": "yi-households"}
        response = editor_client.post(url, data)
        assert response.status_code == 200
        assert any("unit cannot change" in e for e in errors_of(response))
        assert Indicator.objects.get(pk=indicator.pk).unit == "wan-households"


class TestBadInputOnTheAddForms:
    def observation_form(self, report, **fields) -> dict:
        return {
            "indicator": Indicator.objects.get(slug="gigabit-users").pk,
            "period": "2025",
            "value": "2.5",
            "unit": "yi-households",
            "qualifier": "exact",
            "source": report.pk,
            "note": "posted by the test",
        } | fields

    def test_a_figure_is_added(self, editor_client, report):
        response = editor_client.post(admin_url(Observation, "add"), self.observation_form(report))
        assert response.status_code == 302, errors_of(response)
        figure = Observation.objects.get(note="posted by the test")
        assert (figure.year, figure.indicator_value) == (2025, Decimal("25000"))

    def test_a_unit_that_does_not_convert_is_refused_naming_both(self, editor_client, report):
        response = editor_client.post(
            admin_url(Observation, "add"), self.observation_form(report, unit="percent")
        )
        assert response.status_code == 200
        (message,) = response.context["adminform"].form.errors["unit"]
        assert "% (per cent)" in message
        assert "万户 (10,000 households)" in message
        assert message in page_of(response)
        assert not Observation.objects.filter(note="posted by the test").exists()

    @pytest.mark.parametrize("period", ["2025-", "2025-13", "2025-00"])
    def test_a_period_without_its_month_is_refused(self, editor_client, report, period):
        response = editor_client.post(
            admin_url(Observation, "add"), self.observation_form(report, period=period)
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["period"] == [PERIOD_MESSAGE]
        assert not Observation.objects.filter(note="posted by the test").exists()

    def target_form(self, **fields) -> dict:
        return {
            "plan": Plan.objects.get(slug="14th-fyp-digital-economy").pk,
            "slug": "posted-by-the-test",
            "indicator": Indicator.objects.get(slug="gigabit-users").pk,
            "value": "0.3",
            "unit": "yi-households",
            "qualifier": "exact",
            "target_year": "2027",
            "sense": "higher",
            "kind": "unknown",
        } | fields

    def test_a_target_is_added_in_the_indicators_unit(self, seeded, editor_client):
        response = editor_client.post(admin_url(Target, "add"), self.target_form())
        assert response.status_code == 302, errors_of(response)
        assert Target.objects.get(slug="posted-by-the-test").target_value == Decimal("3000")

    @pytest.mark.parametrize(
        ("qualifier", "sense"),
        [("at_least", "lower"), ("at_least", "near"), ("at_most", "higher"), ("at_most", "near")],
    )
    def test_a_qualifier_against_the_sense_is_refused(
        self, seeded, editor_client, qualifier, sense
    ):
        response = editor_client.post(
            admin_url(Target, "add"), self.target_form(qualifier=qualifier, sense=sense)
        )
        assert response.status_code == 200
        message = (
            "The qualifier contradicts the sense: “at least” goes with higher is better, and "
            "“at most” with lower is better."
        )
        assert response.context["adminform"].form.non_field_errors() == [message]
        assert not Target.objects.filter(slug="posted-by-the-test").exists()

    def test_a_target_unit_that_does_not_convert_is_refused(self, seeded, editor_client):
        response = editor_client.post(
            admin_url(Target, "add"), self.target_form(unit="wan-yi-yuan")
        )
        assert response.status_code == 200
        (message,) = response.context["adminform"].form.errors["unit"]
        assert "万亿元 (trillion yuan)" in message
        assert "万户 (10,000 households)" in message
        assert not Target.objects.filter(slug="posted-by-the-test").exists()


class TestTargetPage:
    def test_it_shows_its_indicators_series_as_an_escaped_table(self, seeded, editor_client):
        indicator = IndicatorFactory(unit="wan-households", kind="level")
        target = TargetFactory(
            indicator=indicator,
            value=Decimal("6000"),
            unit="wan-households",
            baseline_value=Decimal("640"),
        )
        ObservationFactory(indicator=indicator, period="2023", value=Decimal("16300"))
        ObservationFactory(
            indicator=indicator,
            period="2024",
            value=Decimal("2.07"),
            unit="yi-households",
            source=None,
            verified=False,
            note='<script>alert("x")</script>',
        )
        response = editor_client.get(admin_url(Target, "change", target.pk))
        page = page_of(response)
        table = page[page.index('<table class="indicator-series">') :]
        table = table[: table.index("</table>")]
        assert table.count("<tr>") == 3  # the heading and two figures
        assert "163 million households (16,300 × 10,000; 16,300 万户)" in table
        assert "207 million households (2.07 × 10⁸; 2.07 亿户)" in table
        assert "no: unverified" in table
        assert "<script>" not in table
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in table
        # Judged on the counted figure: 16,300 ≥ 6,000 by 2025.
        assert "achieved (on the figure for 2023)" in page

    def test_a_past_version_shows_the_series_too(self, seeded, editor_client):
        target = Target.objects.get(
            plan__slug="14th-fyp-digital-economy", slug="ipv6-active-users"
        )
        version = target.history.earliest()
        url = reverse("admin:policies_target_simple_history", args=[target.pk, version.pk])
        page = page_of(editor_client.get(url))
        assert '<table class="indicator-series">' in page
        assert "achieved (on the figure for 2025-06)" in page

    def test_a_new_target_shows_no_series_yet(self, seeded, editor_client):
        response = editor_client.get(admin_url(Target, "add"))
        assert "Shown once the target is saved." in page_of(response)

    def test_the_lists_filter_and_search_by_indicator(self, seeded, editor_client):
        indicator = Indicator.objects.get(slug="core-digital-share")
        for model in (Target, Observation):
            url = admin_url(model, "changelist")
            filtered = editor_client.get(url, {"indicator__id__exact": indicator.pk})
            expected = model.objects.filter(indicator=indicator).count()
            assert filtered.context["cl"].result_count == expected > 0, model
            searched = editor_client.get(url, {"q": "core-digital-share"})
            assert searched.context["cl"].result_count == expected, model

    def test_the_target_list_shows_each_status_today(self, seeded, editor_client):
        response = editor_client.get(admin_url(Target, "changelist"))
        assert "status today" in page_of(response)


def test_a_plan_lists_its_co_issuers(seeded, editor_client):
    plan = Plan.objects.get(slug="14th-fyp-digital-economy")
    url = admin_url(Plan, "change", plan.pk)
    data = posted(editor_client.get(url))
    co_issuers = list(Actor.objects.exclude(pk=plan.issuer_id).order_by("pk")[:2])
    data["co_issuers"] = [actor.pk for actor in co_issuers]
    response = editor_client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    assert set(plan.co_issuers.all()) == set(co_issuers)
    assert 'name="co_issuers"' in page_of(editor_client.get(url))
