from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ganbu.audit.models import AuditEvent
from ganbu.audit.selectors import events_in_scope
from ganbu.org.access import request_user, requires
from ganbu.org.scoping import scope_path


@requires("audit.view", kind="list", model=AuditEvent)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    qs = events_in_scope(prefix=scope_path(request_user(request))).order_by("-seq")
    action = request.GET.get("action", "").strip()
    if action:
        qs = qs.filter(action__startswith=action)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "home/event_list.html", {"page": page, "action": action})
