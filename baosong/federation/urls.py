from django.urls import path

from baosong.federation import views

urlpatterns = [
    path("federation/", views.home, name="federation_home"),
    path("federation/peers/<int:pk>/", views.peer_page, name="federation_peer"),
    path("federation/peers/<int:pk>/status", views.peer_status, name="federation_peer_status"),
    path("federation/peers/<int:pk>/links", views.link_add, name="federation_link_add"),
    path(
        "federation/peers/<int:pk>/links/<int:link_id>/remove",
        views.link_remove,
        name="federation_link_remove",
    ),
    path("federation/messages/<int:pk>/retry", views.message_retry, name="federation_message_retry"),
    # Other deployments: the receiving end and this deployment's public key (no session).
    path("federation/inbox", views.inbox, name="federation_inbox"),
    path("federation/identity", views.identity_public, name="federation_identity"),
]
