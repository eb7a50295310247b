from django.apps import AppConfig


class GroupingConfig(AppConfig):
    """Same-event grouping (疑似同一事件): near-duplicate signatures of sent items, the groups in an editor's
    inbox, and composing one 综合 item from a group."""

    name = "baosong.grouping"
    label = "grouping"
    verbose_name = "同一事件归并"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer
        from baosong.grouping import workbench
        from baosong.grouping.services import on_event
        from baosong.reports import workflow as reports_wf

        workbench.register()
        register_consumer("grouping", on_event, [reports_wf.SENT, reports_wf.RESUBMIT])
