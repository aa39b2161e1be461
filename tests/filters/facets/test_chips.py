"""Chips: one for each active filter value, each linking to the query without it."""

import pytest
from django.http import QueryDict

from policies.filters import chips, select
from tests.filters.facets.reading import dict_of

pytestmark = pytest.mark.django_db


def test_chips_each_take_out_one_value(world):
    data = QueryDict(
        "theme=f-theme-a&theme=f-theme-b&sector=F-R1A&q=data+centres&date_after=2022-01-01"
        "&date_before=&date_basis=published&page=3&kind=speech"
    )
    made = chips(select(data, surface="statements"), data)
    assert [(c.name, c.label) for c in made] == [
        ("sector", "Sector: R one a"),  # chosen by its code
        ("theme", "Theme: Alpha theme"),
        ("theme", "Theme: Beta theme"),
        ("kind", "Kind: speech"),
        ("date_after", "From: 2022-01-01"),
        ("q", "Search: “data centres”"),
    ]
    removed = {c.label: dict_of(c.remove) for c in made}
    # Every other value kept; the page, empty values and the default basis left out.
    assert removed["Theme: Alpha theme"] == [
        ("sector", "F-R1A"),
        ("theme", "f-theme-b"),
        ("kind", "speech"),
        ("date_after", "2022-01-01"),
        ("date_basis", "published"),
        ("q", "data centres"),
    ]
    assert ("q", "data centres") not in removed["Search: “data centres”"]
    # The delivery basis is a choice of the reader's: a chip.
    data = QueryDict("date_basis=delivered")
    assert [c.label for c in chips(select(data, surface="statements"), data)] == [
        "Date statements: when said (delivered)"
    ]


def test_a_single_valued_filter_repeated_gets_the_chip_of_the_value_applied(world):
    data = QueryDict("q=monopoly&q=zeppelin&date_after=2020-01-01&date_after=2024-01-01")
    selection = select(data, surface="statements")
    assert selection.query == "zeppelin"  # the form reads the last value
    assert [c.label for c in chips(selection, data)] == ["From: 2024-01-01", "Search: “zeppelin”"]


def test_hundreds_of_values_make_one_chip_and_short_links(world, client):
    data = QueryDict("&".join(f"sector=s{n}" for n in range(990)) + "&theme=f-theme-a")
    made = chips(select(data, surface="statements"), data)
    assert [c.label for c in made] == ["Sector: 990 values", "Theme: Alpha theme"]
    assert dict_of(made[0].remove) == [("theme", "f-theme-a")]
    assert dict_of(made[1].remove) == []
    response = client.get("/statements/?" + data.urlencode())
    assert response.status_code == 400
    assert len(response.content) < 200_000


def test_a_quoted_phrase_is_quoted_once_in_its_chip(world):
    data = QueryDict('q="data centres"')
    assert [c.label for c in chips(select(data, surface="statements"), data)] == [
        "Search: “data centres”"
    ]
    data = QueryDict('q="data" centres"')  # not one phrase: shown as typed
    assert [c.label for c in chips(select(data, surface="statements"), data)] == [
        'Search: “"data" centres"”'
    ]
