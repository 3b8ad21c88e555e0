from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "ganbu.analytics"
    label = "analytics"
    verbose_name = "结构分析"
