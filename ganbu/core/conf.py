"""One settings pattern for every app (STYLE 5b).

- Each number of the rules has a named default in `<app>/rules.py` (the value in force until an
  administrator changes it) and is passed to the predicate that uses it as an argument; messages
  print the value in force.
- The values an administrator may change live in one row per app: a model deriving from
  `SettingsRow` (a singleton, pk 1) whose field defaults are those named defaults.
- `<App>Settings.current()` reads it: never writes (a missing row reads as the defaults), and at
  most once per request (`RequestCache` below); commands and tests read fresh each time.
- One service per app (`<app>/services/settings.py`) validates, saves and audits a change, with
  the before and after of every changed field (`changed_fields`).
- Statutory constants (票决: 同意 > ½ of 应到; quorum ⅔ of members) stay constants in rules.py with
  the regulation cited; they are not settings.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import models
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse

from ganbu.core.models import TimeStampedModel

S = TypeVar("S", bound="SettingsRow")

_request_cache: ContextVar[dict[type, Any] | None] = ContextVar("ganbu_request_cache", default=None)


class SettingsRow(TimeStampedModel):
    """A singleton settings row (pk 1). Read with `current()`, changed only by the app's settings
    service."""

    SINGLETON_PK = 1

    class Meta:
        abstract = True

    @classmethod
    def current(cls: type[S]) -> S:
        """The settings in force: the stored row, or the defaults when none was saved yet. Read once
        per request (cached for the request), never written here."""
        cache = _request_cache.get()
        if cache is not None and cls in cache:
            return cache[cls]
        row = cls._default_manager.filter(pk=cls.SINGLETON_PK).first() or cls(pk=cls.SINGLETON_PK)
        if cache is not None:
            cache[cls] = row
        return row

    @classmethod
    def for_update(cls: type[S]) -> S:
        """The row locked for a change (created with the defaults on first save)."""
        return cls._default_manager.select_for_update().get_or_create(pk=cls.SINGLETON_PK)[0]

    def forget(self) -> None:
        """Drop the request's cached copy after a change, so the rest of the request reads the new
        values."""
        cache = _request_cache.get()
        if cache is not None:
            cache.pop(type(self), None)


def changed_fields(before: models.Model | dict[str, Any], after: models.Model) -> dict[str, dict[str, Any]]:
    """{"before": {...}, "after": {...}} of the fields that differ, for the audit event."""
    old = before if isinstance(before, dict) else model_to_dict(before)
    new = model_to_dict(after)
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {"before": {k: old.get(k) for k in keys}, "after": {k: new[k] for k in keys}}


class RequestCache:
    """Middleware: a fresh per-request cache for `SettingsRow.current()`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_cache.set({})
        try:
            return self.get_response(request)
        finally:
            _request_cache.reset(token)
