from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "baosong.portal"
    label = "portal"
    verbose_name = "门户"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer
        from baosong.portal import workflow
        from baosong.portal.consumers import on_event

        register_consumer("portal", on_event, [workflow.RELEASE])
