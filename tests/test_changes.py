"""The data version (the last change readers could see) and the public change logs."""

from __future__ import annotations

import pytest

from policies import changes
from policies.models import Plan, Statement, Target

pytestmark = pytest.mark.django_db

SLUG = "xi-big-but-not-strong"


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
    log = changes.change_log(statement)
    assert [change.kind for change in log.changes][:2] == ["changed", "published"]
    assert log.changes[0].fields == ["venue"]
    assert log.updated == log.changes[0].on
