from django.urls import path

from ganbu.home.views import accounts, dashboard, records

app_name = "home"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("healthz", dashboard.health, name="health"),
    path("audit/", records.event_list, name="event_list"),
    path("audit/export/", records.event_export, name="event_export"),
    path("users/", accounts.account_list, name="account_list"),
    path("users/new/", accounts.account_create, name="account_create"),
    path("users/lockouts/", accounts.lockout_list, name="lockout_list"),
    path("users/<int:pk>/", accounts.account_edit, name="account_edit"),
    path("users/<int:pk>/toggle/", accounts.account_toggle, name="account_toggle"),
    path("users/<int:pk>/reset/", accounts.account_reset, name="account_reset"),
    path("users/<int:pk>/password/", accounts.account_password, name="account_password"),
]
