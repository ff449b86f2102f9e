from django.urls import path

from referrals import apis, fhir, partner_views, step_apis, step_views, views

api_urlpatterns = [
    path("referrals/", apis.ReferralListCreateApi.as_view(), name="api-referral-list"),
    path("referrals/counts/", apis.ReferralCountsApi.as_view(), name="api-referral-counts"),
    path("referrals/recipients/", apis.RecipientSearchApi.as_view(), name="api-referral-recipients"),
    path(
        "referrals/screenings/validate/",
        apis.ScreeningValidateApi.as_view(),
        name="api-referral-screening-validate",
    ),
    path("referrals/<int:pk>/", apis.ReferralDetailApi.as_view(), name="api-referral-detail"),
    path("referrals/<int:pk>/accept/", apis.ReferralAcceptApi.as_view(), name="api-referral-accept"),
    path("referrals/<int:pk>/decline/", apis.ReferralDeclineApi.as_view(), name="api-referral-decline"),
    path("referrals/<int:pk>/schedule/", apis.ReferralScheduleApi.as_view(), name="api-referral-schedule"),
    path("referrals/<int:pk>/complete/", apis.ReferralCompleteApi.as_view(), name="api-referral-complete"),
    path(
        "referrals/<int:pk>/family-needs-met/",
        apis.ReferralFamilyNeedsMetApi.as_view(),
        name="api-referral-family-needs-met",
    ),
    path("referrals/<int:pk>/cancel/", apis.ReferralCancelApi.as_view(), name="api-referral-cancel"),
    path(
        "referrals/<int:pk>/reschedule/", apis.ReferralRescheduleApi.as_view(), name="api-referral-reschedule"
    ),
    # The family's next steps (issue 27; referrals/steps.py).
    path("referrals/<int:pk>/steps/", step_apis.StepListAddApi.as_view(), name="api-referral-steps"),
    path(
        "referrals/<int:pk>/steps/<int:step_pk>/done/",
        step_apis.StepMarkApi.as_view(),
        name="api-referral-step-done",
    ),
]

fhir_urlpatterns = [
    path("ServiceRequest/<int:pk>", fhir.ServiceRequestApi.as_view(), name="fhir-servicerequest"),
    path("Task/<int:pk>", fhir.TaskApi.as_view(), name="fhir-task"),
    path("Task/step-<int:pk>", step_apis.StepTaskApi.as_view(), name="fhir-task-step"),
    path("Task", step_apis.StepTaskSearchApi.as_view(), name="fhir-task-search"),
]

urlpatterns = [
    path("dashboard/", views.dashboard, name="referrals-dashboard"),
    path("referrals/new/", views.referral_new, name="referral-new"),
    path("referrals/<int:pk>/", views.referral_page, name="referral-page"),
    path("referrals/<int:pk>/steps/new/", step_views.step_add, name="referral-step-add"),
    path("referrals/<int:pk>/<str:verb>/", views.referral_action, name="referral-action"),
    path("portal/referrals/", views.portal_referrals, name="portal-referrals"),
    path("portal/referrals/steps/<int:pk>/done/", step_views.step_mark, name="portal-step-done"),
    # A recipient without an account, from the one-time link it was e-mailed (no sign-in).
    path("r/<str:token>/", partner_views.partner_link_page, name="partner-link"),
    path(
        "portal/referrals/<int:pk>/needs-met/",
        views.portal_needs_met,
        name="portal-referral-needs-met",
    ),
]
