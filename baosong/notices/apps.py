from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "baosong.notices"
    label = "notices"
    verbose_name = "通知与批示"
