from django.urls import path  # noqa: F401

app_name = "ballots_api"
urlpatterns: list = []
