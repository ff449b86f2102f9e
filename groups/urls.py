from django.urls import path

from groups import apis

# --- The groups API (h-gapi): finding, registering, calendars ------------------------
api_urlpatterns = [
    path("groups/", apis.GroupListApi.as_view(), name="api-group-list"),
    path("groups/<int:group_id>/", apis.GroupDetailApi.as_view(), name="api-group-detail"),
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
]
# --- end of the groups API ------------------------------------------------------------
