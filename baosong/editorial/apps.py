from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "baosong.editorial"
    label = "editorial"
    verbose_name = "采编刊发"

    def ready(self) -> None:
        from baosong.editorial import (
            workbench,
            workflow,  # noqa: F401 — declares its actions in the registry
        )

        workbench.register()
        from baosong.core.outbox import register_consumer
        from baosong.editorial.consumers import on_event
        from baosong.reports import workflow as reports_wf

        register_consumer("editorial", on_event, [reports_wf.ADOPT])
