"""Data entry: every admin page for a superuser and an editor, nothing for anonymous users."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)

MODELS = [Source, Actor, Theme, Sector, Indicator, Plan, Target, Observation, Statement]
MODEL_IDS = [m.__name__ for m in MODELS]


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:policies_{model._meta.model_name}_{view}", args=args)


@pytest.fixture(params=["superuser", "editor"])
def staff_client(request, client, admin_user, editor):
    client.force_login(admin_user if request.param == "superuser" else editor)
    return client


@pytest.mark.parametrize("model", MODELS, ids=MODEL_IDS)
class TestEveryModel:
    def test_changelist(self, seeded, staff_client, model):
        response = staff_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200
        assert response.context["cl"].result_count == model.objects.count() > 0

    def test_changelist_search_and_every_filter_choice(self, seeded, staff_client, model):
        url = admin_url(model, "changelist")
        response = staff_client.get(url, {"q": "digital"})
        assert response.status_code == 200
        total = model.objects.count()
        for spec in response.context["cl"].filter_specs:
            for choice in spec.choices(response.context["cl"]):
                filtered = staff_client.get(url + choice["query_string"])
                assert filtered.status_code == 200, choice["query_string"]
                assert filtered.context["cl"].result_count <= total

    def test_add_page(self, seeded, staff_client, model):
        response = staff_client.get(admin_url(model, "add"))
        assert response.status_code == 200
        name = model._meta.verbose_name
        assert response.context["title"] == f"Add {name}"
        assert f"<h1>Add {name}</h1>" in response.content.decode()
        # An empty form for this model, not a record's, which the editor may save.
        form = response.context["adminform"].form
        assert (form._meta.model, form.is_bound, form.instance.pk) == (model, False, None)
        assert response.context["add"] is True
        assert response.context["has_add_permission"] is True
        assert 'name="_save"' in response.content.decode()

    def test_change_page_and_history(self, seeded, staff_client, model):
        record = model.objects.first()
        assert staff_client.get(admin_url(model, "change", record.pk)).status_code == 200
        history = staff_client.get(admin_url(model, "history", record.pk))
        assert history.status_code == 200
        assert "load_seeds" in history.content.decode()

    def test_anonymous_is_sent_to_the_login_page(self, seeded, client, model):
        for url in [
            admin_url(model, "changelist"),
            admin_url(model, "add"),
            admin_url(model, "change", model.objects.first().pk),
        ]:
            response = client.get(url)
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))

    def test_editor_cannot_delete_but_superuser_can_see_delete(
        self, seeded, client, editor, admin_user, model
    ):
        record = model.objects.first()
        client.force_login(editor)
        assert client.get(admin_url(model, "delete", record.pk)).status_code == 403
        changelist = client.get(admin_url(model, "changelist"))
        assert "delete_selected" not in changelist.content.decode()
        client.force_login(admin_user)
        assert client.get(admin_url(model, "delete", record.pk)).status_code == 200


def test_admin_index_and_login(client, db):
    assert client.get(reverse("admin:index")).status_code == 302
    assert client.get(reverse("admin:login")).status_code == 200


def test_editors_group_may_add_change_and_view_but_not_delete(db):
    codenames = set(
        Group.objects.get(name="editors").permissions.values_list("codename", flat=True)
    )
    for model in MODEL_IDS:
        name = model.lower()
        assert {f"add_{name}", f"change_{name}", f"view_{name}"} <= codenames
        assert f"delete_{name}" not in codenames


def test_non_staff_user_reaches_nothing(client, django_user_model, seeded):
    user = django_user_model.objects.create_user("reader", password="a-long-test-password-42")
    client.force_login(user)
    response = client.get(admin_url(Statement, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


class TestEditing:
    def statement_form(self, **overrides):
        report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
        data = {
            "headline": "Xi on digital clusters",
            "slug": "xi-on-digital-clusters",
            "actor": Actor.objects.get(slug="xi-jinping").pk,
            "kind": "essay",
            "status": "draft",
            "source": report.pk,
            "paragraph": "2",
            "excerpt": "pôles industriels numériques de classe mondiale",
            "wording": "partial_quotation",
            "text_en": "world-class digital industry clusters",
            "published_on": "2022-01-15",
            "delivered_on": "2021-10-18",
            "themes": [Theme.objects.get(slug="industrial-competitiveness").pk],
        }
        data.update(overrides)
        return data

    def test_editor_adds_a_statement_and_history_names_them(self, seeded, editor_client, editor):
        response = editor_client.post(admin_url(Statement, "add"), self.statement_form())
        assert response.status_code == 302, response.context["adminform"].form.errors
        statement = Statement.objects.get(slug="xi-on-digital-clusters")
        assert statement.history.latest().history_user == editor

    def test_excerpt_not_in_the_source_is_refused_and_nothing_saved(self, seeded, editor_client):
        before = Statement.objects.count()
        response = editor_client.post(
            admin_url(Statement, "add"), self.statement_form(excerpt="pôles de classe mondiale")
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "does not occur verbatim in paragraph 2" in errors["excerpt"][0]
        assert Statement.objects.count() == before

    def test_wrong_paragraph_points_to_the_right_one(self, seeded, editor_client):
        response = editor_client.post(
            admin_url(Statement, "add"), self.statement_form(paragraph="5")
        )
        errors = response.context["adminform"].form.errors
        assert "The excerpt is in paragraph 2" in errors["paragraph"][0]

    def test_dates_in_the_wrong_order_are_refused(self, seeded, editor_client):
        response = editor_client.post(
            admin_url(Statement, "add"), self.statement_form(delivered_on="2022-02-01")
        )
        assert response.status_code == 200
        assert response.context["adminform"].form.non_field_errors() == [
            "A statement cannot be delivered after it was published."
        ]
        assert not Statement.objects.filter(slug="xi-on-digital-clusters").exists()

    def test_invalid_target_in_plan_inline_saves_nothing(self, seeded, editor_client):
        plan = Plan.objects.get(slug="14th-fyp-digital-economy")
        change = editor_client.get(admin_url(Plan, "change", plan.pk))
        form = change.context["adminform"].form
        data = {name: form.initial.get(name, "") for name in form.fields}
        data.update(
            {
                "seen_version": form["seen_version"].value(),
                "issuer": plan.issuer_id,
                "source": plan.source_id,
                "themes": list(plan.themes.values_list("pk", flat=True)),
                "sectors": list(plan.sectors.values_list("pk", flat=True)),
                "signed_on": "2021-12-12",
                "published_on": "2022-01-12",
                "summary": "changed summary",
                "targets-TOTAL_FORMS": "1",
                "targets-INITIAL_FORMS": "0",
                "targets-MIN_NUM_FORMS": "0",
                "targets-MAX_NUM_FORMS": "1000",
                "targets-0-slug": "broken",
                "targets-0-indicator": Indicator.objects.get(slug="core-digital-share").pk,
                "targets-0-unit": "percent",
                "targets-0-baseline_value": "10",
                "targets-0-baseline_year": "2025",
                "targets-0-value": "12",
                "targets-0-qualifier": "exact",
                "targets-0-target_year": "2020",
                "targets-0-sense": "higher",
                "targets-0-kind": "unknown",
                "targets-0-plan": plan.pk,
            }
        )
        response = editor_client.post(admin_url(Plan, "change", plan.pk), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "The target year must come after the baseline year." in page
        assert "after you opened it" not in page  # refused for the target, not a conflict
        plan.refresh_from_db()
        assert plan.summary != "changed summary"
        assert not Target.objects.filter(slug="broken").exists()

    def test_autocomplete_for_editors(self, seeded, editor_client):
        response = editor_client.get(
            reverse("admin:autocomplete"),
            {
                "app_label": "policies",
                "model_name": "statement",
                "field_name": "sectors",
                "term": "disp",
            },
        )
        assert response.status_code == 200
        assert [r["text"] for r in response.json()["results"]] == ["Displays"]

    def test_source_page_numbers_paragraphs_for_citing(self, seeded, editor_client):
        report = Source.objects.get(slug="fr-report-xi-qiushi-digital-economy-2022-01")
        response = editor_client.get(admin_url(Source, "change", report.pk))
        assert response.content.decode().count("<li>") >= 8
