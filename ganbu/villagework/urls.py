from django.urls import path

from ganbu.villagework.views import (
    assignments,
    evaluation,
    households,
    index,
    logs,
    reports,
    requests,
    settings,
)

app_name = "villagework"
urlpatterns = [
    path("", index.index, name="index"),
    *households.urlpatterns,
    *assignments.urlpatterns,
    *logs.urlpatterns,
    *requests.urlpatterns,
    *reports.urlpatterns,
    *evaluation.urlpatterns,
    *settings.urlpatterns,
]
