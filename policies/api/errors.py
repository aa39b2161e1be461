"""The API's one error shape: every refused request (a malformed filter, an unknown
parameter, a page that is not one) answers 400 with the document the exports and feeds
answer with (``policies.filters.error_document``):

    {"detail": "Some filters could not be applied.",
     "errors": {"sector": ["Unknown sector: “nope”."]}}
"""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from policies.filters import error_document


def errors_by_name(detail: Any) -> dict[str, list[str]]:
    """A ValidationError's detail as messages by parameter name ('__all__' for the rest)."""
    if isinstance(detail, dict):
        return {
            str(name): [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in detail.items()
        }
    messages = detail if isinstance(detail, list) else [detail]
    return {"__all__": [str(m) for m in messages]}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError):
        response.data = error_document(errors_by_name(exc.detail))
    return response
