from django.apps import AppConfig


class OversightConfig(AppConfig):
    """督查: units silent for weeks (连续未报送) and events a unit seems to have left unreported
    (疑似漏报)."""

    name = "baosong.oversight"
    label = "oversight"
    verbose_name = "督查"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.oversight import workbench
        from baosong.oversight import workflow as wf
        from baosong.oversight.consumers import on_event
        from baosong.oversight.tasks import scan_tick
        from baosong.reports import workflow as reports_wf

        workbench.register()
        register_consumer("oversight", on_event, [reports_wf.SENT, wf.RAISE, wf.SILENT, wf.SILENT_SUMMARY])
        register_periodic("oversight.scan", scan_tick, 600)
