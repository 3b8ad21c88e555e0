"""The Excel import of one 完成率 indicator's actual values (its leading group or the office), and
its template prefilled with the category's units and targets."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_POST

from ganbu.assessment import events, imports
from ganbu.assessment.models import Track
from ganbu.assessment.views.entry import track_for
from ganbu.core.office import XLSX, audited_attachment
from ganbu.org.access import request_user, requires

MAX_UPLOAD = imports.MAX_FILE_BYTES


@requires("assessment.view", kind="export", model=Track)
@require_GET
def actuals_template(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user = request_user(request)
    track, _ = track_for(user, pk, code)
    return audited_attachment(
        imports.template(track, code),
        f"{track.category}{code}核定完成值导入模板.xlsx",
        XLSX,
        actor=user,
        action=events.ACTUALS_TEMPLATE,
        obj=track,
    )


@requires("assessment.view", kind="action", model=Track)
@require_POST
def actuals_import(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    user = request_user(request)
    track, _ = track_for(user, pk, code)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要导入的 Excel 文件")
        return redirect("assessment:leaf_entry", pk=track.pk, code=code)
    if upload.size is not None and upload.size > MAX_UPLOAD:
        messages.error(request, f"文件超过 {MAX_UPLOAD // (1024 * 1024)}MB，请检查是否选错文件")
        return redirect("assessment:leaf_entry", pk=track.pk, code=code)
    try:
        result = imports.import_actuals(
            upload.read(), track=track, leaf_code=code, actor=user, filename=upload.name or ""
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("assessment:leaf_entry", pk=track.pk, code=code)
    if result.ok:
        messages.success(request, result.summary)
        return redirect("assessment:leaf_entry", pk=track.pk, code=code)
    context = {"track": track, "cycle": track.cycle, "code": code, "result": result}
    return render(request, "assessment/import_errors.html", context, status=400)


urlpatterns: list[URLPattern] = [
    path("tracks/<int:pk>/leaves/<str:code>/template.xlsx", actuals_template, name="actuals_template"),
    path("tracks/<int:pk>/leaves/<str:code>/import/", actuals_import, name="actuals_import"),
]
