"""The voter's page at /v/ (QR slips carry /v/#CODE). The code stays in the URL fragment, which
the browser never sends; the page posts it in a JSON body (views/api.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ganbu.org.access import public


@public("the anonymous ballot page; the one-time code stays in the URL fragment")
@require_GET
def ballot_page(request: HttpRequest) -> HttpResponse:
    response = render(request, "ballots/vote.html")
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
