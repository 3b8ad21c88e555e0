"""Registry pages: list/search, detail with history, edit forms for every section, Excel import
with progress, exports (Excel, 任免审批表 Word, LRMX)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.audit.services import record_event
from ganbu.cadres import selectors, services
from ganbu.cadres.forms import (
    RECORD_FORMS,
    AppointmentFormOptions,
    CadreCreateForm,
    CadreFilterForm,
    CadreForm,
    ImportForm,
)
from ganbu.cadres.models import Cadre
from ganbu.core.downloads import DOCX, XLSX, attachment
from ganbu.core.forms import add_errors
from ganbu.core.jobs import job_create, run_in_background, stale_jobs_fail
from ganbu.core.models import Job, JobStatus
from ganbu.org.access import request_user, requires
from ganbu.org.models import User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import filter_by_scope, get_in_scope_or_404
from ganbu.org.selectors import all_code_names

PAGE_SIZE = 50


def _code_names() -> dict[str, dict[str, str]]:
    return all_code_names()


# --- list, search, export ---------------------------------------------------------------------


@requires("cadres.view", kind="list", model=Cadre)
@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CadreFilterForm(request.GET or None, user=user)
    filters = form.filters()
    qs = (
        selectors.cadre_list(user=user, filters=filters)
        .select_related("unit")
        .only(*[c for c in selectors.LIST_COLUMNS if "__" not in c], "unit__name", "unit_id")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "codes": _code_names(),
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "can_edit": has_capability(user, "cadres.edit"),
        "can_import": has_capability(user, "cadres.import"),
        "can_export": has_capability(user, "cadres.export"),
    }
    return render(request, "cadres/cadre_list.html", context)


@requires("cadres.export", kind="export", model=Cadre)
@require_GET
def cadre_export(request: HttpRequest) -> HttpResponse:
    from ganbu.cadres.excel import export_cadres

    user = request_user(request)
    form = CadreFilterForm(request.GET or None, user=user)
    qs = selectors.cadre_list(user=user, filters=form.filters()).order_by("stroke_key", "id")
    content = export_cadres(qs)
    with transaction.atomic():
        record_event(
            actor=user,
            action="cadre.export",
            unit_path=user.scope_unit.path if user.scope_unit else "",
            payload={"filters": request.GET.dict(), "format": "xlsx"},
        )
    return attachment(content, f"干部名册_{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@requires("cadres.export", kind="export", model=Cadre)
@require_GET
def cadre_forms_zip(request: HttpRequest) -> HttpResponse:
    """任免审批表 for every cadre of the filtered list (at most 500), as a zip."""
    from ganbu.cadres.appointment_form import appointment_forms_zip

    user = request_user(request)
    form = CadreFilterForm(request.GET or None, user=user)
    qs = selectors.cadre_list(user=user, filters=form.filters())
    cadres = list(qs[:501])
    if len(cadres) > 500:
        messages.error(request, "一次最多批量生成 500 份任免审批表，请缩小筛选范围")
        return redirect(f"{reverse('cadres:list')}?{request.GET.urlencode()}")
    content = appointment_forms_zip(cadres, as_of=timezone.localdate())
    with transaction.atomic():
        record_event(
            actor=user,
            action="cadre.export",
            unit_path=user.scope_unit.path if user.scope_unit else "",
            payload={"filters": request.GET.dict(), "format": "appointment_form_zip", "count": len(cadres)},
        )
    return attachment(content, f"任免审批表_{timezone.localdate():%Y%m%d}.zip", "application/zip")


# --- create / detail / edit -------------------------------------------------------------------


@requires("cadres.edit", kind="page")
@require_http_methods(["GET", "POST"])
def cadre_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CadreCreateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            cadre = services.cadre_create(data=data, unit=unit, actor=user)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied:
            form.add_error("unit", "该单位不在您的数据范围内")
        else:
            messages.success(request, f"已新增干部 {cadre.name}。请继续补充学历、任职等信息。")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(request, "cadres/cadre_form.html", {"form": form, "title": "新增干部"})


@requires("cadres.view", kind="detail", model=Cadre)
@require_GET
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    context = {
        "cadre": cadre,
        "codes": _code_names(),
        "today": timezone.localdate(),
        "can_edit": has_capability(user, "cadres.edit"),
        "can_export": has_capability(user, "cadres.export"),
        "record_forms": RECORD_FORMS,
        # scored special evaluations written by other modules (e.g. 驻村考核), read-only here
        "evaluations": list(cadre.evaluations.order_by("-year", "kind")),
        **selectors.cadre_detail_context(user=user, cadre=cadre),
    }
    return render(request, "cadres/cadre_detail.html", context)


@requires("cadres.view", kind="detail", model=Cadre)
@require_GET
def cadre_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    page = Paginator(selectors.cadre_history(user=user, cadre=cadre), 50).get_page(request.GET.get("page"))
    return render(request, "cadres/cadre_history.html", {"cadre": cadre, "page": page})


@requires("cadres.edit", kind="action", model=Cadre)
@require_http_methods(["GET", "POST"])
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    initial = {f: getattr(cadre, f) for f in services.CADRE_FIELDS}
    if not has_capability(user, "cadres.view_sensitive"):
        raise PermissionDenied("您的角色不能编辑含敏感信息的干部档案")
    form = CadreForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cadre_update(cadre=cadre, data=form.cleaned_data, actor=user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "基本信息已保存")
            return redirect("cadres:detail", pk=cadre.pk)
    return render(
        request,
        "cadres/cadre_form.html",
        {"form": form, "cadre": cadre, "title": f"编辑基本信息：{cadre.name}"},
    )


def _record_kind(kind: str) -> tuple[str, type[Any]]:
    if kind not in RECORD_FORMS:
        raise Http404("未知的档案栏目")
    return RECORD_FORMS[kind]


def _record_instance(cadre: Cadre, kind: str, rid: int) -> models.Model:
    model = services.RECORD_KINDS[kind].model
    try:
        return model._default_manager.get(pk=rid, cadre=cadre)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404("记录不存在") from exc


@requires("cadres.edit", kind="action", model=Cadre)
@require_http_methods(["GET", "POST"])
def record_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _record_form(request, pk, kind, None)


@requires("cadres.edit", kind="action", model=Cadre)
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int, kind: str, rid: int) -> HttpResponse:
    return _record_form(request, pk, kind, rid)


def _record_form(request: HttpRequest, pk: int, kind: str, rid: int | None) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    title, form_class = _record_kind(kind)
    instance = _record_instance(cadre, kind, rid) if rid else None
    if kind == "family" and not has_capability(user, "cadres.view_sensitive"):
        raise PermissionDenied("您的角色不能查看或编辑家庭成员信息")
    initial = {f: getattr(instance, f) for f in services.RECORD_KINDS[kind].fields} if instance else {}
    form = form_class(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_save(
                cadre=cadre, kind=kind, data=form.cleaned_data, actor=user, instance=instance
            )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "超出数据范围")
        else:
            messages.success(request, f"{title}已保存")
            return redirect(f"{reverse('cadres:detail', kwargs={'pk': cadre.pk})}#{kind}")
    verb = "编辑" if instance else "新增"
    return render(
        request,
        "cadres/cadre_form.html",
        {"form": form, "cadre": cadre, "title": f"{verb}{title}：{cadre.name}"},
    )


@requires("cadres.edit", kind="action", model=Cadre)
@require_POST
def record_delete(request: HttpRequest, pk: int, kind: str, rid: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    title, _ = _record_kind(kind)
    instance = _record_instance(cadre, kind, rid)
    services.record_delete(cadre=cadre, kind=kind, instance=instance, actor=user)
    messages.success(request, f"已删除一条{title}记录")
    return redirect(f"{reverse('cadres:detail', kwargs={'pk': cadre.pk})}#{kind}")


@requires("cadres.edit", kind="action", model=Cadre)
@require_POST
def photo_upload(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    upload = request.FILES.get("photo")
    if upload is None:
        messages.error(request, "请选择照片文件")
    else:
        try:
            services.cadre_set_photo(cadre=cadre, content=upload.read(), actor=user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "照片已更新")
    return redirect("cadres:detail", pk=cadre.pk)


@requires("cadres.view", kind="detail", model=Cadre)
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """The photo, served through the scope check (personal data never sits under a public URL)."""
    cadre = selectors.get_cadre_for_user(request_user(request), pk)
    if not cadre.photo:
        raise Http404("没有照片")
    with cadre.photo.open("rb") as handle:
        content = handle.read()
    content_type = "image/png" if cadre.photo.name.endswith(".png") else "image/jpeg"
    response = HttpResponse(content, content_type=content_type)
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- 任免审批表 and LRMX ------------------------------------------------------------------------


@requires("cadres.export", kind="detail", model=Cadre)
@require_GET
def appointment_form(request: HttpRequest, pk: int) -> HttpResponse:
    from ganbu.cadres.appointment_form import build_appointment_form

    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    options = AppointmentFormOptions(request.GET or None)
    opts: dict[str, Any] = options.cleaned_data if options.is_valid() else {}
    as_of: date = opts.get("as_of") or timezone.localdate()
    content = build_appointment_form(
        cadre,
        as_of=as_of,
        proposed_post=opts.get("proposed_post", ""),
        proposed_removal=opts.get("proposed_removal", ""),
        reason=opts.get("reason", ""),
        filled_by=user.display_name or user.username,
    )
    with transaction.atomic():
        record_event(
            actor=user,
            action="cadre.export",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"format": "appointment_form"},
        )
    return attachment(content, f"{cadre.name}_任免审批表.docx", DOCX)


@requires("cadres.export", kind="detail", model=Cadre)
@require_GET
def lrmx_export(request: HttpRequest, pk: int) -> HttpResponse:
    from ganbu.cadres.lrmx import cadre_to_lrmx

    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    content = cadre_to_lrmx(cadre, as_of=timezone.localdate())
    with transaction.atomic():
        record_event(
            actor=user,
            action="cadre.export",
            obj=cadre,
            unit_path=cadre.unit.path,
            payload={"format": "lrmx"},
        )
    return attachment(content, f"{cadre.name}.lrmx", "application/xml")


# --- Excel import -----------------------------------------------------------------------------


@requires("cadres.import", kind="page")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    from ganbu.cadres.excel import import_template as build_template

    return attachment(build_template(), "干部信息导入模板.xlsx", XLSX)


IMPORT_JOB = "cadres.import"


def _run_job(job_id: int, actor_id: int, dry_run: bool) -> None:
    from ganbu.cadres.excel import run_import

    job = Job.objects.get(pk=job_id)
    actor = User.objects.get(pk=actor_id)
    run_import(job, actor=actor, dry_run=dry_run)


@requires("cadres.import", kind="list", model=Job)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        if user.scope_unit is None:
            raise PermissionDenied("账号没有数据范围")
        with transaction.atomic():
            job = job_create(
                kind=IMPORT_JOB,
                scope_path=user.scope_unit.path,
                actor=user,
                filename=upload.name,
                content=content,
                stored_name=f"{hashlib.sha256(content).hexdigest()[:16]}.xlsx",
                params={"dry_run": form.cleaned_data["dry_run"]},
            )
            record_event(
                actor=user,
                action="cadre.import.upload",
                obj=job,
                unit_path=job.scope_path,
                payload={"filename": job.filename, "dry_run": form.cleaned_data["dry_run"]},
            )
        run_in_background(_run_job, job.pk, user.pk, form.cleaned_data["dry_run"])
        return redirect("cadres:import_job", pk=job.pk)
    stale_jobs_fail(kind=IMPORT_JOB)
    jobs = filter_by_scope(
        Job.objects.filter(kind=IMPORT_JOB).select_related("created_by"), user, "scope_path"
    )[:20]
    return render(request, "cadres/import.html", {"form": form, "jobs": jobs})


def _get_job(user: User, pk: int) -> Job:
    return get_in_scope_or_404(
        Job.objects.filter(kind=IMPORT_JOB).select_related("created_by"), user, "scope_path", pk=pk
    )


@requires("cadres.import", kind="detail", model=Job)
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _get_job(request_user(request), pk)
    template = (
        "cadres/_import_progress.html" if request.headers.get("HX-Request") else "cadres/import_job.html"
    )
    errors = job.errors[:500] if job.status == JobStatus.FAILED else []
    return render(
        request,
        template,
        {
            "job": job,
            "errors": errors,
            "done": job.done,
        },
    )


@requires("cadres.import", kind="detail", model=Job)
@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    from ganbu.core.spreadsheet import error_report_xlsx

    job = _get_job(request_user(request), pk)
    return attachment(error_report_xlsx(job.errors), f"导入错误报告_{job.pk}.xlsx", XLSX)
