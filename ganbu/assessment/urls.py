from __future__ import annotations

from django.urls import path

from ganbu.assessment.views import annual, cycles, entry, imports, record, schemes, settings

app_name = "assessment"

urlpatterns = [
    path("", cycles.index, name="index"),
    *schemes.urlpatterns,
    *entry.urlpatterns,
    *imports.urlpatterns,
    *annual.urlpatterns,
    *record.urlpatterns,
    *settings.urlpatterns,
    *cycles.urlpatterns,
]
