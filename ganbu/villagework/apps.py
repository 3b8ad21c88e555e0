from django.apps import AppConfig


class VillageworkConfig(AppConfig):
    name = "ganbu.villagework"
    label = "villagework"
    verbose_name = "驻村工作"
