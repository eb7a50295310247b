from django.urls import path

from baosong.help import views

urlpatterns = [
    path("help/", views.help_index, name="help_index"),
    path("help/<slug:slug>/", views.help_chapter, name="help_chapter"),
]
