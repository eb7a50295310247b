from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "baosong.core"
    label = "core"
    verbose_name = "基础"
