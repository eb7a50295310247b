from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "baosong.portal"
    label = "portal"
    verbose_name = "门户"

    def ready(self) -> None:
        from baosong.orgs.demo import DEMO_EXTENSIONS
        from baosong.portal.demo import seed_demo_portal

        if seed_demo_portal not in DEMO_EXTENSIONS:
            DEMO_EXTENSIONS.append(seed_demo_portal)
