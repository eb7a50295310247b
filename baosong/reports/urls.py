from django.urls import path

from baosong.reports import behalf_views, views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new", views.report_new, name="report_new"),
    path("reports/ledger/", views.ledger_page, name="ledger"),
    path("reports/ledger/export.<str:fmt>", views.ledger_export, name="ledger_export"),
    path("reports/review/", views.review_queue, name="review_queue"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/autosave", views.report_autosave, name="report_autosave"),
    path("reports/<int:pk>/checks", views.report_live_checks, name="report_checks"),
    path("reports/new/checks", views.report_new_checks, name="report_new_checks"),
    path("reports/<int:pk>/follow-up", views.report_follow_up, name="report_follow_up"),
    path("reports/<int:pk>/resubmit/<int:submission_pk>", views.report_resubmit, name="report_resubmit"),
    path("reports/import-docx", views.report_import_docx, name="report_import_docx"),
    path("reports/<int:pk>/attachments", views.attachment_upload, name="attachment_upload"),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/remove",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("attachments/<int:attachment_pk>", views.attachment_download, name="attachment_download"),
    path(
        "external-adoptions/<int:adoption_pk>/evidence",
        views.external_evidence_download,
        name="external_evidence_download",
    ),
    path("reports/<int:pk>/<str:action>", views.report_action, name="report_action"),
    path("manage/rules/", views.rules_page, name="rules_page"),
    path("manage/rules/categories/new", views.category_new, name="category_new"),
    path("manage/rules/categories/<int:pk>/", views.category_edit, name="category_edit"),
    path("manage/rules/categories/<int:pk>/<str:action>", views.category_action, name="category_action"),
    path("manage/rules/<str:action>", views.rules_action, name="rules_action"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk", views.inbox_bulk, name="inbox_bulk"),
    path("inbox/register", behalf_views.behalf_register, name="behalf_register"),
    path("inbox/<int:pk>/", views.submission_detail, name="submission_detail"),
    path("inbox/<int:pk>/<str:action>", views.submission_action, name="submission_action"),
]
