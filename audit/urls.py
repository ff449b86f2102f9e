from django.urls import path

from audit import apis, views

# The guardian's access-log pages belong to the consent app (the gate's owner).
urlpatterns = [
    path("audit/export/", views.export, name="audit-export"),
]

api_urlpatterns = [
    path("audit/export/", apis.AuditExportApi.as_view(), name="api-audit-export"),
]
