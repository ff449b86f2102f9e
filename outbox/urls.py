from django.urls import path

from outbox import apis

api_urlpatterns = [
    path("sms/inbound/", apis.SmsInboundApi.as_view(), name="api-sms-inbound"),
]
