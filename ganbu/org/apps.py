from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "ganbu.org"
    label = "org"
    verbose_name = "组织机构"
