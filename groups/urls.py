from django.urls import path

from groups import views

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
