"""Reading facets as the tests compare them: counts by value, the values chosen."""

from urllib.parse import parse_qsl

from django.http import QueryDict

from policies.filters import Facet, facets, select


def faceted(query: str, surface: str = "statements", **kwargs) -> dict[str, Facet]:
    return {f.name: f for f in facets(select(QueryDict(query), surface=surface), **kwargs)}


def counts(facet: Facet) -> dict[str, int]:
    """Every option of a facet (the tree's included) by value: its count."""
    return {o.value: o.count for option in facet.options for o in option.walk()}


def chosen(facet: Facet) -> set[str]:
    return {o.value for option in facet.options for o in option.walk() if o.chosen}


def ours(facet: Facet, prefix: str = "f-") -> dict[str, int]:
    return {value: n for value, n in counts(facet).items() if value.startswith(prefix)}


def dict_of(query: str) -> list[tuple[str, str]]:
    assert query.startswith("?")
    return parse_qsl(query[1:])
