from django.apps import AppConfig


class FederationConfig(AppConfig):
    """跨系统报送: peer deployments, the unit mapping, signed and encrypted packages with an outbox."""

    name = "baosong.federation"
    label = "federation"
    verbose_name = "跨系统报送"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.federation import (
            workbench,
            workflow,  # noqa: F401 — declares the actions
        )
        from baosong.federation.consumers import HEARD, on_event
        from baosong.federation.tasks import deliver_round

        workbench.register()
        register_consumer("federation", on_event, HEARD)
        register_periodic("federation.deliver", deliver_round, 15)
