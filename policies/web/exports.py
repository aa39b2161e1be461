"""Exports: the filtered records of one kind as a file, streamed (``policies.data_io``), named
for what it holds (``statements-sector-6g-2026-12-01.csv``: ``take_away.export_filename``).

Each process streams at most EXPORTS_AT_ONCE large exports for readers at once (more rows
than EXPORT_SMALL_ROWS; a count tells): a full export of a million statements takes some
20 s of a worker, and a crowd of them would leave none for the pages. The next is refused
with 429, ``Retry-After`` and a JSON message until one ends. Small exports (a filtered
few) and editors' exports are never refused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policies import filters
from policies.data_io.schema import RECORD_KINDS
from policies.data_io.streaming import FORMATS, export_stream
from policies.web import take_away

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class ExportSlots:
    """How many exports this process is streaming, against EXPORTS_AT_ONCE."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.running = 0

    def take(self) -> bool:
        with self._lock:
            if self.running >= settings.EXPORTS_AT_ONCE:
                return False
            self.running += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.running -= 1

    def holding(self, stream: Iterator[str]) -> HeldStream:
        return HeldStream(stream, self)


class HeldStream:
    """An export's stream holding its slot until the response is closed: when it ends,
    fails, or the reader hangs up, and even if it never started (the server closes every
    response; Django passes that on to the iterator's ``close``).

    It also paces itself: after every PACE_EVERY seconds of work it pauses for
    EXPORT_PACE times as long, handing the process's interpreter lock and a share of the
    CPU to the pages its worker's other threads are serving.
    """

    PACE_EVERY = 0.02

    def __init__(self, stream: Iterator[str], slots: ExportSlots) -> None:
        self._stream = stream
        self._slots: ExportSlots | None = slots
        self._worked = 0.0

    def __iter__(self) -> HeldStream:
        return self

    def __next__(self) -> str:
        started = time.perf_counter()
        chunk = next(self._stream)
        self._worked += time.perf_counter() - started
        if self._worked >= self.PACE_EVERY:
            time.sleep(self._worked * settings.EXPORT_PACE)
            self._worked = 0.0
        return chunk

    def close(self) -> None:
        slots, self._slots = self._slots, None
        if slots is not None:
            slots.give_back()
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


SLOTS = ExportSlots()


@require_GET
def export(
    request: HttpRequest, kind: str, file_format: str
) -> HttpResponse | StreamingHttpResponse:
    """The filtered records of one kind, streamed; with drafts=1, an editor's include drafts."""
    record_kind = RECORD_KINDS.get(kind)
    if record_kind is None or file_format not in FORMATS:
        raise Http404
    model_name = record_kind.model._meta.model_name
    user = request.user
    # Drafts only when asked for (drafts=1), so the same link gives an editor what the page
    # beside it shows; and only to an editor who may see them.
    include_drafts = request.GET.get("drafts") == "1"
    if include_drafts and not (user.is_staff and user.has_perm(f"policies.view_{model_name}")):
        return JsonResponse(
            {"detail": _("Drafts are exported to signed-in editors only; leave out drafts=1.")},
            status=403,
        )
    selection = filters.select(request.GET, surface=kind, include_drafts=include_drafts)
    if not selection.valid:
        return JsonResponse(selection.error_document(), status=selection.status)
    # The rows are read while the response streams, after its status is sent: a database
    # that is down must fail here, into the plain error page, not half-way through a file.
    connection.ensure_connection()
    stream: Iterator[str] = export_stream(
        record_kind,
        selection.records,
        file_format,
        include_drafts=include_drafts,
        site=request.build_absolute_uri("/").rstrip("/"),
    )
    # Editors are few and signed in: only readers' large exports wait for a slot.
    if not user.is_staff and selection.records.count() > settings.EXPORT_SMALL_ROWS:
        if not SLOTS.take():
            return _busy()
        stream = SLOTS.holding(stream)
    response = StreamingHttpResponse(stream, content_type=CONTENT_TYPES[file_format])
    # Named for what it holds, so two downloads never overwrite each other unread.
    filename = take_away.export_filename(
        kind,
        request.GET,
        file_format=file_format,
        today=timezone.localdate(),
        with_drafts=include_drafts,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store" if include_drafts else "public, max-age=300"
    return response


def _busy() -> JsonResponse:
    seconds = settings.EXPORT_RETRY_SECONDS
    response = JsonResponse(
        {
            "detail": _(
                "Too many exports are being made at once. Try again in %(seconds)d seconds."
            )
            % {"seconds": seconds}
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response
