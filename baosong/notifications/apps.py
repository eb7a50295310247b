from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "baosong.notifications"
    # The package was "notices" and also held instructions and solicitations. The label stays, so the table
    # (notices_notification), the migration history (notices 0001–0005) and the outbox consumer's cursor
    # (consumer "notices") carry on unchanged.
    label = "notices"
    verbose_name = "通知"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer
        from baosong.datareports import workflow as datareports_wf
        from baosong.editorial import workflow as issue_wf
        from baosong.instructions import workflow as instructions_wf
        from baosong.notifications.consumers import on_event
        from baosong.reports import workflow as reports_wf
        from baosong.scoring import workflow as scoring_wf
        from baosong.solicitations import workflow as solicitations_wf

        register_consumer(
            "notices",
            on_event,
            [
                reports_wf.REPORT,
                reports_wf.SUBMISSION,
                reports_wf.FORWARD_REQUEST,
                reports_wf.VERIFICATION,
                issue_wf.ISSUE,
                instructions_wf.INSTRUCTION,
                solicitations_wf.SOLICITATION_CREATE,
                solicitations_wf.SOLICITATION_DUE_SOON,
                solicitations_wf.SOLICITATION_MISSED,
                scoring_wf.RELEASE,
                datareports_wf.SUBMIT,
                datareports_wf.SEND_BACK,
            ],
        )
