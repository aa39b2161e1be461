"""Exports: the filtered records of one kind as a file, streamed (``policies.data_io``)."""

from __future__ import annotations

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from policies import filters
from policies.data_io.schema import RECORD_KINDS
from policies.data_io.streaming import FORMATS, export_stream

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


@require_GET
def export(
    request: HttpRequest, kind: str, file_format: str
) -> HttpResponse | StreamingHttpResponse:
    """The filtered records of one kind, streamed; editors' exports include drafts."""
    record_kind = RECORD_KINDS.get(kind)
    if record_kind is None or file_format not in FORMATS:
        raise Http404
    model_name = record_kind.model._meta.model_name
    user = request.user
    include_drafts = user.is_staff and user.has_perm(f"policies.view_{model_name}")
    selection = filters.select(request.GET, surface=kind, include_drafts=include_drafts)
    if not selection.valid:
        return JsonResponse(selection.error_document(), status=selection.status)
    # The rows are read while the response streams, after its status is sent: a database
    # that is down must fail here, into the plain error page, not half-way through a file.
    connection.ensure_connection()
    response = StreamingHttpResponse(
        export_stream(record_kind, selection.records, file_format, include_drafts=include_drafts),
        content_type=CONTENT_TYPES[file_format],
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{file_format}"'
    response["Cache-Control"] = "private, no-store" if include_drafts else "public, max-age=300"
    return response
