from django.urls import path

from cases import apis, views

api_urlpatterns = [
    path("cases/", apis.CaseListApi.as_view(), name="api-case-list"),
    path("cases/<int:pk>/", apis.CaseDetailApi.as_view(), name="api-case-detail"),
]

urlpatterns = [
    path("cases/", views.cases_page, name="cases"),
    path("cases/<int:pk>/", views.case_page, name="case-page"),
]
