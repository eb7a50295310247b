from django.urls import path

from baosong.notifications import views

urlpatterns = [
    path("notices/", views.notification_list, name="notification_list"),
    path("notices/unread", views.unread_count, name="notification_unread"),
    path("notices/read", views.mark_read, name="notification_mark_read"),
    path("notices/<int:pk>/open", views.open_notification, name="notification_open"),
]
