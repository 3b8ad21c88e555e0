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


def _filters_text(form: EventFilterForm) -> str:
    """The filters in force, as words (the export's title row)."""
    if not form.is_valid():
        return ""
    parts = []
    for name, value in form.cleaned_data.items():
        if not value:
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "flatchoices", None) or getattr(field, "choices", None) or ())
        parts.append(f"{field.label}：{choices.get(value, value)}")
    return "；".join(parts)


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
    if total > selectors.EXPORT_MAX:
        messages.error(
            request,
            f"筛选结果有 {total} 条，超过一次导出的上限 {selectors.EXPORT_MAX} 条，请缩小日期范围或增加条件",
        )
        return redirect(back)
    rows = selectors.event_views(user=user, events=qs, full=True)
    return audited_attachment(
        documents.events_xlsx(rows, filters=_filters_text(form)),
        documents.events_filename(timezone.localdate()),
        XLSX,
        actor=user,
        action="records.export",
        unit_path=scope_path(user) or "",
        payload={"filters": request.GET.dict(), "rows": total, "format": "xlsx"},
    )
