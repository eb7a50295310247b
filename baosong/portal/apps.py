from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "baosong.portal"
    label = "portal"
    verbose_name = "门户"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer
        from baosong.orgs.demo import DEMO_EXTENSIONS
        from baosong.portal import workflow
        from baosong.portal.consumers import on_event
        from baosong.portal.demo import seed_demo_portal

        register_consumer("portal", on_event, [workflow.RELEASE])
        if seed_demo_portal not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(seed_demo_portal)
