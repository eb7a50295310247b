from django.urls import path

from baosong.workdays import views

urlpatterns = [
    path("manage/calendar/", views.calendar_home, name="calendar_home"),
    path("manage/calendar/<int:year>/", views.calendar_page, name="calendar_page"),
    path("manage/calendar/<int:year>/day", views.calendar_day_set, name="calendar_day_set"),
    path("manage/calendar/<int:year>/remove", views.calendar_day_remove, name="calendar_day_remove"),
    path("manage/calendar/<int:year>/year", views.calendar_year_set, name="calendar_year_set"),
]
