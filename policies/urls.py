from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("statements/", views.statement_list, name="statement_list"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<slug:slug>/", views.plan_detail, name="plan_detail"),
    path("targets/", views.target_list, name="target_list"),
    path("targets/<int:pk>/", views.target_detail, name="target_detail"),
    path("sectors/<slug:slug>/", views.sector_detail, name="sector_detail"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme_detail"),
    path("actors/<slug:slug>/", views.actor_detail, name="actor_detail"),
    path("sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("export/<slug:kind>.<slug:file_format>", views.export, name="export"),
    path("themes.css", views.theme_styles, name="theme_styles"),
]
