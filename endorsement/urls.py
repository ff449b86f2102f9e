from django.urls import path

from endorsement import apis, views

urlpatterns = [
    path("endorsement/", views.portfolio_page, name="endorsement-portfolio"),
    path("endorsement/training/", views.entry_add, {"kind": "training"}, name="endorsement-training-add"),
    path("endorsement/rsc/", views.entry_add, {"kind": "rsc"}, name="endorsement-rsc-add"),
    path("endorsement/education/", views.entry_add, {"kind": "education"}, name="endorsement-education-add"),
    path("endorsement/work/", views.entry_add, {"kind": "work"}, name="endorsement-work-add"),
    path("endorsement/<str:kind>/<int:pk>/edit/", views.entry_edit, name="endorsement-entry-edit"),
    path("endorsement/<str:kind>/<int:pk>/delete/", views.entry_delete, name="endorsement-entry-delete"),
    path("endorsement/apply/", views.application_create, name="endorsement-apply"),
    path("endorsement/applications/<int:pk>/", views.application_page, name="endorsement-application"),
    path("endorsement/applications/<int:pk>/submit/", views.application_submit, name="endorsement-submit"),
    path(
        "endorsement/applications/<int:pk>/references/",
        views.reference_request,
        name="endorsement-reference-add",
    ),
    path("endorsement/applications/<int:pk>/assign/", views.application_assign, name="endorsement-assign"),
    path("endorsement/applications/<int:pk>/review/", views.application_review, name="endorsement-review"),
    path("endorsement/curate/", views.curator_queue_page, name="endorsement-curate"),
    path(
        "endorsement/curate/endorsements/<int:endorsement_id>/reinstate/",
        views.term_reinstate,
        name="endorsement-reinstate",
    ),
    path("endorsement/documents/", views.document_upload, name="endorsement-document-upload"),
    path(
        "endorsement/letters/<int:endorsement_id>.pdf",
        views.verification_letter,
        name="endorsement-letter",
    ),
    path("endorsement/reviews/", views.reviewer_page, name="endorsement-reviews"),
    path("endorsement/exams/<str:exam_code>/score/", views.exam_score, name="endorsement-exam-score"),
    path("references/<str:token>/", views.reference_page, name="endorsement-reference-answer"),
    path("verify/", views.verify_page, name="verify"),
]

api_urlpatterns = [
    path("endorsement/training/", apis.entry_list_view("training"), name="api-endorsement-training"),
    path(
        "endorsement/training/<int:pk>/",
        apis.entry_detail_view("training"),
        name="api-endorsement-training-entry",
    ),
    path("endorsement/rsc/", apis.entry_list_view("rsc"), name="api-endorsement-rsc"),
    path("endorsement/rsc/<int:pk>/", apis.entry_detail_view("rsc"), name="api-endorsement-rsc-entry"),
    path("endorsement/education/", apis.entry_list_view("education"), name="api-endorsement-education"),
    path(
        "endorsement/education/<int:pk>/",
        apis.entry_detail_view("education"),
        name="api-endorsement-education-entry",
    ),
    path("endorsement/work/", apis.entry_list_view("work"), name="api-endorsement-work"),
    path("endorsement/work/<int:pk>/", apis.entry_detail_view("work"), name="api-endorsement-work-entry"),
    path("endorsement/applications/", apis.ApplicationListApi.as_view(), name="api-endorsement-applications"),
    path(
        "endorsement/applications/<int:pk>/",
        apis.ApplicationDetailApi.as_view(),
        name="api-endorsement-application",
    ),
    path(
        "endorsement/applications/<int:pk>/submit/",
        apis.ApplicationSubmitApi.as_view(),
        name="api-endorsement-submit",
    ),
    path(
        "endorsement/applications/<int:pk>/withdraw/",
        apis.ApplicationWithdrawApi.as_view(),
        name="api-endorsement-withdraw",
    ),
    path(
        "endorsement/applications/<int:pk>/references/",
        apis.ReferenceRequestApi.as_view(),
        name="api-endorsement-references",
    ),
    path(
        "endorsement/applications/<int:pk>/assign/",
        apis.ApplicationAssignApi.as_view(),
        name="api-endorsement-assign",
    ),
    path(
        "endorsement/applications/<int:pk>/review/",
        apis.ApplicationReviewApi.as_view(),
        name="api-endorsement-review",
    ),
    path("endorsement/documents/", apis.DocumentListApi.as_view(), name="api-endorsement-documents"),
    path(
        "endorsement/documents/<int:pk>/", apis.DocumentDownloadApi.as_view(), name="api-endorsement-document"
    ),
    path(
        "endorsement/applications/<int:pk>/exam/", apis.ExamSubmitApi.as_view(), name="api-endorsement-exam"
    ),
    path("endorsement/exams/", apis.ExamListApi.as_view(), name="api-endorsement-exams"),
    path(
        "endorsement/exams/<str:exam_code>/score/",
        apis.ExamScoreApi.as_view(),
        name="api-endorsement-exam-score",
    ),
    path("endorsement/renewal/", apis.RenewalApi.as_view(), name="api-endorsement-renewal"),
    path("verify/<str:credential_number>/", apis.VerifyApi.as_view(), name="api-verify"),
]

fhir_urlpatterns = [
    path("Practitioner/<int:provider_id>", apis.FhirPractitionerApi.as_view(), name="fhir-practitioner"),
    path(
        "VerificationResult/<int:endorsement_id>",
        apis.FhirVerificationResultApi.as_view(),
        name="fhir-verificationresult",
    ),
]
