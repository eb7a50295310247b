from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "baosong.reports"
    label = "reports"
    verbose_name = "信息报送"
