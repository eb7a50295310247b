from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "baosong.search"
    label = "search"
    verbose_name = "检索"

    def ready(self) -> None:
        from baosong.core.outbox import register_consumer, register_periodic
        from baosong.editorial import workflow as issue_wf
        from baosong.reports import workflow as reports_wf
        from baosong.scoring import workflow as scoring_wf
        from baosong.search.consumers import catch_up, on_event

        register_consumer(
            "search",
            on_event,
            [
                reports_wf.REPORT,
                reports_wf.SUBMISSION,
                reports_wf.EXTERNAL_ADOPTION,
                issue_wf.ISSUE,
                scoring_wf.BULLETIN,
            ],
        )
        register_periodic("search.catch_up", catch_up, 60)
