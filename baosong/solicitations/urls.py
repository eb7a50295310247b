from django.urls import path

from baosong.solicitations import views

urlpatterns = [
    path("solicitations/", views.solicitation_list, name="solicitation_list"),
    path("solicitations/new", views.solicitation_new, name="solicitation_new"),
    path("solicitations/open-options", views.solicitation_options, name="solicitation_options"),
    path(
        "solicitations/answered-by/<int:submission>",
        views.solicitation_answered_by,
        name="solicitation_answered_by",
    ),
    path("solicitations/<int:pk>/", views.solicitation_detail, name="solicitation_detail"),
    path("solicitations/<int:pk>/relay", views.solicitation_relay, name="solicitation_relay"),
    path("solicitations/<int:pk>/attachment", views.solicitation_attachment, name="solicitation_attachment"),
]
