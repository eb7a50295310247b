from django.urls import path

from baosong.instructions import views

urlpatterns = [
    path("instructions/", views.instruction_list, name="instruction_list"),
    path("instructions/for-issue/<int:issue_pk>", views.issue_instructions, name="issue_instructions"),
    path(
        "instructions/for-report/<int:report_pk>", views.report_editorial_trail, name="report_editorial_trail"
    ),
    path("instructions/<int:pk>/", views.instruction_detail, name="instruction_detail"),
    path("instructions/<int:pk>/scan", views.instruction_scan, name="instruction_scan"),
    path("instructions/<int:pk>/<str:action>", views.instruction_action, name="instruction_action"),
]
