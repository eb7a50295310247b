from django.urls import path

from baosong.oversight import views

urlpatterns = [
    path("oversight/", views.oversight_page, name="oversight_home"),
    path("oversight/settings", views.global_settings, name="oversight_settings"),
    path("oversight/unit-settings", views.unit_settings, name="oversight_unit_settings"),
    path("oversight/omissions/<int:pk>/", views.alert_detail, name="oversight_alert"),
    path("oversight/omissions/<int:pk>/handle", views.alert_handle, name="oversight_alert_handle"),
]
