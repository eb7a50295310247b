from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "baosong.search"
    label = "search"
    verbose_name = "检索"
