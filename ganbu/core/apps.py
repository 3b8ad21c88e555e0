from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ganbu.core"
    label = "core"
    verbose_name = "基础"
