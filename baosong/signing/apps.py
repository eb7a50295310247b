from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "baosong.signing"
    label = "signing"
    verbose_name = "文件签名"

    def ready(self) -> None:
        from baosong.signing import workflow  # noqa: F401 — declares the actions
