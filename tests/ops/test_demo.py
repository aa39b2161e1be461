"""Synthetic benchmark data: reproducible, marked, and as valid as real data."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from policies import search, units
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    StatementSearch,
    Target,
    Theme,
)
from policies.models.excerpts import verify_excerpt
from policies.ops import demo
from policies.progress import Status
from policies.selectors import target_rows

pytestmark = pytest.mark.django_db


def generate(statements: int = 300, seed: int = 7) -> str:
    out = StringIO()
    call_command(
        "generate_demo_data", "--statements", str(statements), "--seed", str(seed), stdout=out
    )
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return (
        list(
            Statement.objects.order_by("slug").values_list(
                "slug", "headline", "excerpt", "paragraph", "published_on", "actor__slug", "status"
            )
        )
        + list(
            Statement.themes.through.objects.order_by(
                "statement__slug", "theme__slug"
            ).values_list("statement__slug", "theme__slug")
        )
        + list(
            Target.objects.order_by("plan__slug", "slug").values_list(
                "plan__slug", "slug", "indicator__slug", "value", "unit", "qualifier", "sense"
            )
        )
        + list(
            Observation.objects.order_by("indicator__slug", "period", "pk").values_list(
                "indicator__slug", "period", "value", "qualifier", "verified"
            )
        )
    )


def test_same_seed_same_data(empty_db):
    generate(seed=7)
    first = fingerprint()
    for model in [Statement, Observation, Target, Indicator, Plan, Source, Theme, Actor]:
        model.objects.all().delete()
    for sector in sorted(Sector.objects.all(), key=lambda s: -s.depth):
        sector.delete()
    generate(seed=7)
    assert fingerprint() == first
    generate(seed=8)
    assert Statement.objects.count() == 600


def test_every_record_is_marked_synthetic(empty_db):
    assert "Generated 300 synthetic statements" in generate()
    for model in [Statement, Plan, Indicator, Source, Actor, Theme, Sector]:
        assert model.objects.exists(), model
        assert model.objects.filter(synthetic=False).count() == 0, model
        assert model.objects.exclude(slug__startswith="synthetic-").count() == 0, model
    assert not Statement.objects.exclude(headline__startswith="Synthetic statement").exists()
    assert not Indicator.objects.exclude(name_en__startswith="Synthetic indicator").exists()
    assert Plan.objects.count() == 300 // 50 + 1
    assert Target.objects.count() == 3 * Plan.objects.count()
    assert Target.objects.filter(plan__synthetic=False).count() == 0
    assert Observation.objects.filter(indicator__synthetic=False).count() == 0


def test_synthetic_records_keep_every_invariant(empty_db):
    generate()
    for statement in Statement.objects.select_related("source"):
        verify_excerpt(statement.source, paragraph=statement.paragraph, excerpt=statement.excerpt)
    for model in [Statement, Plan, Indicator, Target, Observation, Sector]:
        for record in model.objects.all()[:50]:
            record.full_clean()
    assert Statement.objects.filter(themes=None).count() == 0
    assert Observation.objects.filter(verified=True, source=None).count() == 0
    # The values derived on save (bypassed by bulk_create) are what a save would derive.
    for target in Target.objects.select_related("indicator"):
        derived = units.convert(target.value, from_unit=target.unit, to_unit=target.indicator.unit)
        assert target.target_value == derived, target
    for observation in Observation.objects.all():
        year, _sep, month = observation.period.partition("-")
        assert (observation.year, observation.month) == (int(year), int(month) if month else None)
        assert observation.indicator_value == observation.value


def test_the_series_exercise_the_status_rules_and_the_units(empty_db):
    generate(statements=1000)
    # Targets written in another unit than their indicator's, converted.
    assert Target.objects.filter(unit="yi-households", indicator__unit="wan-households").exists()
    assert {"at_least", "at_most", "about", "exact"} <= set(
        Target.objects.values_list("qualifier", flat=True)
    )
    assert Plan.objects.filter(start_year=F("end_year")).exists()  # one-year plans
    rows = target_rows(targets=Target.objects.with_series(), today=datetime.date(2026, 6, 1))
    statuses = {row.progress.status for row in rows}
    assert {Status.ACHIEVED, Status.MISSED, Status.AWAITING_RESULT} <= statuses, statuses
    assert statuses & {Status.ON_TRACK, Status.BEHIND}, statuses
    assert Observation.objects.filter(verified=False, source=None).exists()
    assert Observation.objects.filter(month=6).exists()


def test_frequencies_are_skewed_like_real_trackers(empty_db):
    generate(statements=2000)
    counts = sorted((t.statements.count() for t in Theme.objects.all()), reverse=True)
    assert counts[0] > 4 * counts[-1]


def test_same_seed_twice_is_refused_clearly(empty_db):
    generate(seed=9, statements=10)
    with pytest.raises(CommandError, match="already in this database; use another --seed"):
        generate(seed=9, statements=10)
    with pytest.raises(CommandError, match="positive"):
        generate(statements=0)


def test_pages_serve_synthetic_data(empty_db, client):
    generate(statements=500)
    assert client.get("/").status_code == 200
    sector = Sector.objects.filter(parent=None).first()
    response = client.get("/", {"sector": sector.slug})
    assert response.status_code == 200
    assert response.context["counts"].statements > 0


def test_every_statement_gets_its_search_terms_a_batch_at_a_time(empty_db, monkeypatch):
    # Written after the records commit, in several transactions: none is left out at a
    # batch's edge.
    monkeypatch.setattr(demo, "SEARCH_BATCH", 7)
    generate(seed=7)
    assert Statement.objects.count() > 7 * 3
    assert StatementSearch.objects.count() == Statement.objects.count()
    assert search.stale_statements() == []
