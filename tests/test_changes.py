"""The data version (the last change readers could see) and the public change logs."""

from __future__ import annotations

import datetime

import pytest

from policies import changes
from policies.models import Indicator, Observation, Plan, Statement, Target, Theme
from tests.factories import ObservationFactory, SourceFactory

pytestmark = pytest.mark.django_db

SLUG = "xi-big-but-not-strong"


def spread_out(record, minutes: int = 5) -> None:
    """Each of the record's history rows since the seeds a few minutes after the one
    before, as edits by people are: rows seconds apart read as one change."""
    history = type(record).history.model
    rows = list(history.objects.filter(id=record.pk).order_by("history_id"))
    first = rows[0].history_date - datetime.timedelta(days=1)
    for n, row in enumerate(rows):
        history.objects.filter(history_id=row.history_id).update(
            history_date=first + datetime.timedelta(minutes=minutes * n)
        )


def test_changes_readers_never_saw_leave_the_data_version(seeded):
    before = changes._latest_change()
    assert before is not None
    assert changes.data_updated_on() == before.date()
    statement = Statement.objects.get(slug=SLUG)
    statement.status = "draft"
    statement.save()  # taken out of print: readers see it go
    unpublished = changes._latest_change()
    assert unpublished > before
    statement.headline = "A draft's new headline"
    statement.save()  # a draft's edit: no reader sees it
    assert changes._latest_change() == unpublished
    statement.delete()  # a draft deleted
    assert changes._latest_change() == unpublished
    plan = Plan.objects.get(slug="14th-fyp-digital-economy")
    Plan.objects.filter(pk=plan.pk).update(status="draft")
    target = Target.objects.filter(plan=plan).first()
    target.notes = "edited while the plan is a draft"
    target.save()  # a target of an unpublished plan
    assert changes._latest_change() == unpublished
    draft = SourceFactory(status="draft")  # a source the intake made, under review
    draft.save()  # (a draft source's own edits: no reader sees them either)
    ObservationFactory(indicator=Indicator.objects.first(), period="2031", source=draft)
    assert changes._latest_change() == unpublished


def test_publishing_and_editing_published_records_move_it(seeded):
    before = changes._latest_change()
    statement = Statement.objects.get(slug=SLUG)
    statement.headline = "A clearer headline"
    statement.save()
    edited = changes._latest_change()
    assert edited > before
    target = Target.objects.first()
    target.notes = "a note readers see"
    target.save()
    assert changes._latest_change() > edited


def test_the_change_log_shows_only_published_states(seeded):
    statement = Statement.objects.get(slug=SLUG)
    statement.status = "draft"
    statement.headline = "Drafted again"
    statement.save()
    statement.headline = "Drafted twice"
    statement.save()
    statement.status = "published"
    statement.save()
    statement.venue = "A corrected venue"
    statement.save()
    spread_out(statement)
    log = changes.change_log(statement)
    assert [change.kind for change in log.changes][:2] == ["changed", "published"]
    assert log.changes[0].fields == ["venue"]
    assert log.updated == log.changes[0].on


def test_a_save_and_its_tags_are_one_change_and_tags_are_listed(seeded):
    statement = Statement.objects.get(slug=SLUG)
    # The seed load wrote a row for the statement, then one per set of tags: one change.
    assert [c.kind for c in changes.change_log(statement).changes] == ["created"]
    statement.headline = "A clearer headline"
    statement.save()
    statement.themes.set(Theme.objects.filter(slug="security"))
    assert [(c.kind, c.fields) for c in changes.change_log(statement).changes] == [
        ("changed", ["headline", "themes"]),
        ("created", []),
    ]


def test_an_indicator_and_its_figures_are_public_whatever_their_plans(seeded):
    """An indicator's page shows its series whether or not any plan is published: a change
    to the indicator or to one of its figures moves the data version, even when every plan
    that sets a target on it is a draft."""
    indicator = Indicator.objects.get(slug="core-digital-share")
    Plan.objects.filter(targets__indicator=indicator).update(status="draft")
    before = changes._latest_change()
    indicator.definition = "A clearer definition"
    indicator.save()
    edited = changes._latest_change()
    assert edited > before
    figure = indicator.observations.order_by("pk").first()
    figure.locator = "Table 2"
    figure.save()
    assert changes._latest_change() > edited


def test_the_change_log_of_an_indicator_lists_its_changed_fields(seeded):
    indicator = Indicator.objects.get(slug="gigabit-users")
    assert [c.kind for c in changes.change_log(indicator).changes] == ["created"]
    indicator.definition = "Fixed broadband subscribers at gigabit speeds."
    indicator.aliases_en += "\nGigabit subscribers"
    indicator.save()
    spread_out(indicator)
    log = changes.change_log(indicator)
    assert [(c.kind, c.fields) for c in log.changes] == [
        ("changed", ["English aliases", "definition"]),
        ("created", []),
    ]


def test_the_change_log_of_a_figure_follows_its_revisions(seeded):
    figure = Observation.objects.filter(indicator__slug="gigabit-users").order_by("pk").first()
    figure.note = "Checked against the bulletin."
    figure.verified = True
    figure.save()
    spread_out(figure)
    log = changes.change_log(figure)
    assert log.changes[0].kind == "changed"
    assert set(log.changes[0].fields) <= {"note", "verified"}
    assert "note" in log.changes[0].fields
