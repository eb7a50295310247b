from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "baosong.notices"
    label = "notices"
    verbose_name = "通知与批示"

    def ready(self) -> None:
        from baosong.notices import (
            workbench,
            workflow,  # noqa: F401 — declares its actions in the registry
        )

        workbench.register()
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.notices.consumers import on_event
        from baosong.notices.services import instructions_overdue_tick, solicitations_tick

        register_consumer("notices", on_event)
        register_periodic("notices.instructions_overdue", instructions_overdue_tick, 300)
        register_periodic("notices.solicitations", solicitations_tick, 300)
