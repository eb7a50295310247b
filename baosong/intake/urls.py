from django.urls import path

from baosong.intake import views

urlpatterns = [
    path("intake/", views.intake_list, name="intake_list"),
    path("intake/<int:pk>/", views.intake_detail, name="intake_detail"),
    path("intake/<int:pk>/release", views.intake_release, name="intake_release"),
    path("intake/<int:pk>/discard", views.intake_discard, name="intake_discard"),
]
