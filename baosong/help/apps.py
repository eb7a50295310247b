from django.apps import AppConfig


class HelpConfig(AppConfig):
    name = "baosong.help"
    label = "help"
    verbose_name = "帮助"
