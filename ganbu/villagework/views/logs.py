"""驻村工作 views: logs. Each module owns its `urlpatterns` (merged in villagework/urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
