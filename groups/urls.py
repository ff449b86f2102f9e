"""Groups routes. Each helper's block stays apart (the integrator merges them)."""

from django.urls import path

from groups import host_apis, host_views

# --- the host's side (create, edit, cancel, roster, attendance) ------------------------

host_urlpatterns = [
    path("groups/host/", host_views.host_groups, name="group-host-list"),
    path("groups/host/new/", host_views.group_new, name="group-host-create"),
    path("groups/host/<int:group_id>/edit/", host_views.group_edit, name="group-host-edit"),
    path("groups/host/<int:group_id>/cancel/", host_views.group_cancel, name="group-host-cancel"),
    path("groups/host/<int:group_id>/roster/", host_views.group_roster, name="group-host-roster"),
    path(
        "groups/host/<int:group_id>/sessions/<str:start>/attendance/",
        host_views.session_attendance,
        name="group-host-attendance",
    ),
]

host_api_urlpatterns = [
    # POST only; the public list (GET) of the same path is another view: merge them.
    path("groups/", host_apis.GroupCreateApi.as_view(), name="api-group-create"),
    # PATCH only; the public detail (GET) of the same path is another view: merge them.
    path("groups/<int:group_id>/", host_apis.GroupEditApi.as_view(), name="api-group-edit"),
    path("groups/<int:group_id>/cancel/", host_apis.GroupCancelApi.as_view(), name="api-group-cancel"),
    path("groups/<int:group_id>/roster/", host_apis.GroupRosterApi.as_view(), name="api-group-roster"),
    path(
        "groups/<int:group_id>/sessions/<str:start>/attendance/",
        host_apis.SessionAttendanceApi.as_view(),
        name="api-group-session-attendance",
    ),
]

urlpatterns = [*host_urlpatterns]
api_urlpatterns = [*host_api_urlpatterns]
