from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ganbu.audit"
    label = "audit"
    verbose_name = "记实"

    def ready(self) -> None:
        from ganbu.audit.services import record_event
        from ganbu.core.events import register_writer

        register_writer(record_event)
