"""A crowd cannot starve the API: anonymous requests are counted per address in the cache
(Redis when REDIS_URL is set, so that every process shares one count) and refused with 429,
``Retry-After`` and a JSON message past DJANGO_API_ANON_RATE (120 a minute by default).

Editors signed in to the admin are not counted. The API authenticates no one of its own (it
is public and read-only, so it has no session authentication and no CSRF surface), and DRF
sets the request's user to none: the throttle reads the admin session itself (no query for
a request without a session cookie).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle


class AnonymousRateThrottle(AnonRateThrottle):
    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if get_user(request._request).is_authenticated:
            return None  # not throttled
        return super().get_cache_key(request, view)
