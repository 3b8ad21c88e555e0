from django.urls import path

from ganbu.home.views import dashboard, records

app_name = "home"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", dashboard.health, name="health"),
    path("audit/", records.event_list, name="event_list"),
    path("audit/export/", records.event_export, name="event_export"),
]
