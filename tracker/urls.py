from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from policies import api
from policies.views import healthz


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask every site for /favicon.ico, pages that name no icon (the admin) too."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


router = DefaultRouter()
router.register("statements", api.StatementViewSet)
router.register("plans", api.PlanViewSet)
router.register("targets", api.TargetViewSet)
router.register("observations", api.ObservationViewSet)
router.register("sources", api.SourceViewSet)
router.register("actors", api.ActorViewSet)
router.register("themes", api.ThemeViewSet)
router.register("sectors", api.SectorViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline (CSP).
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("api/v1/", include(router.urls)),
    path("feeds/", include("policies.feed_urls")),
    path("", include("policies.urls")),
]
