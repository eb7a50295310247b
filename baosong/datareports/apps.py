from django.apps import AppConfig


class DatareportsConfig(AppConfig):
    name = "baosong.datareports"
    label = "datareports"
    verbose_name = "数据报表"

    def ready(self) -> None:
        from baosong.core.outbox import register_periodic
        from baosong.datareports import archive, workbench, workflow  # noqa: F401  (declares the actions)

        workbench.register()

        register_periodic("datareports.archive", archive.archive_tick, archive.PERIODIC_SECONDS)
