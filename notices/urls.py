from django.urls import path

from notices import apis, views

api_urlpatterns = [
    path("notices/", apis.NoticeListApi.as_view(), name="api-notice-list"),
    path("notices/read/", apis.NoticeMarkReadApi.as_view(), name="api-notice-read"),
]

urlpatterns = [
    path("notices/", views.notice_centre, name="notices"),
    path("notices/read/", views.notices_read, name="notices-read"),
    path("notices/<int:pk>/", views.notice_open, name="notice-open"),
]
