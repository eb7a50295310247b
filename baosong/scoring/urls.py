from django.urls import path

from baosong.scoring import views

urlpatterns = [
    path("stats/", views.stats_dashboard, name="stats_dashboard"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
]
