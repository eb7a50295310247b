from django.apps import AppConfig


class RosterConfig(AppConfig):
    name = "baosong.roster"
    label = "roster"
    verbose_name = "信息员登记"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.roster import workbench, workflow
        from baosong.roster.consumers import on_event
        from baosong.roster.services import roster_tick

        workbench.register()
        register_consumer("roster", on_event, [workflow.ROUND_OPEN, workflow.REMINDER, workflow.MISSED])
        register_periodic("roster.deadlines", roster_tick, 300)
