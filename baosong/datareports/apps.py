from django.apps import AppConfig


class DatareportsConfig(AppConfig):
    name = "baosong.datareports"
    label = "datareports"
    verbose_name = "数据报表"

    def ready(self) -> None:
        from baosong.datareports import workflow  # noqa: F401  (declares the actions)
