from django.urls import path

from people import accounts

urlpatterns = [
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", accounts.LogoutView.as_view(), name="logout"),
    path("accounts/settings/", accounts.account_settings, name="account-settings"),
    # Django's i18n URL, wrapped to remember a signed-in person's choice on the account.
    path("accounts/password/change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        accounts.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

api_urlpatterns = [
    path("auth/token/", accounts.ObtainTokenApi.as_view(), name="api-token"),
    path("me/", accounts.MeApi.as_view(), name="api-me"),
]
