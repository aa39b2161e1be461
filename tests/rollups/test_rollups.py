"""The dashboard's rollups give the same figures as the live queries, after any write."""

import datetime
import re
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from policies import filters, rollups
from policies.data_io.loads import records_import
from policies.data_io.schema import RECORD_KINDS
from policies.data_io.streaming import export_stream
from policies.filters import select
from policies.models import (
    Actor,
    Plan,
    PublicationStatus,
    Sector,
    Statement,
    StatementRollup,
    Theme,
)
from tests.factories import StatementFactory, ThemeFactory
from tests.ops.test_demo import generate
from tests.rollups import reference

pytestmark = pytest.mark.django_db


def assert_rollups_match_live(params: dict) -> None:
    """Every statement figure the dashboard shows, from the rollups and from the oracle."""
    selection = select(QueryDict(urlencode(params, doseq=True)), surface="dashboard")
    assert selection.valid, selection.errors
    scope = selection.scope
    assert scope is not None, params
    assert_counts_match(rollups.rollup_counts(scope), selection.statements, params)


def assert_counts_match(
    counts: rollups.RollupCounts,
    statements,
    params: object,
    basis: filters.DateBasis = filters.DateBasis.PUBLISHED,
) -> None:
    """``counts`` (stored or live) say what the oracle says of ``statements``."""
    themes = {t.pk: t.slug for t in Theme.objects.all()}
    sectors = {s.pk: s.slug for s in Sector.objects.all()}
    assert counts.statements == reference.count(statements), params
    first, last = reference.span(statements, basis)
    if first is None:
        assert counts.span() == (None, None), params
    else:
        assert counts.span()[0] == first.replace(day=1), params
        assert (counts.span()[1].year, counts.span()[1].month) == (last.year, last.month)
    for granularity in ("month", "quarter", "year"):
        assert sorted(
            (r["period"], r["themes__slug"] or "", r["count"])
            for r in counts.timeline(granularity, themes)
        ) == reference.timeline(statements, granularity, basis), (params, granularity)
    heatmap = counts.heatmap(themes, sectors)
    assert sorted((r["themes__slug"], r["sectors__slug"], r["count"]) for r in heatmap) == (
        reference.heatmap(statements)
    ), params
    assert counts.coverage(sectors) == reference.coverage(statements), params


def assert_consistent() -> None:
    assert rollups.stale_keys() == []
    assert_rollups_match_live({})


@pytest.fixture
def generated(empty_db):
    generate(statements=240, seed=3)


def test_every_scope_matches_the_live_queries(generated):
    assert StatementRollup.objects.exists()
    assert_rollups_match_live({})
    for sector in Sector.objects.all():  # roots include their subtrees; leaves are themselves
        assert_rollups_match_live({"sector": sector.slug})
    for theme in Theme.objects.all():
        assert_rollups_match_live({"theme": theme.slug})
    for actor in Actor.objects.all()[:10]:
        assert_rollups_match_live({"actor": actor.slug})
    for kind in Statement.Kind.values:  # some with no statement: their scope is empty
        assert_rollups_match_live({"kind": kind})
    # A kind of plans alone selects no statement: no rows, as the live filter finds.
    assert_rollups_match_live({"kind": Plan.Kind.values[0]})


def test_the_delivered_basis_takes_themes_and_sectors_from_the_rollups(generated):
    # Counted by delivery, a selection the rollups hold by publication month still has
    # their themes and sectors: only its months are counted live.
    delivered = filters.DateBasis.DELIVERED
    choices = [
        {},
        {"sector": Sector.objects.filter(parent=None).first().slug},
        {"theme": Theme.objects.first().slug},
        {"actor": Actor.objects.first().slug},
    ]
    for chosen in choices:
        params = chosen | {"date_basis": "delivered"}
        selection = select(QueryDict(urlencode(params)), surface="dashboard")
        assert selection.scope is None, params
        assert selection.undated_scope is not None, params
        published = select(QueryDict(urlencode(chosen)), surface="dashboard")
        assert selection.undated_scope == published.scope, params
        with CaptureQueriesContext(connection) as queries:
            counts = rollups.statement_counts(
                statements=selection.statements,
                scope=None,
                dated_by=filters.statement_date(delivered),
                undated_scope=selection.undated_scope,
            )
        # The scope's rollup rows, then the counts by month (one query): no pairs, no
        # sectors counted live.
        (stored, *live) = [q["sql"] for q in queries]
        assert "policies_statementrollup" in stored
        assert len(live) == 1
        assert "policies_statementrollup" not in live[0]
        assert "s.sector_id" not in live[0]
        assert_counts_match(counts, selection.statements, params, basis=delivered)
    # Dates are a filter, not a basis: they leave nothing to the rollups.
    dated = {"date_basis": "delivered", "date_after": "2015-01-01"}
    assert select(QueryDict(urlencode(dated)), surface="dashboard").undated_scope is None


def test_only_filters_the_rollups_can_answer_use_them(generated):
    sector, other = Sector.objects.filter(parent=None)[:2]
    theme = Theme.objects.first()

    def scope(params, **options):
        return select(QueryDict(urlencode(params, doseq=True)), surface="dashboard", **options)

    def valid_scope(params):
        selection = scope(params)
        assert selection.valid
        return selection.scope

    assert valid_scope({}) == ""
    assert valid_scope({"sector": sector.slug}) == f"s{sector.pk}"
    assert valid_scope({"theme": theme.slug, "sector": "", "q": ""}) == f"t{theme.pk}"
    assert valid_scope({"sector": [sector.slug, other.slug]}) is None
    assert valid_scope({"sector": sector.slug, "theme": theme.slug}) is None
    assert valid_scope({"date_after": "2015-01-01"}) is None
    assert valid_scope({"kind": "speech"}) == "kspeech"
    assert valid_scope({"kind": ["speech", "essay"]}) is None
    assert valid_scope({"kind": "speech", "actor": Actor.objects.first().slug}) is None
    assert valid_scope({"q": "data"}) is None
    # Malformed filters have no scope: the whole database's counts must never answer them.
    invalid = scope({"sector": sector.slug, "date_after": "2022-13-45"})
    assert not invalid.valid
    assert invalid.scope is None
    # The rollups count published statements only: an editor's drafts need live queries.
    assert scope({}, include_drafts=True).scope is None


def test_rollups_follow_every_kind_of_write(generated):
    assert_consistent()
    statement, second, third = Statement.objects.filter(status=PublicationStatus.PUBLISHED)[:3]
    theme = ThemeFactory()
    root, other_root = Sector.objects.filter(parent=None)[:2]
    leaf = Sector.objects.filter(parent=root).first()

    statement.status = PublicationStatus.DRAFT
    statement.save()
    assert_consistent()
    statement.status = PublicationStatus.PUBLISHED
    statement.published_on = datetime.date(2013, 5, 5)
    statement.actor = Actor.objects.exclude(pk=statement.actor_id).first()
    statement.save()
    assert_consistent()
    statement.kind = next(k for k in Statement.Kind.values if k != statement.kind)
    statement.save()
    assert_consistent()
    assert_rollups_match_live({"kind": statement.kind})

    statement.themes.add(theme)
    assert_consistent()
    statement.themes.remove(theme)
    assert_consistent()
    statement.themes.clear()
    assert_consistent()
    statement.sectors.set([leaf])
    assert_consistent()

    theme.statements.add(second, third)  # from the other side
    assert_consistent()
    theme.statements.remove(second)
    assert_consistent()
    theme.statements.clear()
    assert_consistent()

    leaf.parent = other_root  # the subtree moves: both roots' scopes change
    leaf.save()
    assert_consistent()
    assert_rollups_match_live({"sector": other_root.slug})
    assert_rollups_match_live({"sector": root.slug})

    StatementFactory(themes=[theme])
    assert_consistent()
    second.delete()
    assert_consistent()
    Statement.objects.filter(
        pk__in=list(Statement.objects.values_list("pk", flat=True)[:5])
    ).delete()
    assert_consistent()
    Theme.objects.filter(statements__isnull=False, targets=None).first().delete()
    assert_consistent()


def test_a_rolled_back_write_leaves_the_counts_as_they_were(generated):
    before = list(StatementRollup.objects.order_by("pk").values_list("scope", "measure", "n"))
    statement = Statement.objects.filter(status=PublicationStatus.PUBLISHED).first()

    def failing_edit():
        with transaction.atomic():
            statement.status = PublicationStatus.DRAFT
            statement.save()
            statement.themes.clear()
            raise RuntimeError("the editor's request failed half-way")

    with pytest.raises(RuntimeError):
        failing_edit()
    after = list(StatementRollup.objects.order_by("pk").values_list("scope", "measure", "n"))
    assert after == before
    assert_consistent()


def test_an_import_keeps_the_rollups_current_in_one_batch(generated):
    kind = RECORD_KINDS["statements"]
    queryset = select(QueryDict(), surface="statements", include_drafts=True).records
    data = b"".join(
        chunk.encode() if isinstance(chunk, str) else chunk
        for chunk in export_stream(kind, queryset, "csv", include_drafts=True)
    )
    Statement.objects.all().delete()
    assert not StatementRollup.objects.exists()
    records_import(name="statements.csv", data=data)
    assert Statement.objects.count() == 240
    assert_consistent()


def test_seeds_are_counted(seeded):
    assert_consistent()
    assert_rollups_match_live({"sector": "digital-economy"})


def test_the_dashboard_reads_the_same_with_and_without_rollups(generated, client, monkeypatch):
    sector = Sector.objects.filter(parent=None).first()
    urls = ["/", f"/sectors/{sector.slug}/", f"/themes/{Theme.objects.first().slug}/"]

    def page(url: str) -> str:
        html = client.get(url).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    from_rollups = [page(url) for url in urls]
    monkeypatch.setattr(filters, "rollup_scope", lambda cleaned: None)
    from django.core.cache import cache

    cache.clear()
    live = [page(url) for url in urls]
    assert from_rollups == live


def test_rebuild_command_checks_and_repairs(generated):
    out = StringIO()
    call_command("rebuild_rollups", "--check", stdout=out)
    assert "match" in out.getvalue()
    StatementRollup.objects.filter(scope="").update(n=1)  # counts gone wrong behind our back
    with pytest.raises(CommandError, match="differ from the statements"):
        call_command("rebuild_rollups", "--check", stdout=StringIO(), stderr=StringIO())
    call_command("rebuild_rollups", stdout=out)
    assert "Rebuilt" in out.getvalue()
    assert_consistent()
