from django.apps import AppConfig


class BallotsConfig(AppConfig):
    name = "ganbu.ballots"
    label = "ballots"
    verbose_name = "测评投票"
