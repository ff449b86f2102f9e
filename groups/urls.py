from django.urls import path

from groups import apis, host_apis, host_views, views

# The groups API: finding, registering, calendars, and the host's side.
api_urlpatterns = [
    # GET finds groups (anyone); POST publishes one (its host).
    path("groups/", apis.GroupCollectionApi.as_view(), name="api-group-list"),
    # GET reads one (anyone); PATCH changes it (its host or a curator).
    path("groups/<int:group_id>/", apis.GroupItemApi.as_view(), name="api-group-detail"),
    path("groups/<int:group_id>/register/", apis.GroupRegisterApi.as_view(), name="api-group-register"),
    path("groups/<int:group_id>/calendar.ics", apis.GroupCalendarApi.as_view(), name="api-group-calendar"),
    path("groups/registrations/", apis.RegistrationListApi.as_view(), name="api-group-registration-list"),
    path(
        "groups/registrations/<int:registration_id>/cancel/",
        apis.RegistrationCancelApi.as_view(),
        name="api-group-registration-cancel",
    ),
    path(
        "groups/registrations/<int:registration_id>/calendar.ics",
        apis.RegistrationCalendarApi.as_view(),
        name="api-group-registration-calendar",
    ),
    # The host's side: cancel, the roster, attendance.
    path("groups/<int:group_id>/cancel/", host_apis.GroupCancelApi.as_view(), name="api-group-cancel"),
    path("groups/<int:group_id>/roster/", host_apis.GroupRosterApi.as_view(), name="api-group-roster"),
    path(
        "groups/<int:group_id>/sessions/<str:start>/attendance/",
        host_apis.SessionAttendanceApi.as_view(),
        name="api-group-session-attendance",
    ),
]

# Family pages (the directory's Groups tab, a group's page, registering, the result,
# the family's registrations), then the host's pages.
urlpatterns = [
    path("groups/", views.search_page, name="group-search"),
    path("groups/<int:group_id>/", views.group_page, name="group-page"),
    path("groups/<int:group_id>/register/", views.register_page, name="group-register"),
    path("groups/registrations/<int:registration_id>/", views.registration_page, name="group-registration"),
    path(
        "groups/registrations/<int:registration_id>/cancel/",
        views.cancel_page,
        name="group-registration-cancel",
    ),
    path(
        "groups/registrations/link/<str:token>/",
        views.registration_link_page,
        name="group-registration-link",
    ),
    path("portal/groups/", views.my_registrations, name="group-my-registrations"),
    # The host's side: the groups a provider runs, their roster and attendance.
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
