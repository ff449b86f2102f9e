"""Routes. Each app contributes, by convention, from its ``urls.py``:
``urlpatterns`` (web pages), ``api_urlpatterns`` (under /api/v1/), ``fhir_urlpatterns``
(under /fhir/) and ``hsds_urlpatterns`` (under /hsds/)."""

from __future__ import annotations

from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from referral_hub import accounts, ops

APPS = ["directory", "endorsement", "families", "consent", "referrals", "messaging", "indicators", "audit"]


def _collect(attr: str) -> list:
    patterns: list = []
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
    path("auth/token/", accounts.ObtainTokenApi.as_view(), name="api-token"),
    path("me/", accounts.MeApi.as_view(), name="api-me"),
    *_collect("api_urlpatterns"),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
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
