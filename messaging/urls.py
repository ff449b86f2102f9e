from django.urls import path

from messaging import apis, views

api_urlpatterns = [
    path("cases/<int:case_id>/messages/", apis.CaseMessagesApi.as_view(), name="api-case-messages"),
]

urlpatterns = [
    # The case chat on a page of its own (the case page, cases, includes it as a section).
    path("cases/<int:case_id>/chat/", views.case_chat_page, name="case-chat"),
]
