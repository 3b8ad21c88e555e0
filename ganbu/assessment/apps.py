from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "ganbu.assessment"
    label = "assessment"
    verbose_name = "考核"

    def ready(self) -> None:
        from ganbu.core.links import register_cadre_link

        # the registry's cadre page leads here without importing this app (core/links.py)
        register_cadre_link(
            label="考核记录", url_name="assessment:cadre_record", capability="assessment.view"
        )
