"""A draft source (what the intake makes of a new document) hides everything that hangs off
it, everywhere readers look; a published record can never cite one."""

import json

import pytest
from django.core.exceptions import ValidationError

from policies import scorecards
from policies.models import Observation, Plan, PublicationStatus, Source
from tests.factories import (
    ObservationFactory,
    PlanFactory,
    SourceFactory,
    StatementFactory,
    TargetFactory,
)

DRAFT = PublicationStatus.DRAFT
PUBLISHED = PublicationStatus.PUBLISHED

pytestmark = pytest.mark.django_db


def _error(record) -> dict:
    with pytest.raises(ValidationError) as caught:
        record.full_clean()
    return caught.value.message_dict


def test_a_new_source_is_published_unless_the_intake_makes_it():
    assert Source._meta.get_field("status").default == PUBLISHED


def test_a_statement_cannot_be_published_from_a_draft_source():
    statement = StatementFactory.build(source=SourceFactory(status=DRAFT), status=PUBLISHED)
    statement.actor.save()
    assert "Publish the source first" in " ".join(_error(statement)["status"])


def test_a_statement_from_a_draft_source_may_stay_a_draft():
    statement = StatementFactory(source=SourceFactory(status=DRAFT), status=DRAFT)
    statement.full_clean()


def test_a_statement_cannot_be_published_when_its_origin_is_a_draft():
    statement = StatementFactory(origin=SourceFactory(status=DRAFT), status=DRAFT)
    statement.status = PUBLISHED
    assert "status" in _error(statement)


def test_a_plan_cannot_be_published_from_a_draft_source():
    plan = PlanFactory(source=SourceFactory(status=DRAFT), status=DRAFT)
    plan.full_clean()
    plan.status = PUBLISHED
    assert "status" in _error(plan)


def test_a_source_cannot_return_to_draft_under_published_records():
    statement = StatementFactory()
    source = statement.source
    source.status = DRAFT
    message = " ".join(_error(source)["status"])
    assert statement.headline in message
    statement.status = DRAFT
    statement.save()
    source.full_clean()


@pytest.fixture
def hidden(seeded):
    """A draft source with a target of a published plan and a figure hanging off it."""
    source = SourceFactory(status=DRAFT, title="Draft wire", slug="draft-wire")
    target = TargetFactory(plan=PlanFactory(), source=source, paragraph=1, excerpt="chips")
    figure = ObservationFactory(indicator=target.indicator, source=source, verified=False)
    return source, target, figure


def test_readers_see_nothing_of_a_draft_source(client, hidden):
    source, target, _figure = hidden
    plan, indicator = target.plan, target.indicator
    assert "Draft wire" not in client.get("/sources/").content.decode()
    assert client.get(f"/sources/{source.pk}/").status_code == 404
    assert client.get(f"/targets/{target.pk}/").status_code == 404
    # The published plan shows it no target: not on its page, its list row or the API.
    plan_page = client.get(f"/plans/{plan.slug}/").content.decode()
    assert plan.title_en in plan_page
    assert indicator.name_en not in plan_page
    assert Plan.objects.with_target_count().get(pk=plan.pk).target_count == 0
    assert client.get(f"/api/v1/plans/{plan.slug}/").json()["targets"] == []
    api_sources = json.loads(client.get("/api/v1/sources/?page_size=100").content)
    assert "draft-wire" not in {s["slug"] for s in api_sources["results"]}
    api_targets = client.get(f"/api/v1/targets/?plan={plan.slug}").json()
    assert api_targets["count"] == 0
    api_indicator = client.get(f"/api/v1/indicators/{indicator.slug}/").json()
    assert (api_indicator["observations"], api_indicator["targets"]) == ([], [])
    # The indicators' list counts no target of the draft source.
    row = next(r for r in scorecards.indicator_list() if r.indicator.pk == indicator.pk)
    assert row.targets == 0
    export = client.get("/export/observations.csv")
    assert "draft-wire" not in b"".join(export.streaming_content).decode()


def test_a_revision_from_a_draft_source_does_not_replace_a_published_figure(seeded):
    figure = ObservationFactory(period="2020", verified=True)
    revision = ObservationFactory(
        indicator=figure.indicator,
        period="2020",
        source=SourceFactory(status=DRAFT),
        supersedes=figure,
        verified=True,
    )
    counted = Observation.objects.public().counted()
    assert set(counted.filter(indicator=figure.indicator)) == {figure}
    revision.source.status = PUBLISHED
    revision.source.save()
    assert set(counted.filter(indicator=figure.indicator)) == {revision}


def test_publishing_the_source_shows_them(client, hidden):
    source, target, _figure = hidden
    source.status = PUBLISHED
    source.save()
    assert client.get(f"/sources/{source.pk}/").status_code == 200
    assert client.get(f"/targets/{target.pk}/").status_code == 200
    indicator = client.get(f"/api/v1/indicators/{target.indicator.slug}/").json()
    assert len(indicator["observations"]) == 1
