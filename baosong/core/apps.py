from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "baosong.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from baosong.core import workflow  # noqa: F401 — declares its actions in the registry
