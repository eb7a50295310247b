from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "baosong.intake"
    label = "intake"
    verbose_name = "邮件报送"

    def ready(self) -> None:
        from baosong.core.outbox import register_periodic
        from baosong.intake import workflow  # noqa: F401  (declares the actions)
        from baosong.intake.imap import imap_tick

        register_periodic("intake.imap", imap_tick, 60)
