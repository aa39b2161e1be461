"""``{% take_away kind filter as links %}``: a page's take-away links (policies.web.take_away)."""

from __future__ import annotations

from django import template

from policies.filters import Selection
from policies.web.take_away import TakeAway, links

register = template.Library()


@register.simple_tag
def take_away(kind: str, selection: Selection | str | None = None) -> TakeAway | None:
    """The links for ``kind``'s records under the filters ``selection`` read (a page with
    no filters has none: the template engine passes "" for it); none when the filters were
    refused, since every link would answer 400 too."""
    if not isinstance(selection, Selection) or selection.filterset is None:
        return links(kind, {})
    if not selection.valid:
        return None
    return links(kind, selection.filterset.data)
