from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "baosong.scoring"
    label = "scoring"
    verbose_name = "积分统计"

    def ready(self) -> None:
        from baosong.scoring import (
            workbench,
            workflow,  # noqa: F401 — declares its actions in the registry
        )

        workbench.register()
        from baosong.core.actions import registry
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.scoring.consumers import on_event
        from baosong.scoring.rollups import ROLLUP_EVENTS
        from baosong.scoring.services import SCORED_EVENTS
        from baosong.scoring.tasks import quota_tick

        register_consumer(
            "scoring",
            on_event,
            [
                registry.event_types[code]
                for code in sorted(SCORED_EVENTS | ROLLUP_EVENTS | {"scoring.backfill"})
            ],
        )
        register_periodic("scoring.quota", quota_tick, 3600)
