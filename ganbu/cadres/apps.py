from django.apps import AppConfig


class CadresConfig(AppConfig):
    name = "ganbu.cadres"
    label = "cadres"
    verbose_name = "干部档案"
