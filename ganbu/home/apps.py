from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "ganbu.home"
    label = "home"
    verbose_name = "首页"
