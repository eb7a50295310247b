from django.urls import path

from baosong.roster import views

urlpatterns = [
    path("roster/", views.roster_home, name="roster_home"),
    path("roster/missing", views.roster_missing, name="roster_missing"),
    path("roster/export.<str:fmt>", views.roster_export, name="roster_export"),
    path("roster/units/<int:pk>/", views.roster_unit, name="roster_unit"),
    path("roster/units/<int:pk>/new", views.roster_entry_new, name="roster_entry_new"),
    path("roster/entries/<int:pk>/edit", views.roster_entry_edit, name="roster_entry_edit"),
    path("roster/entries/<int:pk>/revoke", views.roster_entry_revoke, name="roster_entry_revoke"),
    path("roster/rounds/", views.roster_rounds, name="roster_rounds"),
    path("roster/rounds/new", views.roster_round_new, name="roster_round_new"),
    path("roster/rounds/<int:pk>/", views.roster_round, name="roster_round"),
    path("roster/rounds/<int:pk>/remind", views.roster_round_remind, name="roster_round_remind"),
    path(
        "roster/rounds/<int:pk>/units/<int:unit_id>/submit",
        views.roster_round_submit,
        name="roster_round_submit",
    ),
]
