from django.urls import path

from ganbu.analytics import views
from ganbu.analytics.views import staffing

app_name = "analytics"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/structure/", views.structure, name="structure"),
    path("units/<int:pk>/structure/export/", views.structure_export, name="structure_export"),
    path("units/<int:pk>/compare/", views.compare_view, name="compare"),
    path("units/<int:pk>/compare/export/", views.compare_export, name="compare_export"),
    path("units/<int:pk>/composition/", views.composition, name="composition"),
    path("units/<int:pk>/forecast/", views.forecast, name="forecast"),
    path("units/<int:pk>/forecast/export/", views.forecast_export, name="forecast_export"),
    path("units/<int:pk>/staffing/", staffing.unit_staffing_page, name="staffing"),
    path("staffing/", staffing.staffing_gaps_page, name="staffing_gaps"),
    path("staffing/export/", staffing.staffing_gaps_export, name="staffing_gaps_export"),
    path("rules/", views.rules, name="rules"),
    path("rules/new/", views.rule_create, name="rule_create"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule_edit"),
    path("rules/<int:pk>/delete/", views.rule_delete, name="rule_delete"),
    path("age-caps/", views.age_caps_edit, name="age_caps"),
]
