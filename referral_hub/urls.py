"""Routes. Each app contributes, by convention, from its ``urls.py``:
``urlpatterns`` (web pages), ``api_urlpatterns`` (under /api/v1/), ``fhir_urlpatterns``
(under /fhir/) and ``hsds_urlpatterns`` (under /hsds/)."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from referral_hub import ops

APPS = [
    "people",
    "directory",
    "endorsement",
    "families",
    "consent",
    "cases",
    "referrals",
    "messaging",
    "indicators",
    "intake",
    "audit",
    "notices",
]


def _collect(attr: str) -> list[Any]:
    patterns: list[Any] = []
    for app in APPS:
        try:
            module = import_module(f"{app}.urls")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.urls":
                raise
            continue
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
    *_collect("urlpatterns"),
]

# Error pages in the app's layout and the reader's language (JSON under the API prefixes);
# Django's technical pages only with DJANGO_DEBUG_PAGES=1.
handler400 = "people.errorpages.bad_request"
handler403 = "people.errorpages.permission_denied"
handler404 = "people.errorpages.page_not_found"
handler500 = "people.errorpages.server_error"
