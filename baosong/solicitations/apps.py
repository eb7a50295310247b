from django.apps import AppConfig


class SolicitationsConfig(AppConfig):
    name = "baosong.solicitations"
    label = "solicitations"
    verbose_name = "约稿与报送要点"

    def ready(self) -> None:
        from baosong.solicitations import workbench, workflow  # noqa: F401  (declares the actions)

        workbench.register()
        from baosong.core.outbox import register_periodic
        from baosong.solicitations.services import solicitations_tick

        register_periodic("solicitations.deadlines", solicitations_tick, 300)
