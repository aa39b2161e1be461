"""Each page's facets and chips: a scope page without its own, a list counting its facets
once per data version."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from policies.filters import chips, facets, select
from policies.models import Statement
from policies.querysets import PublicationStatus
from policies.web.pages import dashboard_context
from tests.filters.facets.reading import counts, ours

pytestmark = pytest.mark.django_db


def test_a_scope_page_hides_its_own_facet_and_chip(world):
    data = QueryDict("sector=f-r&theme=f-theme-b")
    selection = select(data, surface="dashboard")
    found = {f.name: f for f in facets(selection, hide="sector")}
    assert set(found) == {"theme", "actor", "plan", "kind"}
    # Under sector R: s1, s2, s3, s6 have A, B, A and C.
    assert ours(found["theme"]) == {"f-theme-a": 3, "f-theme-b": 2, "f-theme-c": 1}
    made = chips(selection, data, hide="sector")
    assert [(c.name, c.label, c.remove) for c in made] == [("theme", "Theme: Beta theme", "?")]


def test_every_surface_passes_its_facets_and_chips(world, client):
    for url, names in [
        ("/statements/?theme=f-theme-a", ["sector", "theme", "actor", "plan", "kind"]),
        ("/plans/?theme=f-theme-a", ["sector", "theme", "actor", "kind"]),
        ("/targets/?theme=f-theme-a", ["sector", "theme", "actor", "plan", "indicator", "kind"]),
    ]:
        context = client.get(url).context
        assert [f.name for f in context["facets"]] == names, url
        assert [c.label for c in context["chips"]] == ["Theme: Alpha theme"], url
    # The dashboard's body, as a scope page draws it: without the scope's facet and chip.
    status, context = dashboard_context(QueryDict("sector=f-r&theme=f-theme-b"), hide="sector")
    assert status == 200
    assert [f.name for f in context["facets"]] == ["theme", "actor", "plan", "kind"]
    assert [(c.label, c.remove) for c in context["chips"]] == [("Theme: Beta theme", "?")]
    status, context = dashboard_context(QueryDict("sector=f-r&theme=f-theme-b"))
    assert context["facets"][0].name == "sector"
    assert len(context["chips"]) == 2


def test_a_list_counts_its_facets_once_per_data_version(transactional_db, seeded, client):
    """Every page of a list shows the same facets: counted once for its filters, the
    language and the data version, and again after a write (which commits, here)."""

    def listed(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        facet = {f.name: f for f in response.context["facets"]}["theme"]
        return len(queries), counts(facet)

    first, themes = listed("/statements/?actor=xi-jinping")
    again, themes_again = listed("/statements/?actor=xi-jinping&page=1")
    assert themes_again == themes
    assert again < first  # no facet counted twice
    statement = Statement.objects.get(slug="xi-big-but-not-strong")
    tagged = set(statement.themes.values_list("slug", flat=True))
    statement.status = PublicationStatus.DRAFT
    statement.save()  # commits, and the commit moves the data version on
    _after, themes_after = listed("/statements/?actor=xi-jinping")
    assert tagged
    assert themes_after == {
        slug: n - (slug in tagged) for slug, n in themes.items() if n - (slug in tagged)
    }


def test_a_page_whose_counts_ran_out_of_time_is_kept_a_minute_only(world):
    from policies.caching import TIMEOUT
    from policies.filters import Facet
    from policies.web import pages

    counted = Facet(name="theme", label="Theme", options=(), counts="statements")
    late = Facet(name="actor", label="Actor", options=(), counts="statements", counted=False)
    assert pages._facets_timeout([counted]) == TIMEOUT
    assert pages._facets_timeout([counted, late]) == pages.UNCOUNTED_TIMEOUT == 60


def test_every_checkbox_has_its_own_id_where_two_kinds_share_a_value(seeded, client):
    # "other" is both a statement kind and a plan kind on the dashboard.
    import re

    page = client.get("/", {"kind": "other"}).content.decode()
    ids = re.findall(r'<input type="checkbox" id="([^"]+)"', page)
    assert len([i for i in ids if i.endswith("-other")]) == 2
    assert len(ids) == len(set(ids))
