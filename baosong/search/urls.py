from django.urls import path

from baosong.search import views

urlpatterns = [
    path("search/", views.search_page, name="search"),
]
