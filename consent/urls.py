from django.urls import path

from consent import (
    apis,
    authority_apis,
    authority_views,
    child_apis,
    household_views,
    request_apis,
    request_views,
    views,
)
from consent.authority_end_apis import AuthorityEndApi

urlpatterns = [
    path("portal/", views.portal, name="portal"),
    path("portal/children/<int:child_id>/", views.child_page, name="portal-child"),
    path("portal/children/<int:child_id>/share/", views.consent_new, name="portal-consent-new"),
    path("portal/consents/<int:consent_id>/revoke/", views.consent_revoke, name="portal-consent-revoke"),
    path("portal/consents/<int:consent_id>/print/", views.consent_print, name="portal-consent-print"),
    path("portal/provider/", views.provider_children, name="portal-provider"),
    path("portal/children/<int:child_id>/access-log/", views.access_log, name="portal-access-log"),
    path("portal/household/", household_views.household, name="portal-household"),
    path(
        "portal/children/<int:child_id>/household/",
        household_views.child_household,
        name="portal-child-household",
    ),
    path(
        "portal/consent-requests/<int:request_id>/",
        request_views.consent_request_page,
        name="portal-consent-request",
    ),
    path("consent-requests/new/", request_views.consent_request_new, name="consent-request-new"),
    path("authority/", authority_views.find_child, name="authority-find"),
    path("authority/children/<int:child_id>/", authority_views.child_orders, name="authority-child"),
]

api_urlpatterns = [
    path("children/", child_apis.ChildrenApi.as_view(), name="api-children"),
    path("children/<int:child_id>/", child_apis.ChildDetailApi.as_view(), name="api-child"),
    path("consents/", apis.ConsentsApi.as_view(), name="api-consents"),
    path("consents/attested/", apis.ConsentAttestApi.as_view(), name="api-consent-attest"),
    path("consents/<int:consent_id>/revoke/", apis.ConsentRevokeApi.as_view(), name="api-consent-revoke"),
    path("children/<int:child_id>/access-log/", apis.AccessLogApi.as_view(), name="api-child-access-log"),
    path(
        "children/<int:child_id>/authority/",
        authority_apis.AuthorityApi.as_view(),
        name="api-child-authority",
    ),
    path(
        "children/<int:child_id>/restrictions/",
        authority_apis.RestrictionsApi.as_view(),
        name="api-child-restrictions",
    ),
    path("authorities/<int:authority_id>/end/", AuthorityEndApi.as_view(), name="api-authority-end"),
    path("documents/", authority_apis.OrderDocumentsApi.as_view(), name="api-order-documents"),
    path("consent-requests/", request_apis.ConsentRequestsApi.as_view(), name="api-consent-requests"),
    path(
        "consent-requests/<int:request_id>/sign/",
        request_apis.ConsentRequestSignApi.as_view(),
        name="api-consent-request-sign",
    ),
    path(
        "consent-requests/<int:request_id>/decline/",
        request_apis.ConsentRequestDeclineApi.as_view(),
        name="api-consent-request-decline",
    ),
]

fhir_urlpatterns = [
    path("Consent/<int:consent_id>", apis.FhirConsentApi.as_view(), name="fhir-consent"),
]
