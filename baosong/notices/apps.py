from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "baosong.notices"
    label = "notices"
    verbose_name = "通知与批示"

    def ready(self) -> None:
        from baosong.notices import (
            workbench,
            workflow,
        )

        workbench.register()
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.editorial import workflow as issue_wf
        from baosong.notices.consumers import on_event
        from baosong.notices.services import instructions_overdue_tick, solicitations_tick
        from baosong.reports import workflow as reports_wf
        from baosong.scoring import workflow as scoring_wf

        register_consumer(
            "notices",
            on_event,
            [
                reports_wf.REPORT,
                reports_wf.SUBMISSION,
                issue_wf.ISSUE,
                workflow.INSTRUCTION,
                workflow.SOLICITATION_CREATE,
                workflow.SOLICITATION_DUE_SOON,
                workflow.SOLICITATION_MISSED,
                scoring_wf.RELEASE,
            ],
        )
        register_periodic("notices.instructions_overdue", instructions_overdue_tick, 300)
        register_periodic("notices.solicitations", solicitations_tick, 300)
