from django.urls import path

from directory import (
    apis,
    credential_apis,
    credential_views,
    hsds_apis,
    listing_apis,
    listing_views,
    signup_views,
    views,
)

urlpatterns = [
    path("", views.search_page, name="home"),
    path("providers/<int:provider_id>/", views.provider_page, name="provider-page"),
    path("providers/<int:provider_id>/edit/", listing_views.listing_edit, name="listing-edit"),
    path("providers/<int:provider_id>/confirm/", listing_views.listing_confirm, name="listing-confirm"),
    path("providers/<int:provider_id>/report/", listing_views.listing_report, name="listing-report"),
    path("providers/<int:provider_id>/claim/", listing_views.listing_claim, name="listing-claim"),
    path("providers/<int:provider_id>/models/", credential_views.provider_models, name="provider-models"),
    path(
        "providers/<int:provider_id>/models/<slug:code>/remove/",
        credential_views.provider_model_remove,
        name="provider-model-remove",
    ),
    path("curate/models/", credential_views.curate_models, name="curate-models"),
    path(
        "curate/models/<int:credential_id>/verify/",
        credential_views.curate_model_verify,
        name="curate-model-verify",
    ),
    path(
        "curate/models/<int:credential_id>/reject/",
        credential_views.curate_model_reject,
        name="curate-model-reject",
    ),
    path("accounts/providers/signup/", signup_views.provider_signup, name="provider-signup"),
    path(
        "accounts/providers/confirm/<str:uid>/<str:token>/",
        signup_views.provider_signup_confirm,
        name="provider-signup-confirm",
    ),
    path("my-listing/capacity/", listing_views.capacity_quick, name="directory-capacity-quick"),
    path("curate/listings/", listing_views.listing_queue, name="listing-queue"),
    path(
        "curate/listings/claims/<int:claim_id>/approve/",
        listing_views.claim_approve,
        name="listing-claim-approve",
    ),
    path(
        "curate/listings/claims/<int:claim_id>/reject/",
        listing_views.claim_reject,
        name="listing-claim-reject",
    ),
    path(
        "curate/listings/flags/<int:flag_id>/resolve/",
        listing_views.flag_resolve,
        name="listing-flag-resolve",
    ),
    path("curate/", views.curate_page, name="curate"),
    path(
        "curate/endorsements/<int:endorsement_id>/verify/",
        views.endorsement_verify,
        name="curate-endorsement-verify",
    ),
    path(
        "curate/endorsements/<int:endorsement_id>/reverify/",
        views.endorsement_reverify,
        name="curate-endorsement-reverify",
    ),
    path(
        "curate/endorsements/<int:endorsement_id>/revoke/",
        views.endorsement_revoke,
        name="curate-endorsement-revoke",
    ),
]

api_urlpatterns = [
    path("providers/", apis.ProviderListApi.as_view(), name="api-provider-list"),
    path("providers/<int:provider_id>/", apis.ProviderDetailApi.as_view(), name="api-provider-detail"),
    path(
        "providers/<int:provider_id>/capacity/",
        listing_apis.ProviderCapacityApi.as_view(),
        name="api-provider-capacity",
    ),
    path(
        "providers/<int:provider_id>/claim/",
        listing_apis.ProviderClaimApi.as_view(),
        name="api-provider-claim",
    ),
    path(
        "providers/<int:provider_id>/flag/", listing_apis.ProviderFlagApi.as_view(), name="api-provider-flag"
    ),
    path(
        "providers/<int:provider_id>/models/",
        credential_apis.ProviderModelsApi.as_view(),
        name="api-provider-models",
    ),
    path(
        "providers/<int:provider_id>/models/<slug:code>/",
        credential_apis.ProviderModelRemoveApi.as_view(),
        name="api-provider-model-remove",
    ),
    path("curation/listings/", listing_apis.ListingQueueApi.as_view(), name="api-listing-queue"),
    path("curation/models/", credential_apis.CurationModelsApi.as_view(), name="api-curation-models"),
    path(
        "curation/models/<int:credential_id>/verify/",
        credential_apis.CurationModelVerifyApi.as_view(),
        name="api-curation-model-verify",
    ),
    path(
        "curation/models/<int:credential_id>/reject/",
        credential_apis.CurationModelRejectApi.as_view(),
        name="api-curation-model-reject",
    ),
    path(
        "curation/endorsements/<int:endorsement_id>/verify/",
        listing_apis.EndorsementVerifyApi.as_view(),
        name="api-curation-endorsement-verify",
    ),
    path(
        "listing-claims/<int:claim_id>/approve/",
        listing_apis.ClaimApproveApi.as_view(),
        name="api-listing-claim-approve",
    ),
    path(
        "listing-claims/<int:claim_id>/reject/",
        listing_apis.ClaimRejectApi.as_view(),
        name="api-listing-claim-reject",
    ),
    path(
        "listing-flags/<int:flag_id>/resolve/",
        listing_apis.FlagResolveApi.as_view(),
        name="api-listing-flag-resolve",
    ),
]

hsds_urlpatterns = [
    path("services", hsds_apis.HsdsServiceListApi.as_view(), name="hsds-services"),
    path("services/<str:service_id>", hsds_apis.HsdsServiceDetailApi.as_view(), name="hsds-service"),
    path("organizations", hsds_apis.HsdsOrganizationListApi.as_view(), name="hsds-organizations"),
]
