"""「我的表决」: logged-in committee members (ballots.vote) claim their one code and vote on the same
anonymous page as everyone else. The claim records that a member took a code, never which one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from ganbu.ballots import codes, selectors, services
from ganbu.ballots.models import BallotSession
from ganbu.org.access import request_user, requires
from ganbu.org.scoping import unit_in_scope


@requires("ballots.vote", kind="page")
@require_GET
def my_ballots(request: HttpRequest) -> HttpResponse:
    entitlements = selectors.member_entitlements(request_user(request))
    return render(request, "ballots/my_ballots.html", {"entitlements": entitlements})


@requires("ballots.vote", kind="action", model=BallotSession)
@require_POST
def member_claim(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    voter = selectors.member_entitlement(user, pk)
    if voter is None or not unit_in_scope(user, voter.session.unit):
        raise Http404("对象不存在或不在您的数据范围内")
    try:
        code = services.member_code_claim(session=voter.session, user=user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("ballots:my_ballots")
    response = render(
        request,
        "ballots/claimed.html",
        {"session": voter.session, "code": codes.display(code), "vote_path": f"/v/#{codes.display(code)}"},
    )
    response["Cache-Control"] = "no-store"
    return response
