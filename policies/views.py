"""Public pages: filter → selector → chart → render. Readers see published records only."""

from __future__ import annotations

import re
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connection
from django.db.models import Prefetch
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from policies import charts, selectors
from policies.caching import TIMEOUT as CACHE_TIMEOUT
from policies.caching import cache_key
from policies.citations import mark_excerpts
from policies.exports import FORMATS, export_queryset, export_stream
from policies.filters import PlanFilter, StatementFilter, TargetFilter, filtered, filtered_by
from policies.models import Actor, Observation, Plan, Sector, Source, Statement, Target, Theme
from policies.records import RECORD_KINDS

PER_PAGE = 20
DASHBOARD_TARGETS = 12


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


# What a slug and a colour may be written as in CSS; anything else is left out.
CSS_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CSS_COLOUR = re.compile(r"^#[0-9a-f]{6}$")


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


def _filter_status(*filtersets: Any) -> int:
    """400 when the reader's filters were malformed: the page still renders and says why."""
    return 200 if all(f.is_valid() for f in filtersets) else 400


def _dashboard_context(data: QueryDict) -> dict[str, Any]:
    # The statements' FilterSet validates the filters once; plans and targets reuse its
    # cleaned values (the dashboard's fields are the same for all three models).
    statement_filter = StatementFilter(
        data, queryset=selectors.published_statements(), dashboard=True
    )
    valid = statement_filter.is_valid()
    cleaned = statement_filter.form.cleaned_data if valid else {}
    statements = filtered(statement_filter)
    plans = filtered_by(
        PlanFilter(data, queryset=selectors.published_plans(), dashboard=True), cleaned, valid
    )
    targets = filtered_by(
        TargetFilter(data, queryset=selectors.published_targets(), dashboard=True), cleaned, valid
    )

    agg = selectors.dashboard_aggregates(statements, plans, targets, cleaned)
    # A bounded selection keeps the dashboard's cost flat however many targets match; the
    # targets page lists them all.
    target_rows = selectors.target_rows(
        selectors.target_list(targets).order_by("-plan__published_on", "plan", "pk")[
            :DASHBOARD_TARGETS
        ]
    )
    return {
        "filter": statement_filter,
        "counts": agg["counts"],
        "latest": selectors.latest_statements(statements),
        "target_rows": target_rows,
        "charts": [
            charts.timeline_chart(
                statement_rows=agg["timeline"],
                plan_rows=agg["plan_timeline"],
                themes=agg["themes"],
                granularity=agg["granularity"],
            ),
            charts.progress_chart(target_rows),
            charts.heatmap_chart(
                rows=agg["heatmap"], themes=agg["themes"], sectors=agg["sectors"]
            ),
            charts.coverage_chart(counts=agg["coverage"], sectors=agg["sectors"]),
        ],
    }


def _dashboard_page(
    request: HttpRequest, data: QueryDict, *, template: str, extra: dict[str, Any] | None = None
) -> HttpResponse:
    """The dashboard (or one narrowed to a scope) with its filters, counts and charts.

    The part below the page header depends only on the path, the filters, the language and
    the data, so it is rendered once and cached under those, until the next write
    (policies/caching.py). Malformed filters are not cached: they get a 400 page each time.
    """
    extra = extra or {}
    params = [("", request.path)] + [(k, v) for k, values in data.lists() for v in values]
    key = cache_key("dashboard-page", params)
    hit = cache.get(key)
    if hit is None:
        context = _dashboard_context(data)
        status = 200 if context["filter"].is_valid() else 400
        body = render_to_string(
            "components/dashboard_main.html",
            {**context, "hide": extra.get("scope_param")},
            request=request,
        )
        hit = (status, body)
        if status == 200:
            cache.set(key, hit, CACHE_TIMEOUT)
    status, body = hit
    return render(request, template, {**extra, "body": body}, status=status)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard_page(request, request.GET, template="policies/dashboard.html")


def _scoped_dashboard(
    request: HttpRequest, *, param: str, value: str, template: str, extra: dict[str, Any]
) -> HttpResponse:
    """A dashboard narrowed to one sector, theme or actor; other filters still apply."""
    data = request.GET.copy()
    data.setlist(param, [value])
    return _dashboard_page(request, data, template=template, extra={**extra, "scope_param": param})


def paginate(
    request: HttpRequest, queryset: Any, *, rows: Any = None, count_cap: int | None = None
) -> tuple[Page, str | None]:
    """The requested page, or the first one with a message when the number is not a page.

    ``rows``: the unfiltered listing the page's records are read from (``KeyedPages``).
    """
    pages = selectors.KeyedPages(queryset, rows=rows, count_cap=count_cap)
    paginator = Paginator(pages, PER_PAGE)
    raw = request.GET.get("page", "1")
    if raw.isascii() and raw.isdigit() and len(raw) <= 9 and 1 <= int(raw) <= paginator.num_pages:
        return paginator.page(int(raw)), None
    message = _(
        "There is no page “%(page)s”: the results have %(count)d page(s). Showing the first."
    ) % {"page": raw[:20], "count": paginator.num_pages}
    return paginator.page(1), message


def _list(
    request: HttpRequest,
    *,
    filterset_class: Any,
    queryset: Any,
    listing: Any,
    template: str,
    search_count_cap: int | None = None,
) -> HttpResponse:
    filterset = filterset_class(request.GET, queryset=queryset)
    results = listing(filtered(filterset))
    searched = filterset.is_valid() and filterset.form.cleaned_data.get("q")
    page, page_error = paginate(
        request,
        results,
        rows=listing(queryset),
        count_cap=search_count_cap if searched else None,
    )
    return render(
        request,
        template,
        {"filter": filterset, "page": page, "page_error": page_error},
        status=_filter_status(filterset),
    )


@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        filterset_class=StatementFilter,
        queryset=selectors.published_statements(),
        listing=selectors.statement_list,
        template="policies/statement_list.html",
        # Word searches over many statements count only so far (selectors.KeyedPages).
        search_count_cap=selectors.SEARCH_COUNT_CAP,
    )


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    return _list(
        request,
        filterset_class=PlanFilter,
        queryset=selectors.published_plans(),
        listing=selectors.plan_list,
        template="policies/plan_list.html",
    )


@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    filterset = TargetFilter(request.GET, queryset=selectors.published_targets())
    page, page_error = paginate(
        request,
        selectors.target_list(filtered(filterset)),
        rows=selectors.target_list(selectors.published_targets()),
    )
    rows = selectors.target_rows(page.object_list)
    return render(
        request,
        "policies/target_list.html",
        {
            "filter": filterset,
            "page": page,
            "page_error": page_error,
            "rows": rows,
            "chart": charts.progress_chart(rows),
        },
        status=_filter_status(filterset),
    )


def _get_or_404(getter: Any, *args: Any) -> Any:
    try:
        return getter(*args)
    except (
        Statement.DoesNotExist,
        Plan.DoesNotExist,
        Target.DoesNotExist,
        Source.DoesNotExist,
    ):
        raise Http404 from None


@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _get_or_404(selectors.statement_detail, pk)
    return render(
        request,
        "policies/statement_detail.html",
        {"statement": statement, "target_rows": selectors.target_rows(statement.targets.all())},
    )


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _get_or_404(selectors.plan_detail, slug)
    targets = selectors.target_list(plan.targets.all()).prefetch_related(
        Prefetch("observations", queryset=Observation.objects.select_related("source"))
    )
    rows = selectors.target_rows(targets)
    return render(
        request,
        "policies/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "progress": charts.progress_chart(rows),
            "target_charts": [
                charts.target_chart(
                    target=row.target,
                    observations=list(row.target.observations.all()),
                    progress=row.progress,
                )
                for row in rows
            ],
        },
    )


@require_GET
def target_detail(request: HttpRequest, pk: int) -> HttpResponse:
    target = _get_or_404(selectors.target_detail, pk)
    progress = selectors.progress_of(target)
    observations = list(target.observations.all())
    return render(
        request,
        "policies/target_detail.html",
        {
            "target": target,
            "progress": progress,
            "observations": observations,
            "chart": charts.target_chart(
                target=target, observations=observations, progress=progress
            ),
        },
    )


@require_GET
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector.objects.select_related("parent"), slug=slug)
    return _scoped_dashboard(
        request,
        param="sector",
        value=slug,
        template="policies/scope_detail.html",
        extra={
            "scope": sector,
            "scope_kind": _("Sector"),
            "children": list(sector.children.order_by("name")),
        },
    )


def _tag_detail(
    request: HttpRequest, *, model: Any, param: str, slug: str, label: str
) -> HttpResponse:
    """The dashboard narrowed to one theme or actor."""
    scope = get_object_or_404(model, slug=slug)
    return _scoped_dashboard(
        request,
        param=param,
        value=slug,
        template="policies/scope_detail.html",
        extra={"scope": scope, "scope_kind": label},
    )


@require_GET
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _tag_detail(request, model=Theme, param="theme", slug=slug, label=_("Theme"))


@require_GET
def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _tag_detail(request, model=Actor, param="actor", slug=slug, label=_("Actor"))


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = _get_or_404(selectors.source_detail, pk)
    statements = list(source.statements.all())
    return render(
        request,
        "policies/source_detail.html",
        {
            "source": source,
            "paragraphs": mark_excerpts(source.paragraphs, statements),
            "originated": list(
                selectors.statement_list(selectors.published_statements().filter(origin=source))
            ),
        },
    )


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def filter_errors(filterset: Any) -> dict[str, list[str]]:
    """A filterset's errors keyed by GET name ('__all__' for those spanning fields)."""
    return {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}


@require_GET
def export(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """The filtered records of one kind, streamed; editors' exports include drafts."""
    record_kind = RECORD_KINDS.get(kind)
    if record_kind is None or file_format not in FORMATS:
        raise Http404
    model_name = record_kind.model._meta.model_name
    include_drafts = request.user.is_staff and request.user.has_perm(f"policies.view_{model_name}")
    queryset, filterset = export_queryset(record_kind, request.GET, include_drafts=include_drafts)
    if filterset is not None and not filterset.is_valid():
        return JsonResponse(
            {
                "detail": _("Some filters could not be applied."),
                "errors": filter_errors(filterset),
            },
            status=400,
        )
    # The rows are read while the response streams, after its status is sent: a database
    # that is down must fail here, into the plain error page, not half-way through a file.
    connection.ensure_connection()
    response = StreamingHttpResponse(
        export_stream(record_kind, queryset, file_format, include_drafts=include_drafts),
        content_type=CONTENT_TYPES[file_format],
    )
    response["Content-Disposition"] = f'attachment; filename="{kind}.{file_format}"'
    response["Cache-Control"] = "private, no-store" if include_drafts else "public, max-age=300"
    return response
