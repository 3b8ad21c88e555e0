from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ganbu.audit"
    label = "audit"
    verbose_name = "记实"
