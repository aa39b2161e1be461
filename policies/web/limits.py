"""Too many GET parameters answer like every other refused filter.

Django refuses to read a query string of more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (1,000)
parameters: ``request.GET`` raises ``TooManyFieldsSent``, and Django answers its bare
"Bad Request (400)" page, on the API too. This middleware reads ``request.GET`` before the
view does and answers as a refused filter does (``policies.filters``): on pages, the site's
layout with a message a reader can act on; on the API, the exports and the feeds, the JSON
error document.

A middleware, not a ``handler400``, because:

- ``handler400`` is not called while ``DEBUG`` is on (Django shows its technical page), so
  developers would never see what readers see;
- ``handler400`` answers every other ``SuspiciousOperation`` too, and would have to tell
  this one case from those: a host not in ``ALLOWED_HOSTS`` cannot be drawn in the site's
  layout (its language links read the host, and the 400 would become a 500). Here only this
  case is caught, and Django's own 400 stays its plain page;
- ``process_view`` runs once the URL has been resolved and the language chosen, so the answer
  knows which surface was asked for, is in the reader's language, and passes back out through
  every other middleware (the Content-Security-Policy, the frame options) like any response.

Every view is guarded alike, those that read no filter too: an address with more than 1,000
parameters is refused wherever it points, as Django would refuse it if the view read them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.deprecation import MiddlewareMixin
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from policies.filters import error_document

# Django's own logger for this refusal, so that what watched it before still sees it (without
# the traceback Django adds: the request is a reader's long link, not a failure of ours).
security_logger = logging.getLogger("django.security.TooManyFieldsSent")


def too_many_parameters_message() -> str:
    """What a reader is told when an address carries more parameters than Django reads."""
    return _(
        "This address has more than %(max)s parameters, more than the tracker reads. "
        "Remove some filters (each value chosen counts as one) and try again."
    ) % {"max": number_format(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, force_grouping=True)}


def answers_json(request: HttpRequest) -> bool:
    """Whether the resolved view answers a refused filter in JSON: the API, the exports and
    the feeds (in any language) do; pages answer in HTML."""
    match = request.resolver_match
    if match is None:
        return False
    return (
        match.route.startswith("api/")
        or "feeds" in match.namespaces
        or match.view_name == "policies:export"
    )


class RequestLimitsMiddleware(MiddlewareMixin):
    """Answers a request with too many GET parameters with a 400 that says so."""

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        try:
            # Parsed once and kept on the request: the view reads the same QueryDict.
            request.GET  # noqa: B018
        except TooManyFieldsSent:
            security_logger.warning(
                "More than %d GET parameters: %s",
                settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                request.path,
            )
            return too_many_parameters(request)
        return None


def too_many_parameters(request: HttpRequest) -> HttpResponse:
    """The 400 for an address with too many parameters, as the surface answers bad filters."""
    message = too_many_parameters_message()
    if answers_json(request):
        return JsonResponse(error_document({"__all__": [message]}), status=400)
    return render(request, "policies/too_many_parameters.html", {"errors": [message]}, status=400)
