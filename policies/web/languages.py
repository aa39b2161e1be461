"""Every page in each language: its twin's address, for the picker and for ``hreflang``.

The language lives in the URL (``/fr/…`` is French, unprefixed is English), so a shared link
opens in the language it was shared in. A twin is the same view reversed in the other
language, with the same query string: the same filters. It is never built by re-reading the
request's path as a URL (``//elsewhere.example/`` would name another host).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language, get_language_info, override


@dataclass(frozen=True)
class Twin:
    code: str
    name: str  # in its own language: "Français"
    url: str  # path and query
    absolute_url: str
    current: bool


def _twin_path(request: HttpRequest, code: str) -> tuple[str, bool]:
    """The path of this page in ``code``, and whether it is this very page; where the
    address matched no page (a 404), that language's dashboard."""
    match = request.resolver_match
    with override(code):
        if match is not None and match.url_name:
            try:
                return reverse(match.view_name, args=match.args, kwargs=match.kwargs), True
            except NoReverseMatch:
                pass
        return reverse("policies:dashboard"), False


def language_twins(request: HttpRequest) -> dict[str, object]:
    """Context processor: ``language_twins``, one per language, the current one marked, and
    ``declare_twins``: whether the page may name them in ``hreflang`` (not an unknown address,
    whose twins are only the way home)."""
    query = request.META.get("QUERY_STRING", "")
    current = get_language()
    twins = []
    same_page = True
    for code, _name in settings.LANGUAGES:
        path, found = _twin_path(request, code)
        same_page = same_page and found
        url = f"{path}?{query}" if query and found else path
        twins.append(
            Twin(
                code=code,
                name=get_language_info(code)["name_local"].capitalize(),
                url=url,
                absolute_url=request.build_absolute_uri(url),
                current=code == current,
            )
        )
    return {"language_twins": twins, "declare_twins": same_page}
