from django.urls import path

from baosong.editorial import views

urlpatterns = [
    path("manage/templates/", views.template_list, name="template_list"),
    path("manage/templates/<int:pk>/", views.template_edit, name="template_edit"),
    path("manage/templates/<int:pk>/preview", views.template_preview, name="template_preview"),
    path(
        "manage/templates/<int:pk>/preview.pdf",
        views.template_preview,
        {"fmt": "pdf"},
        name="template_preview_pdf",
    ),
    path("manage/publications/", views.publication_list, name="publication_list"),
    path("manage/publications/<int:pk>/", views.publication_edit, name="publication_edit"),
    path("issues/", views.issue_list, name="issue_list"),
    path("issues/new", views.issue_new, name="issue_new"),
    path("issues/open-options", views.open_issue_options, name="issue_open_options"),
    path("issues/<int:pk>/", views.issue_detail, name="issue_detail"),
    path("issues/<int:pk>/candidates", views.issue_candidates, name="issue_candidates"),
    path("issues/<int:pk>/preview", views.issue_preview, name="issue_preview"),
    path("issues/<int:pk>/readers", views.issue_readers, name="issue_readers"),
    path("issues/<int:pk>/document.docx", views.issue_document, {"fmt": "docx"}, name="issue_docx"),
    path("issues/<int:pk>/document.pdf", views.issue_document, {"fmt": "pdf"}, name="issue_pdf"),
    path("issues/<int:pk>/document.ofd", views.issue_document, {"fmt": "ofd"}, name="issue_ofd"),
    path("issues/<int:pk>/items/<int:item_pk>/<str:action>", views.item_action, name="item_action"),
    path("issues/<int:pk>/<str:action>", views.issue_action, name="issue_action"),
    path("reading/", views.reading_list, name="reading_list"),
    path("reading/<int:pk>/", views.reading_detail, name="reading_detail"),
    path("reports/<int:pk>/review-sheet.pdf", views.review_sheet_pdf, name="review_sheet_pdf"),
    path("reports/<int:pk>/review-sheet.docx", views.review_sheet_docx, name="review_sheet_docx"),
]
