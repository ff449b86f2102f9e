from django.urls import path

from families import apis, password_reset, views

urlpatterns = [
    path("accounts/register/", views.register, name="families-register"),
    path("accounts/confirm/<str:token>/", views.confirm, name="families-confirm"),
    # Password reset for every account (Django's names, so its views find each other).
    path("accounts/password/reset/", password_reset.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        password_reset.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        password_reset.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        password_reset.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="families-invitation"),
    path("portal/children/add/", views.add_child, name="families-add-child"),
    path("portal/provider/invite/", views.invite, name="families-invite"),
]

api_urlpatterns = [
    path("invitations/", apis.InvitationApi.as_view(), name="api-invitations"),
]
