"""The project's routes plus two that fail on purpose (a page and an API route), for the
500 tests. The error handlers come with the star import, as in production."""

from django.urls import path

from referral_hub.urls import *  # noqa: F403
from referral_hub.urls import urlpatterns as project_urlpatterns


def boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-boom/", boom, name="test-boom"),
    path("api/v1/test-boom/", boom, name="test-api-boom"),
    *project_urlpatterns,
]
