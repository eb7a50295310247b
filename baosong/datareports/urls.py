from django.urls import path

from baosong.datareports import views

urlpatterns = [
    path("datareports/", views.dr_index, name="dr_index"),
    path("datareports/new", views.dr_collection_new, name="dr_collection_new"),
    path("datareports/forms/", views.dr_forms, name="dr_forms"),
    path("datareports/forms/new", views.dr_form_new, name="dr_form_new"),
    path("datareports/forms/<int:pk>/", views.dr_form, name="dr_form"),
    path("datareports/forms/<int:pk>/revise", views.dr_form_revise, name="dr_form_revise"),
    path("datareports/policy", views.dr_policy, name="dr_policy"),
    path("datareports/c/<int:pk>/", views.dr_collection, name="dr_collection"),
    path("datareports/c/<int:pk>/u/<int:unit_id>/", views.dr_return, name="dr_return"),
    path("datareports/c/<int:pk>/u/<int:unit_id>/save", views.dr_return_save, name="dr_return_save"),
    path(
        "datareports/c/<int:pk>/u/<int:unit_id>/validate", views.dr_return_validate, name="dr_return_validate"
    ),
    path("datareports/c/<int:pk>/u/<int:unit_id>/upload", views.dr_upload, name="dr_upload"),
    path("datareports/c/<int:pk>/u/<int:unit_id>/diff", views.dr_diff, name="dr_diff"),
    path(
        "datareports/c/<int:pk>/u/<int:unit_id>/<str:action>",
        views.dr_return_action,
        name="dr_return_action",
    ),
]
