"""Site-wide endpoints that are not pages: the health probe and the themes' colours."""

from __future__ import annotations

import re

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from policies.models import Theme

# What a slug and a colour may be written as in CSS; anything else is left out.
CSS_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CSS_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers a query, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@require_GET
def theme_styles(request: HttpRequest) -> HttpResponse:
    """Each theme's colour as CSS, so tags and swatches are coloured without a style
    attribute: the Content-Security-Policy allows those only for plotly.js's sake, and
    our own markup does without."""
    rules = [
        ".swatch { display: inline-block; width: 1em; height: 1em; background: var(--tag); }",
        *(
            f'[data-theme="{slug}"] {{ --tag: {colour}; }}'
            for slug, colour in Theme.objects.order_by("slug").values_list("slug", "colour")
            if CSS_SLUG.match(slug) and CSS_COLOUR.match(colour)
        ),
    ]
    response = HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
    patch_cache_control(response, public=True, max_age=300)
    return response
