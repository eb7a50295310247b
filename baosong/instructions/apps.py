from django.apps import AppConfig


class InstructionsConfig(AppConfig):
    name = "baosong.instructions"
    label = "instructions"
    verbose_name = "领导批示"

    def ready(self) -> None:
        from baosong.instructions import workbench, workflow  # noqa: F401  (declares the actions)

        workbench.register()
        from baosong.core.outbox import register_periodic
        from baosong.instructions.services import instructions_overdue_tick

        register_periodic("instructions.overdue", instructions_overdue_tick, 300)
