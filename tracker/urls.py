from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from policies import api
from policies.views import healthz

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
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/v1/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include(router.urls)),
    path("feeds/", include("policies.feed_urls")),
    path("", include("policies.urls")),
]
