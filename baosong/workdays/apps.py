from django.apps import AppConfig


class WorkdaysConfig(AppConfig):
    name = "baosong.workdays"
    label = "workdays"
    verbose_name = "工作日历"

    def ready(self) -> None:
        from baosong.workdays import workflow  # noqa: F401  (declares the actions)
