"""Routes. Each app contributes, by convention, from its ``urls.py``:
``urlpatterns`` (web pages), ``api_urlpatterns`` (under /api/v1/), ``fhir_urlpatterns``
(under /fhir/) and ``hsds_urlpatterns`` (under /hsds/). The apps are the installed ones
of the one list (``referral_hub/apps_list.py``), mounted lowest layer first."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from referral_hub import language, ops
from referral_hub.apps_list import app_modules


def _collect(attr: str) -> list[Any]:
    patterns: list[Any] = []
    for module in app_modules("urls"):
        patterns += getattr(module, attr, [])
    return patterns


api_urlpatterns = [
    *_collect("api_urlpatterns"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/v1/", include(api_urlpatterns)),
    path("fhir/", include(_collect("fhir_urlpatterns"))),
    path("hsds/", include(_collect("hsds_urlpatterns"))),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    path("i18n/setlang/", language.set_language, name="set_language"),
    *_collect("urlpatterns"),
]

# Error pages in the app's layout and the reader's language (JSON under the API prefixes),
# as people registers them (referral_hub/errorviews.py); Django's technical pages only
# with DJANGO_DEBUG_PAGES=1.
handler400 = "referral_hub.errorviews.bad_request"
handler403 = "referral_hub.errorviews.permission_denied"
handler404 = "referral_hub.errorviews.page_not_found"
handler500 = "referral_hub.errorviews.server_error"
