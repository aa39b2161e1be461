"""Synthetic benchmark data: reproducible, marked, and as valid as real data."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme
from policies.models.excerpts import verify_excerpt

pytestmark = pytest.mark.django_db


def generate(statements: int = 300, seed: int = 7) -> str:
    out = StringIO()
    call_command(
        "generate_demo_data", "--statements", str(statements), "--seed", str(seed), stdout=out
    )
    return out.getvalue()


def fingerprint() -> list[tuple]:
    return list(
        Statement.objects.order_by("slug").values_list(
            "slug", "headline", "excerpt", "paragraph", "published_on", "actor__slug", "status"
        )
    ) + list(
        Statement.themes.through.objects.order_by("statement__slug", "theme__slug").values_list(
            "statement__slug", "theme__slug"
        )
    )


def test_same_seed_same_data(empty_db):
    generate(seed=7)
    first = fingerprint()
    for model in [Statement, Observation, Target, Plan, Source, Theme, Actor]:
        model.objects.all().delete()
    for sector in sorted(Sector.objects.all(), key=lambda s: -s.depth):
        sector.delete()
    generate(seed=7)
    assert fingerprint() == first
    generate(seed=8)
    assert Statement.objects.count() == 600


def test_every_record_is_marked_synthetic(empty_db):
    assert "Generated 300 synthetic statements" in generate()
    for model in [Statement, Plan, Source, Actor, Theme, Sector]:
        assert model.objects.filter(synthetic=False).count() == 0, model
        assert model.objects.exclude(slug__startswith="synthetic-").count() == 0, model
    assert not Statement.objects.exclude(headline__startswith="Synthetic statement").exists()
    assert Plan.objects.count() == 300 // 50 + 1
    assert Target.objects.filter(plan__synthetic=False).count() == 0


def test_synthetic_records_keep_every_invariant(empty_db):
    generate()
    for statement in Statement.objects.select_related("source"):
        verify_excerpt(statement.source, paragraph=statement.paragraph, excerpt=statement.excerpt)
    for model in [Statement, Plan, Target, Observation, Sector]:
        for record in model.objects.all()[:50]:
            record.full_clean()
    assert Statement.objects.filter(themes=None).count() == 0
    assert Observation.objects.filter(verified=True, source=None).count() == 0


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
