from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "baosong.portal"
    label = "portal"
    verbose_name = "门户"
