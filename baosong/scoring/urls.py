from django.urls import path

from baosong.scoring import views

urlpatterns = [
    path("stats/", views.stats_dashboard, name="stats_dashboard"),
    path("stats/nonconforming/<int:submission_pk>", views.flag_nonconforming, name="flag_nonconforming"),
    path("stats/ledger/", views.stats_ledger, name="stats_ledger"),
    path("stats/export.xlsx", views.stats_export, name="stats_export"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/document.<str:fmt>", views.bulletin_document, name="bulletin_document"),
    path("scoring/appraisal/", views.appraisal_home, name="appraisal_home"),
    path("scoring/appraisal/<int:year>/", views.appraisal_page, name="appraisal_page"),
    path("scoring/appraisal/<int:year>/export.xlsx", views.appraisal_export, name="appraisal_export"),
    path("scoring/targets/", views.targets_page, name="targets_page"),
    path("manage/scoring/", views.rules_admin, name="rules_admin"),
    path("manage/scoring/<int:pk>/", views.rule_set_edit, name="rule_set_edit"),
]
