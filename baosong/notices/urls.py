from django.urls import path

from baosong.notices import views

urlpatterns = [
    path("notices/", views.notification_list, name="notification_list"),
    path("notices/unread", views.unread_count, name="notification_unread"),
    path("notices/read", views.mark_read, name="notification_mark_read"),
    path("notices/<int:pk>/open", views.open_notification, name="notification_open"),
    path("solicitations/", views.solicitation_list, name="solicitation_list"),
    path("solicitations/new", views.solicitation_new, name="solicitation_new"),
    path("solicitations/open-options", views.solicitation_options, name="solicitation_options"),
    path("solicitations/<int:pk>/", views.solicitation_detail, name="solicitation_detail"),
    path("solicitations/<int:pk>/attachment", views.solicitation_attachment, name="solicitation_attachment"),
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/for-issue/<int:issue_pk>", views.issue_instructions, name="issue_instructions"),
    path(
        "instructions/for-report/<int:report_pk>", views.report_editorial_trail, name="report_editorial_trail"
    ),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/scan", views.instruction_scan, name="instruction_scan"),
    path("instructions/<int:pk>/<str:action>", views.instruction_action, name="instruction_action"),
]
