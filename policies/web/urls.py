from django.urls import path

from policies.web import exports, indexes, indicators, pages, site

app_name = "policies"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("statements/", pages.statement_list, name="statement_list"),
    # Slugs are the permalinks; the old id addresses and renamed slugs redirect (301).
    path("statements/<slug:slug>/", pages.statement_detail, name="statement_detail"),
    path(
        "statements/<slug:slug>/cite.<slug:extension>",
        pages.citation_file,
        {"record": "statement"},
        name="statement_citation",
    ),
    path("plans/", pages.plan_list, name="plan_list"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan_detail"),
    path(
        "plans/<slug:slug>/cite.<slug:extension>",
        pages.citation_file,
        {"record": "plan"},
        name="plan_citation",
    ),
    path("methodology/", pages.methodology, name="methodology"),
    path("targets/", pages.target_list, name="target_list"),
    path("targets/<int:pk>/", indicators.target_detail, name="target_detail"),
    path("indicators/", indicators.indicator_list, name="indicator_list"),
    path("indicators/<slug:slug>/", indicators.indicator_detail, name="indicator_detail"),
    path("sectors/", indexes.sector_list, name="sector_list"),
    path("themes/", indexes.theme_list, name="theme_list"),
    path("actors/", indexes.actor_list, name="actor_list"),
    path("sources/", indexes.source_list, name="source_list"),
    path("sectors/<slug:slug>/", pages.sector_detail, name="sector_detail"),
    path("themes/<slug:slug>/", pages.theme_detail, name="theme_detail"),
    path("actors/<slug:slug>/", pages.actor_detail, name="actor_detail"),
    path("sources/<int:pk>/", pages.source_detail, name="source_detail"),
    path("export/<slug:kind>.<slug:file_format>", exports.export, name="export"),
    path("themes.css", site.theme_styles, name="theme_styles"),
]
