"""Voter-facing pages, mounted at /v/ (namespace "vote")."""

from django.urls import path

from ganbu.ballots.views import public

app_name = "vote"
urlpatterns = [
    path("", public.ballot_page, name="ballot"),
]
