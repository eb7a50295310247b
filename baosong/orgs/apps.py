from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "baosong.orgs"
    label = "orgs"
    verbose_name = "单位与人员"

    def ready(self) -> None:
        from baosong.orgs import (
            workbench,
            workflow,  # noqa: F401 — declares its actions in the registry
        )

        workbench.register()
