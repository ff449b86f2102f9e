from django.urls import path

from directory import apis, hsds_apis, views

urlpatterns = [
    path("", views.search_page, name="home"),
    path("providers/<int:provider_id>/", views.provider_page, name="provider-page"),
    path("curate/", views.curate_page, name="curate"),
    path(
        "curate/endorsements/<int:endorsement_id>/verify/",
        views.endorsement_verify,
        name="curate-endorsement-verify",
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
]

hsds_urlpatterns = [
    path("services", hsds_apis.HsdsServiceListApi.as_view(), name="hsds-services"),
    path("services/<str:service_id>", hsds_apis.HsdsServiceDetailApi.as_view(), name="hsds-service"),
    path("organizations", hsds_apis.HsdsOrganizationListApi.as_view(), name="hsds-organizations"),
]
