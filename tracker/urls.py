from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from policies.web.site import healthz


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask every site for /favicon.ico, pages that name no icon (the admin) too."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


# The API speaks JSON with both languages in it, so it has one address. Pages, feeds, exports
# and the admin answer in English unprefixed and in French under /fr/ (policies/web/languages.py).
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file, not inline (CSP).
    path(
        "api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("api/v1/", include("policies.api.urls")),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("feeds/", include("policies.web.feed_urls")),
        path("", include("policies.web.urls")),
        prefix_default_language=False,
    ),
]
