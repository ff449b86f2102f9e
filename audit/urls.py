from django.urls import path

from audit import apis, views

urlpatterns = [
    path("portal/children/<int:child_id>/access-log/", views.access_log, name="portal-access-log"),
    path("audit/export/", views.export, name="audit-export"),
]

api_urlpatterns = [
    path("children/<int:child_id>/access-log/", apis.AccessLogApi.as_view(), name="api-child-access-log"),
    path("audit/export/", apis.AuditExportApi.as_view(), name="api-audit-export"),
]
