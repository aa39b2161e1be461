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
        ("theme", "f-theme-b"),
        ("sector", "F-R1A"),
        ("q", "data centres"),
        ("date_after", "2022-01-01"),
        ("date_basis", "published"),
        ("kind", "speech"),
    ]
    assert ("q", "data centres") not in removed["Search: “data centres”"]
    # The delivery basis is a choice of the reader's: a chip.
    data = QueryDict("date_basis=delivered")
    assert [c.label for c in chips(select(data, surface="statements"), data)] == [
        "Date statements: when said (delivered)"
    ]
