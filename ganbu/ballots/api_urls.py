"""The JSON API, mounted at /api/ (namespace "ballots_api"). Documented in ganbu/ballots/README.md."""

from django.urls import path

from ganbu.ballots.views import api

app_name = "ballots_api"
urlpatterns = [
    path("ballots/", api.ballot_submit, name="submit"),
    path("ballots/lookup", api.ballot_lookup, name="lookup"),
    path("sessions/<int:pk>/progress", api.session_progress, name="progress"),
]
