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
        from baosong.editorial.demo import seed_demo_publications
        from baosong.orgs.demo import DEMO_EXTENSIONS
        from baosong.reports import workflow as reports_wf

        register_consumer("editorial", on_event, [reports_wf.ADOPT])
        if seed_demo_publications not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(seed_demo_publications)
