from django.urls import path

from families import apis, views

urlpatterns = [
    path("accounts/register/", views.register, name="families-register"),
    path("accounts/confirm/<str:token>/", views.confirm, name="families-confirm"),
    path("invitations/<str:token>/", views.accept_invitation, name="families-invitation"),
    path("portal/children/add/", views.add_child, name="families-add-child"),
    path("portal/provider/invite/", views.invite, name="families-invite"),
]

api_urlpatterns = [
    path("invitations/", apis.InvitationApi.as_view(), name="api-invitations"),
]
