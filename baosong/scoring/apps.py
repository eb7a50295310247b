from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "baosong.scoring"
    label = "scoring"
    verbose_name = "积分统计"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer
        from baosong.scoring.consumers import on_event

        register_consumer("scoring", on_event)
