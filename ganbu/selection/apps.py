from django.apps import AppConfig


class SelectionConfig(AppConfig):
    name = "ganbu.selection"
    label = "selection"
    verbose_name = "选拔任用"

    def ready(self) -> None:
        from ganbu.core.links import register_cadre_link

        # 一人一档: the registry's cadre page leads to the cases the cadre was in (core/links.py)
        register_cadre_link(
            label="选拔任用记录", url_name="selection:cadre_cases", capability="selection.view"
        )
