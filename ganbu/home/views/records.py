"""The 记实 page: every audit event in the reader's scope, readable (labels, Chinese field names,
before → after, the person and role who acted), filtered and exported."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from ganbu.audit.models import AuditEvent
from ganbu.core.forms import export_too_large, filters_text
from ganbu.core.listing import Sorts, listing
from ganbu.core.office import XLSX, audited_attachment
from ganbu.home import documents, selectors
from ganbu.home.forms import EventFilterForm
from ganbu.org.access import request_user, requires
from ganbu.org.scoping import scope_path

# the columns the 记实 sorts by (core.listing): the chain's order, newest first, by default
EVENT_SORTS = Sorts(
    {"seq": ("seq",), "action": ("action", "seq"), "actor": ("actor_label", "seq")}, default="-seq"
)


def _filters(form: EventFilterForm) -> dict[str, object]:
    return dict(form.cleaned_data) if form.is_valid() else {}


@requires("audit.view", kind="list", model=AuditEvent)
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = EventFilterForm(request.GET or None)
    qs = selectors.events_filtered(user=user, filters=_filters(form))
    found = listing(request, qs, EVENT_SORTS)
    page = found.page
    context = {
        "form": form,
        "page": page,
        "rows": selectors.event_views(user=user, events=page.object_list),
        "query": found.query,
        "listing": found,
    }
    return render(request, "home/event_list.html", context)


@requires("audit.view", kind="export", model=AuditEvent)
@require_GET
def event_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = EventFilterForm(request.GET or None)
    back = f"{reverse('home:event_list')}?{request.GET.urlencode()}"
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件有误，请修改后再导出")
        return redirect(back)
    qs = selectors.events_filtered(user=user, filters=_filters(form))
    total = qs.count()
    if export_too_large(request, total, selectors.EXPORT_MAX):
        return redirect(back)
    rows = selectors.event_views(user=user, events=qs, full=True)
    return audited_attachment(
        documents.events_xlsx(rows, filters=filters_text(form)),
        documents.events_filename(timezone.localdate()),
        XLSX,
        actor=user,
        action="records.export",
        unit_path=scope_path(user) or "",
        payload={"filters": request.GET.dict(), "rows": total, "format": "xlsx"},
    )
