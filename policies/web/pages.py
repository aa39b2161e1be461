"""Public pages: filter → selector → chart → render. Readers see published records only."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar, cast

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import ResolverMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from policies import changes, charts, citations, filters, progress, scorecards, selectors, units
from policies.caching import TIMEOUT as CACHE_TIMEOUT
from policies.caching import cache_key
from policies.citations import FORMATS, Reference, mark_excerpts
from policies.citations.formats import FILES
from policies.localized import reading_order
from policies.models import (
    Actor,
    Indicator,
    Observation,
    Plan,
    Sector,
    Source,
    Statement,
    Target,
    Theme,
)
from policies.models.indicators import Qualifier
from policies.web import take_away
from policies.web.pagination import SEARCH_COUNT_CAP, paginate

DASHBOARD_TARGETS = 12
# Seconds a page is cached when some of its facet counts ran out of time.
UNCOUNTED_TIMEOUT = 60

_Record = TypeVar("_Record")


def dashboard_context(data: QueryDict, *, hide: str | None = None) -> tuple[int, dict[str, Any]]:
    """The dashboard's status and context for these GET parameters (``hide``: the filter a
    scope page fixes, which has no facet and no chip there)."""
    selection = filters.select(data, surface="dashboard")
    figures = selectors.dashboard_figures(selection=selection)
    target_rows = selectors.dashboard_targets(targets=selection.targets, limit=DASHBOARD_TARGETS)
    return selection.status, {
        "filter": selection,
        "facets": filters.facets(selection, hide=hide, known=figures.statement_counts),
        "chips": filters.chips(selection, data, hide=hide),
        "counts": figures.counts,
        "latest": selectors.latest_statements(statements=selection.statements),
        "target_rows": target_rows,
        "charts": [
            charts.timeline_chart(
                statement_rows=figures.timeline,
                plan_rows=figures.plan_timeline,
                themes=figures.themes,
                granularity=figures.granularity,
            ),
            charts.progress_chart(target_rows),
            charts.heatmap_chart(
                rows=figures.heatmap, themes=figures.themes, sectors=figures.sectors
            ),
            charts.coverage_chart(counts=figures.coverage, sectors=figures.sectors),
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
    cached = cache.get(key)
    if cached is None:
        hide = extra.get("scope_param")
        status, context = dashboard_context(data, hide=hide)
        body = render_to_string(
            "components/dashboard_main.html", {**context, "hide": hide}, request=request
        )
        cached = (status, body)
        if status == 200:
            cache.set(key, cached, _facets_timeout(context["facets"]))
    status, body = cached
    # The page's <head> offers its statements as a feed and as JSON; the filters (the scope's
    # among them) are in ``data``, and the selection that read them is in the cached body.
    links = take_away.links("statements", data) if status == 200 else None
    context = {**extra, "body": body, "take_away": links}
    return render(request, template, context, status=status)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard_page(request, request.GET, template="policies/dashboard.html")


def _scoped_dashboard(
    request: HttpRequest, *, param: str, value: str, extra: dict[str, Any]
) -> HttpResponse:
    """A dashboard narrowed to one sector, theme or actor; other filters still apply."""
    data = request.GET.copy()
    data.setlist(param, [value])
    return _dashboard_page(
        request,
        data,
        template="policies/scope_detail.html",
        extra={**extra, "scope_param": param},
    )


def _list_page(
    request: HttpRequest, *, surface: str, listing: Any, count_cap: int | None = None
) -> tuple[filters.Selection, dict[str, Any]]:
    """One list's selection, and the context of its requested page."""
    selection = filters.select(request.GET, surface=surface)
    page, page_error = paginate(
        request,
        listing(selection.records),
        rows=listing(selection.base),
        count_cap=count_cap if selection.query else None,
    )
    # A search matching more statements than it counts leaves its facets uncounted: their
    # counts would read every match (seconds at 1M), for a list the reader must narrow.
    capped = bool(getattr(page.paginator.object_list, "capped", False))
    return selection, {
        "filter": selection,
        "facets": _list_facets(selection, request.GET, counted=not capped),
        "chips": filters.chips(selection, request.GET),
        "page": page,
        "page_error": page_error,
    }


def _list_facets(
    selection: filters.Selection, data: QueryDict, *, counted: bool = True
) -> list[filters.Facet]:
    """A list's facets, counted once for its filters, the language and the data version
    (policies/caching.py): every page of the list shows the same, and at a million
    statements counting them costs more than the page itself. Malformed filters count
    nothing, and are not cached."""
    if not selection.valid:
        return filters.facets(selection)
    if not counted:
        return filters.facets(selection, time_limit_ms=0)
    params = [("", selection.surface)]
    params += [(k, v) for k, values in data.lists() if k != "page" for v in values]
    key = cache_key("facets", params)
    found: list[filters.Facet] | None = cache.get(key)
    if found is None:
        found = filters.facets(selection)
        cache.set(key, found, _facets_timeout(found))
    return found


def _facets_timeout(facets: list[filters.Facet]) -> int:
    """How long a page with these facets is kept: until the next write, or only a minute
    when some counts ran out of time (policies/filters/facets/budget.py), so that a moment
    of load does not leave a page without counts for hours."""
    return CACHE_TIMEOUT if all(facet.counted for facet in facets) else UNCOUNTED_TIMEOUT


@require_GET
def statement_list(request: HttpRequest) -> HttpResponse:
    selection, context = _list_page(
        request,
        surface="statements",
        listing=lambda records: selectors.statement_list(statements=records),
        # Word searches over many statements count only so far (pagination.IdPages).
        count_cap=SEARCH_COUNT_CAP,
    )
    return render(request, "policies/statement_list.html", context, status=selection.status)


@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    selection, context = _list_page(
        request, surface="plans", listing=lambda records: selectors.plan_list(plans=records)
    )
    return render(request, "policies/plan_list.html", context, status=selection.status)


@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    selection, context = _list_page(
        request, surface="targets", listing=lambda records: selectors.target_list(targets=records)
    )
    rows = selectors.target_rows(targets=context["page"].object_list)
    context.update(rows=rows, chart=charts.progress_chart(rows))
    return render(request, "policies/target_list.html", context, status=selection.status)


def _found(getter: Callable[..., _Record], **key: Any) -> _Record:
    """``getter(**key)``, or 404 when there is no such (published) record."""
    try:
        return getter(**key)
    except ObjectDoesNotExist:
        raise Http404 from None


def _citations(reference: Reference) -> list[dict[str, str]]:
    """The reference in every format, for the page's citation box."""
    return [
        {
            "name": name,
            "label": str(citation_format.label),
            "text": citations.render(reference, name),
            "extension": citation_format.extension,
        }
        for name, citation_format in FORMATS.items()
    ]


def _citation_box(request: HttpRequest, record: Statement | Plan) -> dict[str, Any]:
    """The page's permalink and its citation in every format (one reference for both)."""
    reference = _reference(request, record)
    return {"permalink": reference.permalink, "citations": _citations(reference)}


def _reference(request: HttpRequest, record: Statement | Plan) -> Reference:
    details: dict[str, Any] = {
        "permalink": request.build_absolute_uri(record.get_absolute_url()),
        "accessed": timezone.localdate(),
        "version": changes.data_updated_on(),
    }
    if isinstance(record, Statement):
        return citations.statement_reference(record, **details)
    return citations.plan_reference(record, **details)


def _published(
    request: HttpRequest,
    model: type[_Record],
    getter: Callable[..., _Record],
    slug: str,
    **address: str,
) -> _Record | HttpResponse:
    """The published record at this slug. An address that names it the old way (an id, or
    a slug it was renamed from) is sent to its permalink, for good (301): the same view, by
    its URL name, with the record's slug and the rest of the address (``address``)."""
    try:
        return getter(slug=slug)
    except ObjectDoesNotExist:
        moved = selectors.moved_record(model, slug)  # type: ignore[type-var]
        if moved is None:
            raise Http404 from None
        url_name = cast(ResolverMatch, request.resolver_match).view_name
        location = reverse(url_name, kwargs={"slug": cast(Any, moved).slug, **address})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(location + (f"?{query}" if query else ""))


@require_GET
def statement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    statement = _published(request, Statement, selectors.statement_detail, slug)
    if isinstance(statement, HttpResponse):
        return statement
    target_rows = selectors.target_rows(targets=statement.targets.all())
    context = {
        "statement": statement,
        "target_rows": target_rows,
        **_citation_box(request, statement),
        "history": changes.change_log(statement),
    }
    return render(request, "policies/statement_detail.html", context)


@require_GET
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A plan, its issuers and its targets: once its period is over, a scorecard of what
    each target came to at its deadline; before, their progress."""
    plan = _published(request, Plan, selectors.plan_detail, slug)
    if isinstance(plan, HttpResponse):
        return plan
    scorecard = scorecards.plan_scorecard(plan=plan)
    target_charts = [
        charts.target_chart(
            row=row,
            observations=scorecards.chartable(scorecard.series.get(row.target.indicator_id, [])),
        )
        for row in scorecard.rows
    ]
    context = {
        "plan": plan,
        "scorecard": scorecard,
        "rows": scorecard.rows,
        "progress": charts.progress_chart(scorecard.rows),
        "target_charts": target_charts,
        **_citation_box(request, plan),
        "history": changes.change_log(plan),
    }
    return render(request, "policies/plan_detail.html", context)


@require_GET
def citation_file(request: HttpRequest, record: str, slug: str, extension: str) -> HttpResponse:
    """``/statements/<slug>/cite.bib`` (and .ris, .json; and for plans): one citation as a
    file a reference manager imports. An unknown format is a 404, like any unknown page."""
    citation_format = FILES.get(extension)
    if citation_format is None:
        raise Http404
    found: Statement | Plan | HttpResponse
    # Only what a citation reads: not the page's tags, targets and statements.
    if record == "statement":
        found = _published(
            request, Statement, selectors.citable_statement, slug, extension=extension
        )
    else:
        found = _published(request, Plan, selectors.citable_plan, slug, extension=extension)
    if isinstance(found, HttpResponse):
        return found
    text = citations.render(_reference(request, found), citation_format.name)
    response = HttpResponse(text, content_type=f"{citation_format.content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}.{extension}"'
    return response


@require_GET
def sector_detail(request: HttpRequest, slug: str) -> HttpResponse:
    sector = get_object_or_404(Sector.objects.select_related("parent"), slug=slug)
    extra = {
        "scope": sector,
        "scope_kind": _("Sector"),
        "children": reading_order(sector.children.order_by("name"), lambda s: s.local.name),
    }
    return _scoped_dashboard(request, param="sector", value=slug, extra=extra)


@require_GET
def theme_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theme = get_object_or_404(Theme, slug=slug)
    extra = {"scope": theme, "scope_kind": _("Theme")}
    return _scoped_dashboard(request, param="theme", value=slug, extra=extra)


@require_GET
def actor_detail(request: HttpRequest, slug: str) -> HttpResponse:
    actor = get_object_or_404(Actor, slug=slug)
    extra = {"scope": actor, "scope_kind": _("Actor")}
    return _scoped_dashboard(request, param="actor", value=slug, extra=extra)


@require_GET
def source_detail(request: HttpRequest, pk: int) -> HttpResponse:
    source = _found(selectors.source_detail, pk=pk)
    context = {
        "source": source,
        "paragraphs": mark_excerpts(source.paragraphs, list(source.statements.all())),
        "originated": selectors.originated_statements(source=source),
        "history": changes.change_log(source),
    }
    return render(request, "policies/source_detail.html", context)


# The record kinds the methodology page explains, in the order a reader meets them.
METHODOLOGY_RECORDS = (Statement, Plan, Indicator, Target, Observation, Source, Actor)


def _coding(model: type[models.Model]) -> dict[str, Any]:
    """A record kind as the methodology page shows it: its fields that carry an editor's
    explanation (the same help the admin shows), and its kinds, if it has any."""
    fields = [
        (field.verbose_name, field.help_text)
        for field in model._meta.get_fields()
        if isinstance(field, models.Field) and field.editable and field.help_text
    ]
    kind = getattr(model, "Kind", None)
    return {
        "name": model._meta.verbose_name_plural,
        "slug": model._meta.model_name,
        "fields": fields,
        "kinds": kind.choices if kind else [],
    }


def _tolerance() -> dict[str, Any]:
    """The tolerance for "about", and what it makes of an example target and figure,
    computed by the status rules themselves."""
    goal = progress.Goal(value=Decimal(5), year=2024, qualifier="about")
    low, _high = goal.bounds
    figure = progress.Figure(2024, None, Decimal(10), "about")
    return {
        "percent": units.number(progress.ABOUT_TOLERANCE * 100),
        "goal_low": units.number(cast(Decimal, low)),
        "figure_low": units.number(cast(Decimal, figure.low)),
    }


@require_GET
def methodology(request: HttpRequest) -> HttpResponse:
    """How the tracker codes its records and judges its targets: generated from the models,
    the status rules and the taxonomy, so that it cannot drift from them."""
    themes, sectors = selectors.taxonomy()
    context = {
        "records": [_coding(model) for model in METHODOLOGY_RECORDS],
        "wordings": Statement.Wording.choices,
        "date_bases": filters.DateBasis.choices,
        "rules": progress.RULES,
        "statuses": list(progress.Status),
        "tolerance": _tolerance(),
        "qualifiers": Qualifier.choices,
        "senses": Target.Sense.choices,
        "tiers": Source.Tier.choices,
        "themes": themes,
        "sectors": sectors,
        "data_version": changes.data_updated_on(),
    }
    return render(request, "policies/methodology.html", context)
