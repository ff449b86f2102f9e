from django.urls import path

from messaging import apis, views

api_urlpatterns = [
    path("cases/", views.cases_page, name="cases"),
    path("cases/<int:case_id>/messages/", apis.CaseMessagesApi.as_view(), name="api-case-messages"),
]

urlpatterns = [
    path("cases/", views.cases_page, name="cases"),
    # Fallback page until the case page (referrals) includes the chat panel.
    path("cases/<int:case_id>/chat/", views.case_chat_page, name="case-chat"),
]
