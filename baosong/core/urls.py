from django.urls import path

from baosong.core import views

urlpatterns = [
    path("", views.audit_list, name="audit_list"),
    path("verify", views.audit_verify_view, name="audit_verify"),
]
