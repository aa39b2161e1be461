"""Paging and parameter checks: a malformed page, page size or unknown parameter answers
400 in the API's one error shape (``policies.api.errors``), never a silent default."""

from __future__ import annotations

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        size = request.query_params.get(self.page_size_query_param)
        if size is not None and not (
            size.isascii() and size.isdigit() and 1 <= int(size) <= self.max_page_size
        ):
            raise ValidationError(
                {"page_size": [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            # A page past the end is a malformed value, not a missing resource.
            raise ValidationError({"page": [str(error.detail)]}) from None


class KnownParametersOnly(BaseFilterBackend):
    """Refuses parameters the endpoint does not know, so a typo never filters silently."""

    always_allowed = frozenset({"page", "page_size", "format"})

    def filter_queryset(self, request, queryset, view):
        filterset_class = getattr(view, "filterset_class", None)
        allowed = set(self.always_allowed)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        unknown = sorted(set(request.query_params) - allowed)
        if unknown:
            message = "Unknown parameter; this endpoint takes: " + ", ".join(sorted(allowed)) + "."
            raise ValidationError({name: [message] for name in unknown})
        return queryset
