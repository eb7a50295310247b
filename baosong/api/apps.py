from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "baosong.api"
    label = "api"
    verbose_name = "接口"
