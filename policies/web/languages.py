"""Every page in each language: its twin's address, for the picker and for ``hreflang``.

The language lives in the URL (``/fr/…`` is French, unprefixed is English), so a shared link
opens in the language it was shared in. A twin keeps the query string: the same filters.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info


@dataclass(frozen=True)
class Twin:
    code: str
    name: str  # in its own language: "Français"
    url: str  # path and query
    absolute_url: str
    current: bool


def language_twins(request: HttpRequest) -> dict[str, list[Twin]]:
    """Context processor: ``language_twins``, one per language, the current one marked."""
    path = request.get_full_path()
    current = get_language()
    twins = []
    for code, _name in settings.LANGUAGES:
        url = translate_url(path, code)
        twins.append(
            Twin(
                code=code,
                name=get_language_info(code)["name_local"].capitalize(),
                url=url,
                absolute_url=request.build_absolute_uri(url),
                current=code == current,
            )
        )
    return {"language_twins": twins}
