"""Registry pages: list/search, detail with history, edit forms for every section, Excel import
with progress, exports (Excel, 任免审批表 Word, LRMX). Exports are built by `cadres.documents` and
leave through `core.office.audited_attachment` (the audit event and a download never cached)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.cadres import batches, documents, imports, rules, selectors, services
from ganbu.cadres.forms import (
    RECORD_FORMS,
    AppointmentFormOptions,
    CadreCreateForm,
    CadreFilterForm,
    CadreForm,
    ImportForm,
)
from ganbu.cadres.models import Cadre
from ganbu.core.downloads import attachment
from ganbu.core.forms import add_errors
from ganbu.core.jobs import run_in_background, stale_jobs_fail
from ganbu.core.links import cadre_links
from ganbu.core.listing import listing
from ganbu.core.models import Job, JobStatus
from ganbu.core.office import DOCX, XLSX, audited_attachment
from ganbu.core.spreadsheet import error_report_xlsx
from ganbu.org.access import request_user, requires
from ganbu.org.models import User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import all_code_names

PAGE_SIZE = 50
# The 任免审批表 and LRMX are the national forms: they carry the family members and (LRMX) the whole
# 身份证号, which a form cannot leave out, so a role that may not see them gets no form at all.
NATIONAL_FORMS_FORBIDDEN = "任免审批表和 LRMX 含家庭成员和身份证号，您的角色不能导出"


def _code_names() -> dict[str, dict[str, str]]:
    return all_code_names()


# --- list, search, export ---------------------------------------------------------------------


def _searched(request: HttpRequest, user: User, form: CadreFilterForm) -> tuple[QuerySet[Cadre], bool]:
    """(the filtered list, refused). A search by 身份证号 (whole or its first digits) is for roles
    that may see the numbers, audited and limited per user (`services.id_number_lookup_record`);
    refused, the reason is shown and the list is empty."""
    filters = form.filters()
    qs = selectors.cadre_list(user=user, filters=filters)
    if not rules.is_id_number_query(filters.q):
        return qs, False
    try:
        matched = selectors.sees_sensitive(user) and qs.exists()
        services.id_number_lookup_record(actor=user, query=filters.q, matched=matched)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        if not selectors.sees_sensitive(user):  # the search box does not echo the number back
            masked = request.GET.copy()  # the form's data (bound to request.GET)
            masked["q"] = rules.mask_id_number(filters.q)
            form.data = masked
        return qs.none(), True
    return qs, False


@requires("cadres.view", kind="list", model=Cadre)
@require_GET
def cadre_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CadreFilterForm(request.GET or None, user=user)
    searched, _ = _searched(request, user, form)
    qs = searched.select_related("unit").only(
        *[c for c in selectors.LIST_COLUMNS if "__" not in c], "unit__name", "unit_id"
    )
    shown = form.data if isinstance(form.data, QueryDict) else None  # masked by _searched
    found = listing(request, qs, selectors.LIST_SORTS, params=shown)
    context = {
        "form": form,
        "page": found.page,
        "listing": found,
        "codes": _code_names(),
        "query": found.query,
        "today": timezone.localdate(),
        "can_edit": has_capability(user, "cadres.edit"),
        "can_import": has_capability(user, "cadres.import"),
        "can_export": has_capability(user, "cadres.export"),
    }
    return render(request, "cadres/cadre_list.html", context)


@requires("cadres.export", kind="export", model=Cadre)
@require_GET
def cadre_export(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = CadreFilterForm(request.GET or None, user=user)
    qs, refused = _searched(request, user, form)
    if refused:
        return redirect(f"{reverse('cadres:list')}?{request.GET.urlencode()}")
    # the list's order: a declared sort key of the request, else the default (stroke order)
    sort = selectors.LIST_SORTS.accepted(request.GET.get("sort", ""))
    return audited_attachment(
        documents.export_cadres(
            qs.order_by(*selectors.LIST_SORTS.order_by(sort)),
            reveal_id_numbers=selectors.sees_sensitive(user),
        ),
        documents.registry_name(timezone.localdate()),
        XLSX,
        actor=user,
        action="cadre.export",
        unit_path=_scope_path(user),
        payload={"filters": request.GET.dict(), "format": "xlsx"},
    )


def _scope_path(user: User) -> str:
    return user.scope_unit.path if user.scope_unit else ""


@requires("cadres.export", kind="export", model=Cadre)
@require_GET
def cadre_forms_zip(request: HttpRequest) -> HttpResponse:
    """任免审批表 for every cadre of the filtered list (at most 500), as a zip."""
    user = request_user(request)
    if not selectors.sees_sensitive(user):
        raise PermissionDenied(NATIONAL_FORMS_FORBIDDEN)
    form = CadreFilterForm(request.GET or None, user=user)
    qs, refused = _searched(request, user, form)
    if refused:
        return redirect(f"{reverse('cadres:list')}?{request.GET.urlencode()}")
    cadres = list(qs[: batches.BATCH_MAX + 1])
    if len(cadres) > batches.BATCH_MAX:
        messages.error(request, f"一次最多批量生成 {batches.BATCH_MAX} 份任免审批表，请缩小筛选范围")
        return redirect(f"{reverse('cadres:list')}?{request.GET.urlencode()}")
    today = timezone.localdate()
    if len(cadres) > batches.INLINE_MAX:  # a long batch runs in the background with its progress
        job = batches.forms_batch_start(
            actor=user,
            cadre_ids=[c.pk for c in cadres],
            as_of=today,
            filters=request.GET.dict(),
            scope_path=_scope_path(user),
        )
        return redirect("cadres:forms_job", pk=job.pk)
    return audited_attachment(
        documents.appointment_forms_zip(cadres, as_of=today),
        documents.forms_zip_name(today),
        "application/zip",
        actor=user,
        action="cadre.export",
        unit_path=_scope_path(user),
        payload={"filters": request.GET.dict(), "format": "appointment_form_zip", "count": len(cadres)},
    )


@requires("cadres.export", kind="detail", model=Job)
@require_GET
def forms_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of a 批量任免审批表 job, and its zip once made."""
    user = request_user(request)
    if not selectors.sees_sensitive(user):
        raise PermissionDenied(NATIONAL_FORMS_FORBIDDEN)
    stale_jobs_fail(kind=batches.FORMS_JOB)
    job = selectors.forms_job_for_user(user, pk)
    template = "cadres/_forms_progress.html" if request.headers.get("HX-Request") else "cadres/forms_job.html"
    return render(request, template, {"job": job, "done": job.done})


@requires("cadres.export", kind="export", model=Job)
@require_GET
def forms_job_download(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    if not selectors.sees_sensitive(user):
        raise PermissionDenied(NATIONAL_FORMS_FORBIDDEN)
    job = selectors.forms_job_for_user(user, pk)
    if job.status != JobStatus.SUCCEEDED or not job.output:
        raise Http404("任免审批表尚未生成")
    with job.output.open("rb") as handle:
        content = handle.read()
    return audited_attachment(
        content,
        documents.forms_zip_name(date.fromisoformat(str(job.params["as_of"]))),
        "application/zip",
        actor=user,
        action="cadre.export",
        obj=job,
        unit_path=job.scope_path,
        payload={"format": "appointment_form_zip", "count": job.total_rows, "job": job.pk},
    )


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
        # buttons higher apps register (the 考核记录 …): the registry does not import them
        "cadre_links": cadre_links(lambda capability: has_capability(user, capability)),
        **selectors.cadre_detail_context(user=user, cadre=cadre),
    }
    return render(request, "cadres/cadre_detail.html", context)


@requires("cadres.view", kind="detail", model=Cadre)
@require_GET
def cadre_history(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    page = Paginator(selectors.cadre_history(user=user, cadre=cadre), 50).get_page(request.GET.get("page"))
    rows = selectors.history_rows(user, page.object_list)  # payloads masked for the reader's role
    return render(request, "cadres/cadre_history.html", {"cadre": cadre, "page": page, "rows": rows})


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


def _record_instance(cadre: Cadre, kind: str, rid: int) -> Any:
    return selectors.cadre_record(cadre=cadre, model=services.RECORD_KINDS[kind].model, pk=rid)


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


# --- 待补充 ----------------------------------------------------------------------------------


@requires("cadres.import", kind="list", model=Cadre)
@require_GET
def to_complete(request: HttpRequest) -> HttpResponse:
    """Cadres of the user's scope with fields an import left empty (a 干部名册 has no 身份证号,
    政治面貌, 人员类别 …), which ones, and a link to fill them in."""
    user = request_user(request)
    field = request.GET.get("field", "")
    field = field if field in selectors.GAP_LABELS else ""
    page = Paginator(selectors.cadres_to_complete(user=user, field=field), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(cadre, selectors.missing_fields(cadre)) for cadre in page.object_list]
    context = {
        "page": page,
        "rows": rows,
        "field": field,
        "fields": selectors.GAP_FIELDS,
        "query": f"field={field}" if field else "",
        "can_edit": has_capability(user, "cadres.view_sensitive"),
    }
    return render(request, "cadres/to_complete.html", context)


# --- 任免审批表 and LRMX ------------------------------------------------------------------------


@requires("cadres.export", kind="detail", model=Cadre)
@require_GET
def appointment_form(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    if not selectors.sees_sensitive(user):
        raise PermissionDenied(NATIONAL_FORMS_FORBIDDEN)
    options = AppointmentFormOptions(request.GET or None)
    opts: dict[str, Any] = options.cleaned_data if options.is_valid() else {}
    as_of: date = opts.get("as_of") or timezone.localdate()
    content = documents.build_appointment_form(
        cadre,
        as_of=as_of,
        proposed_post=opts.get("proposed_post", ""),
        proposed_removal=opts.get("proposed_removal", ""),
        reason=opts.get("reason", ""),
        filled_by=user.display_name or user.username,
    )
    return audited_attachment(
        content,
        documents.appointment_form_name(cadre),
        DOCX,
        actor=user,
        action="cadre.export",
        obj=cadre,
        unit_path=cadre.unit.path,
        payload={"format": "appointment_form"},
    )


@requires("cadres.export", kind="detail", model=Cadre)
@require_GET
def lrmx_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    cadre = selectors.get_cadre_for_user(user, pk)
    if not selectors.sees_sensitive(user):
        raise PermissionDenied(NATIONAL_FORMS_FORBIDDEN)
    return audited_attachment(
        # the date ages are counted at: an imported file's own, else today (lrmx.writing)
        documents.cadre_to_lrmx(cadre, as_of=None),
        documents.lrmx_name(cadre),
        "application/xml",
        actor=user,
        action="cadre.export",
        obj=cadre,
        unit_path=cadre.unit.path,
        payload={"format": "lrmx"},
    )


# --- Excel import -----------------------------------------------------------------------------


@requires("cadres.import", kind="page")
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The template, with the 单位代码 of the units in the user's scope listed."""
    units = units_in_scope(request_user(request)).order_by("path").values_list("code", "name")
    return attachment(documents.import_template(list(units)), "干部信息导入模板.xlsx", XLSX)


@requires("cadres.import", kind="list", model=Job)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        job = imports.import_job_create(
            content=upload.read(), filename=upload.name, dry_run=dry_run, actor=user
        )
        # the job and the actor themselves, not their ids: the thread needs no query to find them
        run_in_background(imports.run_import, job, actor=user, dry_run=dry_run)
        return redirect("cadres:import_job", pk=job.pk)
    stale_jobs_fail(kind=selectors.IMPORT_JOB)
    jobs = selectors.import_jobs(user)[:20]
    return render(request, "cadres/import.html", {"form": form, "jobs": jobs})


@requires("cadres.import", kind="detail", model=Job)
@require_GET
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_for_user(request_user(request), pk)
    template = (
        "cadres/_import_progress.html" if request.headers.get("HX-Request") else "cadres/import_job.html"
    )
    errors = job.errors[:500] if job.status == JobStatus.FAILED else []
    # rows matched by 姓名 + 出生年月 + 单位, columns not imported (imports.ImportResult.notes)
    succeeded = job.status == JobStatus.SUCCEEDED
    notes = (job.result or {}).get("notes", [])[:500] if succeeded else []
    # whom the import added and changed, row by row (imports.ImportResult.outcomes)
    outcomes = (job.result or {}).get("outcomes", []) if succeeded else []
    unchanged = int((job.result or {}).get("unchanged", 0) or 0)
    return render(
        request,
        template,
        {
            "job": job,
            "errors": errors,
            "notes": notes,
            "outcomes": outcomes,
            "changed_count": max(job.updated_count - unchanged, 0),
            "unchanged_count": unchanged,
            "done": job.done,
        },
    )


@requires("cadres.import", kind="detail", model=Job)
@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.import_job_for_user(request_user(request), pk)
    return attachment(error_report_xlsx(job.errors), f"导入错误报告_{job.pk}.xlsx", XLSX)
