from __future__ import annotations

from ganbu.selection.views import cadre, cases, check, documents, settings

app_name = "selection"

urlpatterns = [
    *check.urlpatterns,
    *cadre.urlpatterns,
    *cases.urlpatterns,
    *documents.urlpatterns,
    *settings.urlpatterns,
]
