from django.urls import path

from intake import apis, views

urlpatterns = [
    path("help/ask/", views.ask, name="intake-ask"),
    path("help/requests/<int:request_id>/", views.request_done, name="intake-request-done"),
    path("portal/requests/", views.my_requests, name="intake-my-requests"),
    path("portal/requests/<int:request_id>/sign/", views.sign, name="intake-sign"),
    path("portal/requests/<int:request_id>/withdraw/", views.withdraw, name="intake-withdraw"),
    path("coordination/", views.queue_page, name="intake-queue"),
    path("coordination/<int:request_id>/", views.queue_item_page, name="intake-queue-item"),
]

api_urlpatterns = [
    path("requests/", apis.RequestListCreateApi.as_view(), name="api-requests"),
    path("requests/<int:request_id>/sign/", apis.RequestSignApi.as_view(), name="api-request-sign"),
    path(
        "requests/<int:request_id>/withdraw/", apis.RequestWithdrawApi.as_view(), name="api-request-withdraw"
    ),
    path("coordination/queue/", apis.CoordinationQueueApi.as_view(), name="api-coordination-queue"),
    path(
        "coordination/queue/<int:request_id>/",
        apis.CoordinationQueueDetailApi.as_view(),
        name="api-coordination-queue-item",
    ),
    path(
        "coordination/queue/<int:request_id>/route/",
        apis.CoordinationRouteApi.as_view(),
        name="api-coordination-route",
    ),
]
