"""Outputs of structured reports: roll-up files, the recipients' package, the form dashboard. Included
before ``datareports.urls``, whose ``c/<pk>/u/<unit_id>/<action>`` would otherwise take rollup.xlsx."""

from django.urls import path

from baosong.datareports import views_outputs

urlpatterns = [
    path(
        "datareports/c/<int:coll_id>/u/<int:unit_id>/v/<int:number>/rollup.<str:fmt>",
        views_outputs.rollup_export,
        name="dr_rollup_version",
    ),
    path(
        "datareports/c/<int:coll_id>/u/<int:unit_id>/rollup.<str:fmt>",
        views_outputs.rollup_export,
        name="dr_rollup",
    ),
    path(
        "datareports/c/<int:coll_id>/u/<int:unit_id>/v/<int:number>/package.zip",
        views_outputs.recipients_package,
        name="dr_package",
    ),
    path("datareports/forms/<int:form_id>/dashboard", views_outputs.form_dashboard, name="dr_dashboard"),
]
