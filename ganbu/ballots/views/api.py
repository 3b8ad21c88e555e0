"""The JSON API (mounted at /api/). README.md documents it.

CSRF: the two ballot endpoints are public and exempt from Django's CSRF check. CSRF protects requests
that a browser authenticates with cookies; these use no cookie (the page sends them with
`credentials: "omit"`) and their only credential is the one-time code in the JSON body, which a
forging site cannot know. They also accept only `Content-Type: application/json`, which a cross-site
form cannot send without a CORS preflight that this server never grants.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from ganbu.ballots import errors, selectors, services
from ganbu.ballots.models import BallotSession
from ganbu.org.access import public, requires

MAX_BODY = 64 * 1024


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _error(exc: ValidationError, status: int | None = None) -> HttpResponse:
    code = errors.first_code(exc)
    message = exc.messages[0] if exc.messages else errors.MESSAGES[errors.BAD_REQUEST]
    return _no_store(
        JsonResponse({"error": {"code": code, "message": message}}, status=status or errors.http_status(exc))
    )


def _body(request: HttpRequest) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise ValidationError("请以 JSON 格式提交（Content-Type: application/json）", code=errors.BAD_REQUEST)
    if len(request.body) > MAX_BODY:
        raise errors.error(errors.BAD_REQUEST, "提交的内容过大")
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # RecursionError: nested too deep
        raise errors.error(errors.BAD_REQUEST) from exc
    if not isinstance(data, dict):
        raise errors.error(errors.BAD_REQUEST)
    return data


@public("anonymous ballot submission: the one-time code in the JSON body is the credential")
@csrf_exempt
@require_POST
def ballot_submit(request: HttpRequest) -> HttpResponse:
    """POST /api/ballots/ {"code", "answers"} → 201, or 404/409/423/400 with a Chinese message."""
    try:
        data = _body(request)
        services.ballot_cast(code=data.get("code"), answers=data.get("answers"))
    except ValidationError as exc:
        return _error(exc, 415 if request.content_type != "application/json" else None)
    return _no_store(
        JsonResponse({"ok": True, "message": "投票成功，您的选票已匿名计入，票码已作废。"}, status=201)
    )


@public("anonymous ballot page data: what the ballot of a code looks like; does not use the code")
@csrf_exempt
@require_POST
def ballot_lookup(request: HttpRequest) -> HttpResponse:
    """POST /api/ballots/lookup {"code"} → 200 with the ballot to show, or the errors of submit."""
    try:
        data = _body(request)
        form = services.ballot_form(code=data.get("code"))
    except ValidationError as exc:
        return _error(exc, 415 if request.content_type != "application/json" else None)
    return _no_store(JsonResponse(form))


@requires("ballots.manage", kind="detail", model=BallotSession)
@require_GET
def session_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """GET /api/sessions/<id>/progress: ballots received per group vs expected, for an organiser of
    the session's unit (a logged-in user with ballots.manage in scope). No per-voter data."""
    session = selectors.get_session_for_user(request.user, pk)  # type: ignore[arg-type]
    return _no_store(JsonResponse(selectors.session_progress(session).as_dict()))
