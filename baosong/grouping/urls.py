from django.urls import path

from baosong.grouping import views

urlpatterns = [
    path("inbox/groups/", views.groups_page, name="inbox_groups"),
    path("inbox/groups/summary", views.groups_fragment, name="inbox_groups_summary"),
    path("inbox/groups/<int:pk>/", views.group_detail, name="inbox_group"),
    path("inbox/groups/<int:pk>/compose", views.group_compose, name="inbox_group_compose"),
]
