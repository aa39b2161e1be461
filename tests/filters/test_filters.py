"""The shared filters: contract names, several values, slug or code, subtree, clear errors."""

import datetime

import pytest
from django.http import QueryDict

from policies.filters import (
    FILTERSETS,
    ObservationFilter,
    PlanFilter,
    StatementFilter,
    TargetFilter,
    select,
)
from policies.models import Sector, Target
from tests.factories import (
    ActorFactory,
    IndicatorFactory,
    ObservationFactory,
    PlanFactory,
    SectorFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def statements(query: str, *, surface: str = "statements"):
    selection = select(QueryDict(query), surface=surface)
    return selection, set(selection.records.values_list("slug", flat=True))


def count(query: str, *, surface: str) -> int:
    return select(QueryDict(query), surface=surface).records.count()


def test_filter_names_are_the_public_contract():
    shared = {"sector", "theme", "actor", "plan", "kind", "date_after", "date_before", "q"}
    assert set(PlanFilter.base_filters) == shared
    # Statements also say which of their dates the range reads.
    assert set(StatementFilter.base_filters) == shared | {"date_basis"}
    # Targets and observations are also chosen by indicator.
    for filterset in (TargetFilter, ObservationFilter):
        assert set(filterset.base_filters) == shared | {"indicator"}
    assert FILTERSETS["observations"] is ObservationFilter
    assert FILTERSETS["indicators"] is None  # exported whole, as reference data is


def test_parent_sector_includes_descendants(seeded):
    _, parent = statements("sector=electronic-information-manufacturing")
    assert parent == {"xi-focus-on-key-fields"}
    _, root = statements("sector=digital-economy")
    assert len(root) == 8


def test_sector_by_code_and_several_values(seeded):
    Sector.objects.filter(slug="6g").update(code="C6G")
    _, by_code = statements("sector=C6G")
    _, both = statements("sector=C6G&sector=displays")
    assert by_code == {"state-council-raise-digital-share-of-gdp"}
    assert both == by_code | {"xi-focus-on-key-fields"}


def test_theme_matches_without_duplicating_rows(seeded):
    selection, result = statements("theme=security&theme=key-technologies")
    assert len(result) == 4
    assert selection.records.count() == 4


def test_actor_plan_kind_dates_and_words(seeded):
    assert len(statements("actor=xi-jinping")[1]) == 6
    assert len(statements("plan=14th-fyp-digital-economy")[1]) == 8
    assert statements("kind=document")[1] == {
        "state-council-raise-digital-share-of-gdp",
        "state-council-plan-challenges",
    }
    assert len(statements("date_after=2022-01-13")[1]) == 6
    assert len(statements("date_before=2022-01-12")[1]) == 2
    assert statements("q=grande mais")[1] == {"xi-big-but-not-strong"}
    assert statements("q=BIG strong")[1] == {"xi-big-but-not-strong"}  # words, any case


def test_filters_combine(seeded):
    _, result = statements("actor=xi-jinping&sector=finance-capital&theme=security")
    assert result == {"xi-unhealthy-tendencies-threaten-security"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("sector=nowhere", "sector", "Unknown sector: “nowhere”."),
        ("theme=a&theme=b", "theme", "Unknown theme: “a”, “b”."),
        ("date_after=2022-13-45", "date_after", "Enter a valid date."),
        (
            "kind=sonnet",
            "kind",
            "Select a valid choice. sonnet is not one of the available choices.",
        ),
        ("q=" + "x" * 10_000, "q", "Ensure this value has at most 200 characters (it has 10000)."),
        ("&".join(f"sector=s{i}" for i in range(60)), "sector", "Choose at most 50 values."),
    ],
)
def test_malformed_input_is_explained_and_matches_nothing(seeded, query, field, message):
    selection, result = statements(query)
    assert not selection.valid
    assert selection.status == 400
    assert selection.errors[field] == [message]
    assert result == set()


def test_dates_in_the_wrong_order(seeded):
    selection, result = statements("date_after=2023-01-01&date_before=2022-01-01")
    assert selection.errors["__all__"] == [
        "The start date (2023-01-01) is after the end date (2022-01-01)."
    ]
    assert result == set()


def test_dashboard_kind_covers_every_record_type(seeded):
    # On the dashboard one `kind` list offers statement, plan and target kinds; each model
    # keeps its own and shows nothing for a kind that is not its own.
    dashboard = select(QueryDict("kind=five_year_plan&kind=essay"), surface="dashboard")
    assert dashboard.valid
    assert set(dashboard.statements.values_list("kind", flat=True)) == {"essay"}
    assert dashboard.plans.count() == 1
    assert dashboard.targets.count() == 0
    _, result = statements("kind=five_year_plan", surface="dashboard")
    assert result == set()
    # Elsewhere a kind that is not the list's own is malformed, as it was before.
    assert not select(QueryDict("kind=essay"), surface="plans").valid
    assert select(QueryDict("kind=five_year_plan"), surface="statements").status == 400


def test_plan_and_target_fields(seeded):
    assert count("actor=state-council&q=29号", surface="plans") == 1
    assert count("sector=6g", surface="plans") == 1
    targets = select(
        QueryDict("sector=platform-economy&theme=digital-transformation"), surface="targets"
    )
    assert set(targets.records.values_list("slug", flat=True)) == {
        "online-retail-sales",
        "e-commerce-transactions",
    }
    published = Target.objects.of_published_plans()
    unknown = published.filter(kind="unknown", plan__issuer__slug="state-council")
    assert count("kind=unknown&actor=state-council", surface="targets") == unknown.count() > 0
    # A target's dates are its plan's publication's.
    later = published.filter(plan__published_on__gte=datetime.date(2025, 1, 1))
    assert count("date_after=2025-01-01", surface="targets") == later.count()
    assert 0 < later.count() < published.count()
    # Words match the indicator's names.
    assert {
        t.indicator.slug for t in select(QueryDict("q=gigabit"), surface="targets").records
    } >= {"gigabit-users"}


def test_indicator_filters_targets_by_slug(db):
    indicator = IndicatorFactory(slug="test-jobs")
    mine = {TargetFactory(indicator=indicator).pk, TargetFactory(indicator=indicator).pk}
    other = TargetFactory()
    selection = select(QueryDict("indicator=test-jobs"), surface="targets")
    assert selection.valid
    assert set(selection.records.values_list("pk", flat=True)) == mine
    both = select(
        QueryDict(f"indicator=test-jobs&indicator={other.indicator.slug}"), surface="targets"
    )
    assert set(both.records.values_list("pk", flat=True)) == mine | {other.pk}
    # Empty means no filter, as for every other.
    assert select(QueryDict("indicator="), surface="targets").records.count() == (
        Target.objects.of_published_plans().count()
    )


@pytest.mark.parametrize("surface", ["targets", "observations"])
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("indicator=nowhere", "Unknown indicator: “nowhere”."),
        ("indicator=a&indicator=b", "Unknown indicator: “a”, “b”."),
        ("&".join(f"indicator=i{n}" for n in range(60)), "Choose at most 50 values."),
        ("indicator=a%00b", "Null characters are not allowed."),
    ],
)
def test_a_malformed_indicator_is_explained_and_matches_nothing(seeded, surface, query, message):
    selection = select(QueryDict(query), surface=surface)
    assert not selection.valid
    assert selection.status == 400
    assert selection.errors == {"indicator": [message]}
    assert not selection.records.exists()


@pytest.mark.parametrize("surface", ["dashboard", "statements", "plans"])
def test_indicator_is_not_a_filter_of_other_surfaces(seeded, surface):
    """It is ignored like any parameter a page does not read (the API refuses it)."""
    selection = select(QueryDict("indicator=gdp-growth"), surface=surface)
    assert selection.valid
    assert selection.records.count() == select(QueryDict(""), surface=surface).records.count()


def test_observations_are_chosen_through_their_indicator(db):
    parent = SectorFactory(slug="test-parent")
    sector = SectorFactory(slug="test-child", parent=parent)
    theme = ThemeFactory(slug="test-theme")
    issuer = ActorFactory(slug="test-issuer")
    plan = PlanFactory(slug="test-plan", issuer=issuer)
    draft = PlanFactory(slug="test-draft", status="draft", issuer=issuer)
    tagged = IndicatorFactory(slug="tagged", sector=sector, theme=theme, name_en="Zebra count")
    targeted = IndicatorFactory(slug="targeted")
    drafted = IndicatorFactory(slug="drafted")
    untargeted = IndicatorFactory(slug="untargeted", aliases_fr="nombre de licornes")
    TargetFactory(plan=plan, indicator=targeted, kind="binding")
    TargetFactory(plan=draft, indicator=drafted, kind="binding")
    for indicator in (tagged, targeted, drafted, untargeted):
        ObservationFactory(indicator=indicator)
    ObservationFactory(indicator=untargeted, period="2024", verified=False, note="Quokka")

    def indicators(query: str) -> list[str]:
        selection = select(QueryDict(query), surface="observations")
        assert selection.valid, selection.errors
        return sorted(selection.records.values_list("indicator__slug", flat=True))

    # Every observation, verified or not, whatever plan sets a target on its indicator.
    assert {"tagged", "targeted", "drafted", "untargeted"} <= set(indicators(""))
    assert indicators("indicator=untargeted") == ["untargeted", "untargeted"]
    # The indicator's own sector (a parent includes its subtree) and theme.
    assert indicators("sector=test-parent") == ["tagged"]
    assert indicators("theme=test-theme") == ["tagged"]
    # Plan, actor and kind: the indicators that published plans' targets are set on.
    assert indicators("plan=test-plan") == ["targeted"]
    assert indicators("actor=test-issuer") == ["targeted"]
    assert "drafted" not in indicators("kind=binding")
    assert "targeted" in indicators("kind=binding")
    assert indicators("kind=binding&indicator=tagged") == []
    # Words: the indicator's names and aliases, and the figure's note.
    assert indicators("q=zebra") == ["tagged"]
    assert indicators("q=licornes") == ["untargeted", "untargeted"]
    assert indicators("q=quokka") == ["untargeted"]


def test_observation_dates_read_the_period_measured(db):
    indicator = IndicatorFactory(slug="periods")
    for period in ("2022", "2023-01", "2023-12", "2024"):
        ObservationFactory(indicator=indicator, period=period, source=SourceFactory())

    def periods(query: str) -> list[str]:
        selection = select(QueryDict(f"indicator=periods&{query}"), surface="observations")
        return sorted(selection.records.values_list("period", flat=True))

    assert periods("date_after=2023-06-15") == ["2023-12", "2024"]
    assert periods("date_before=2023-06-15") == ["2022", "2023-01"]
    # A range within one year: that year's months, and no other year's figure.
    assert periods("date_after=2023-01-01&date_before=2023-12-31") == ["2023-01", "2023-12"]
    assert periods("date_after=2022-12-31&date_before=2022-12-31") == ["2022"]


def test_draft_plans_are_not_offered_as_a_filter(db):
    draft = PlanFactory(status="draft", slug="secret-plan")
    StatementFactory().plans.add(draft)
    selection, result = statements("plan=secret-plan")
    assert selection.errors["plan"] == ["Unknown plan: “secret-plan”."]
    assert result == set()


def test_sector_choices_read_as_a_tree(empty_db):
    root = SectorFactory(name="Digital economy")
    SectorFactory(name="6G", parent=root)
    ThemeFactory()
    labels = [label for _value, label in StatementFilter().form.fields["sector"].choices]
    assert labels == ["Digital economy", "— 6G"]


# The seeds published on 2022-01-15 (Xi's essay); the plan's two came out on 2022-01-12.
PUBLISHED_2022_01_15 = {
    "xi-focus-on-key-fields",
    "xi-world-class-digital-industry-clusters",
    "xi-big-but-not-strong",
    "xi-prevent-monopolies-and-disorderly-capital",
    "xi-unhealthy-tendencies-threaten-security",
    "xi-early-warning-and-security-system",
}


def test_published_on_boundaries_are_inclusive(seeded):
    StatementFactory(published_on=datetime.date(2022, 1, 15), slug="edge")
    StatementFactory(published_on=datetime.date(2022, 1, 16), slug="day-after")
    both = statements("date_after=2022-01-15&date_before=2022-01-15")[1]
    assert both == PUBLISHED_2022_01_15 | {"edge"}


@pytest.mark.parametrize("path", ["/", "/themes/security/", "/statements/", "/plans/"])
def test_a_plan_value_holding_nul_is_refused_not_queried_by_the_form(seeded, client, path):
    # Found by the fuzz test on PostgreSQL, which cannot compare text holding NUL: the
    # refused value went back into the plan list's query while the form was drawn.
    response = client.get(path, {"plan": "a\x00b"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
