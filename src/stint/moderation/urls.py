from django.urls import path

from stint.moderation import views

urlpatterns = [
    path("", views.queue, name="moderation_queue"),
    path("report/", views.report, name="moderation_report"),
    path("verification/<int:org_id>/", views.verification, name="moderation_verification"),
    path(
        "verification/requests/<int:request_id>/",
        views.verification_detail,
        name="moderation_verification_detail",
    ),
    path(
        "verification/requests/<int:request_id>/approve/",
        views.verification_approve,
        name="moderation_verification_approve",
    ),
    path(
        "verification/requests/<int:request_id>/refuse/",
        views.verification_refuse,
        name="moderation_verification_refuse",
    ),
    path("documents/<int:document_id>/", views.document_download, name="moderation_document"),
    path("reports/<int:report_id>/", views.report_detail, name="moderation_report_detail"),
    path(
        "postings/<int:opportunity_id>/approve/",
        views.posting_approve,
        name="moderation_posting_approve",
    ),
    path(
        "postings/<int:opportunity_id>/refuse/",
        views.posting_refuse,
        name="moderation_posting_refuse",
    ),
    path("audit/", views.audit_log, name="moderation_audit"),
]
