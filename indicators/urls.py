from django.urls import path

from indicators import apis, views

urlpatterns = [
    path("indicators/", views.dashboard, name="indicators-dashboard"),
]

api_urlpatterns = [
    path("indicators/", apis.IndicatorsApi.as_view(), name="api-indicators"),
    path("indicators/export.csv", apis.IndicatorsCsvApi.as_view(), name="api-indicators-csv"),
]
