from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "baosong.demo"
    label = "demo"
    verbose_name = "演示与示例数据"
