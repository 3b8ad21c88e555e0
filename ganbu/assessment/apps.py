from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "ganbu.assessment"
    label = "assessment"
    verbose_name = "考核"
