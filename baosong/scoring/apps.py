from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "baosong.scoring"
    label = "scoring"
    verbose_name = "积分统计"
