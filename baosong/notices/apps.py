from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "baosong.notices"
    label = "notices"
    verbose_name = "通知与批示"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer
        from baosong.notices.consumers import on_event

        register_consumer("notices", on_event)
