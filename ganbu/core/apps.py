from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ganbu.core"
    label = "core"
    verbose_name = "基础"

    def ready(self) -> None:
        from ganbu.core import checks  # noqa: F401  (registers the system checks)
