from django.apps import AppConfig


class EditorialConfig(AppConfig):
    name = "baosong.editorial"
    label = "editorial"
    verbose_name = "采编刊发"
