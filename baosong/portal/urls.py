from django.urls import path

from baosong.portal import views

urlpatterns = [
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/issues/<int:pk>/", views.portal_issue, name="portal_issue"),
    path("portal/bulletins/<int:pk>/", views.portal_bulletin, name="portal_bulletin"),
]
