from django.urls import path

from groups import apis, views

# --- The groups API: finding, registering, calendars
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

# Family pages (the directory's Groups tab, a group's page, registering, the result,
# the family's registrations). The API's and the facilitators' blocks sit beside it.
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
]
