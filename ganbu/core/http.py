"""Request hygiene for every page: the client's address behind the documented reverse proxy,
refusing control characters in any submitted text, and no caching of authenticated pages.

- `client_ip(request)`: REMOTE_ADDR, unless it is one of GANBU_TRUSTED_PROXIES (the nginx of the
  production setup), then the right-most address of X-Forwarded-For that is not a trusted proxy.
  Only that one is trustworthy: everything left of it is what the client claimed. Used for the
  login lockout (django-axes), which locks a username together with that address.
- `InputGuard`: a form field, query parameter or JSON string containing a NUL, another control
  character (other than tab and line breaks) or a lone surrogate is refused with 400 and a Chinese
  message naming the field, before any view or database sees it (PostgreSQL refuses NUL with an
  error; a lone surrogate cannot be encoded at all).
- `NoStore`: responses to logged-in users are `Cache-Control: no-store, private` (pages show
  personal data; a shared or back-button cache must not keep them), unless a view set its own.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
MAX_JSON_GUARD_BYTES = 1024 * 1024


def trusted_proxies() -> set[str]:
    return set(getattr(settings, "GANBU_TRUSTED_PROXIES", []) or [])


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The address of the client (see the module docstring); never a value the client chose."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = trusted_proxies()
    if remote not in proxies:
        return remote
    forwarded = [a for a in (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",") if a.strip()]
    for candidate in reversed(forwarded):
        address = _valid_ip(candidate)
        if address is None:
            return remote  # a malformed hop: do not trust anything beyond the proxy
        if address not in proxies:
            return address
    return remote


def forbidden_text(value: str) -> bool:
    return bool(_FORBIDDEN.search(value))


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield path, str(key)
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")


def first_bad_field(request: HttpRequest) -> str | None:
    """The name of the first submitted field holding a forbidden character, or None."""
    for source in (request.GET, request.POST):
        for key, values in source.lists():
            if forbidden_text(key):
                return "（字段名）"
            for value in values:
                if forbidden_text(value):
                    return key
    content_type = request.META.get("CONTENT_TYPE", "")
    if content_type.startswith("application/json") and 0 < len(request.body) <= MAX_JSON_GUARD_BYTES:
        try:
            data = json.loads(request.body)
        except (ValueError, UnicodeDecodeError):
            return None  # the view answers malformed JSON itself
        for path, text in _strings(data, ""):
            if forbidden_text(text):
                return path or "（请求内容）"
    return None


def refusal(request: HttpRequest, field: str) -> HttpResponse:
    message = f"「{field}」中含有不可见的控制字符或无法识别的字符，请删除后重新提交"
    if request.META.get("CONTENT_TYPE", "").startswith("application/json") or request.path.startswith(
        "/api/"
    ):
        return JsonResponse({"error": message, "code": "input_control_characters"}, status=400)
    return HttpResponseBadRequest(render_to_string("400.html", {"message": message}, request=request))


class InputGuard:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            field = first_bad_field(request)
        except Exception:  # an unreadable body (too large, broken multipart): Django answers it
            field = None
        if field is not None:
            return refusal(request, field)
        return self.get_response(request)


class NoStore:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response
