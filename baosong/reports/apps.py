from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "baosong.reports"
    label = "reports"
    verbose_name = "信息报送"

    def ready(self) -> None:
        from baosong.reports import (
            workbench,
            workflow,  # noqa: F401 — declares its actions in the registry
        )

        workbench.register()
        from baosong.core.vocabularies import REPORT_CATEGORY, register_vocabulary
        from baosong.reports.selectors import category_filter_choices

        register_vocabulary(REPORT_CATEGORY, category_filter_choices)
        from baosong.core.outbox import register_periodic
        from baosong.reports.tasks import clock_tick

        register_periodic("reports.clock", clock_tick, 60)
