"""LRMX import in the browser (issue 12): what `manage.py import_lrmx FILE --unit CODE` does, for a
county's clerks on its first day.

The page takes the unit new cadres go to (in the user's scope, never a village), their 人员类别
(LRMX does not carry it; default 公务员) and one or more files: .lrmx files chosen together, or a
.zip of them (limits as the command: `lrmx.MAX_BYTES` per .lrmx, 200 MB per zip). Every upload
becomes a `core.Job` of kind `LRMX_JOB` whose result lists each file: 新增 / 更新 / 失败 (the
parser's Chinese reason naming the element) / 跳过, with the parser's warnings; the page lists the
failed files first. Up to `INLINE_MAX` chosen .lrmx files are imported in the request; anything
with a zip (how many files it holds is known only once a limited child has unpacked it,
`lrmx.archive`) or more files runs in the background with a progress page, like the registry's
Excel import. Either way the browser is sent to the job's page.

Each file is all or nothing (`lrmx.import_lrmx_record`, through the services, which write the
cadres' audit events); one bad file fails alone and the others go on. The batch itself is audited
once (`cadre.lrmx_import`): the uploads and every file with its SHA-256 and outcome.

The form and the batch runner live here, beside the views, because `forms.py`, `selectors.py` and
`views.py` were being changed by others when this page was written (see the package README).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from ganbu.audit.services import record_event
from ganbu.cadres.lrmx import MAX_BYTES, SKIPPED, LrmxError, import_lrmx_record, parse_lrmx, zip_members
from ganbu.cadres.services import CodeBook
from ganbu.core.jobs import (
    JobOutcome,
    JobProgress,
    job_create,
    job_run,
    jobs_of_kind,
    run_in_background,
    stale_jobs_fail,
)
from ganbu.core.models import Job, JobStatus
from ganbu.org.access import request_user, requires
from ganbu.org.models import VILLAGE_KINDS, Unit, User
from ganbu.org.scoping import filter_by_scope, get_in_scope_or_404, unit_in_scope, units_in_scope
from ganbu.org.selectors import code_choices

logger = logging.getLogger(__name__)

LRMX_JOB = "cadres.lrmx_import"  # the kind of the jobs of this page (core.Job)
INLINE_MAX = 20  # this many .lrmx files chosen one by one are imported in the request
MAX_ZIP_BYTES = 200 * 1024 * 1024  # one .zip, as manage.py import_lrmx; also all files chosen at once
MAX_FILES = 100  # files chosen at once (Django's DATA_UPLOAD_MAX_NUMBER_FILES); more: a zip
DEFAULT_CATEGORY = "1"  # 公务员, as the command

CREATED, UPDATED, FAILED, SKIP = "created", "updated", "failed", "skipped"
OUTCOME_LABELS = {CREATED: "新增", UPDATED: "更新", FAILED: "失败", SKIP: "跳过"}
OUT_OF_SCOPE = "同一身份证号的干部已登记在您数据范围以外的单位，不能由您导入或更新"
CRASHED_FILE = "导入该文件时系统出错，该文件未导入；请联系系统管理员"
NO_LRMX_IN_ZIP = "压缩包中没有 .lrmx 文件"
UNREADABLE = f"上传的内容无法读取：一次最多选择 {MAX_FILES} 个文件，更多的文件请打包为 .zip 后导入"


# --- the form ---------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".lrmx,.zip"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        items = data if isinstance(data, list | tuple) else [data] if data else []
        if not items:
            raise ValidationError("请选择要导入的 .lrmx 文件或 .zip 压缩包", code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def import_units(user: User) -> QuerySet[Unit]:
    """The units a user may import new cadres into: in scope, never a village (a 村 has no
    cadres of the registry; its people are 村干部)."""
    return units_in_scope(user).exclude(kind__in=VILLAGE_KINDS).order_by("path")


class LrmxImportForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="导入单位（新增干部及简历中任职记录的单位）", queryset=Unit.objects.none(), empty_label=None
    )
    personnel_category = forms.ChoiceField(label="新增干部的人员类别", initial=DEFAULT_CATEGORY)
    uploads = MultipleFileField(label="LRMX 文件（.lrmx，可多选；或 .zip 压缩包）")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = import_units(user)
        if user.scope_unit is not None and not user.scope_unit.is_village:
            unit_field.initial = user.scope_unit.pk
        category = self.fields["personnel_category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = code_choices("personnel_category", blank=False)

    def clean_uploads(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["uploads"]
        if len(files) > MAX_FILES:
            raise ValidationError(f"一次最多选择 {MAX_FILES} 个文件，更多的文件请打包为 .zip 后导入")
        problems = []
        for upload in files:
            name = upload.name or ""
            size = upload.size or 0
            lower = name.lower()
            if lower.endswith(".lrmx"):
                if size > MAX_BYTES:
                    problems.append(f"「{name}」超过 {MAX_BYTES // (1024 * 1024)} MB，拒绝导入")
            elif lower.endswith(".zip"):
                if size > MAX_ZIP_BYTES:
                    problems.append(
                        f"「{name}」超过 {MAX_ZIP_BYTES // (1024 * 1024)} MB，请拆分为几个压缩包后导入"
                    )
            else:
                problems.append(f"「{name}」不是 .lrmx 文件或 .zip 压缩包")
        if not problems and sum(f.size or 0 for f in files) > MAX_ZIP_BYTES:
            problems.append(f"所选文件合计超过 {MAX_ZIP_BYTES // (1024 * 1024)} MB，请分批导入")
        if problems:
            raise ValidationError(problems)
        return files


# --- the batch --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One file as chosen in the browser."""

    name: str
    content: bytes

    @property
    def is_zip(self) -> bool:
        return self.name.lower().endswith(".zip")

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def _entry(name: str, archive: str, outcome: str, message: str = "", **extra: Any) -> dict[str, Any]:
    return {"name": name, "archive": archive, "outcome": outcome, "message": message, **extra}


def _import_one(
    name: str, archive: str, data: bytes, *, unit: Unit, category: str, actor: User, codes: CodeBook
) -> dict[str, Any]:
    """One .lrmx file, all or nothing, as a result entry; never raises."""
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        record = parse_lrmx(data, codes=codes)
        cadre, created = import_lrmx_record(
            record, unit=unit, actor=actor, personnel_category=category, codes=codes
        )
    except LrmxError as exc:
        return _entry(name, archive, FAILED, str(exc), sha256=sha256)
    except PermissionDenied:
        return _entry(name, archive, FAILED, OUT_OF_SCOPE, sha256=sha256)
    except ValidationError as exc:  # import_lrmx_record turns these into LrmxError; in case
        return _entry(name, archive, FAILED, "；".join(exc.messages), sha256=sha256)
    except Exception:  # one file must not stop the others; its transaction is rolled back
        logger.exception("LRMX import of %r crashed", name)
        return _entry(name, archive, FAILED, CRASHED_FILE, sha256=sha256)
    return _entry(
        name,
        archive,
        CREATED if created else UPDATED,
        sha256=sha256,
        cadre=cadre.pk,
        cadre_name=cadre.name,
        warnings=list(record.warnings),
    )


def _members(upload: Upload) -> Iterator[tuple[str, str, bytes | None, str]]:
    """(name, archive, content or None, problem) of each file of an upload; an unusable zip is
    one failed entry named after the zip."""
    if not upload.is_zip:
        yield upload.name, "", upload.content, ""
        return
    found = False
    try:
        for name, content, problem in zip_members(upload.content):
            found = found or content is not None or problem != SKIPPED
            yield name, upload.name, content, problem
    except LrmxError as exc:
        yield upload.name, "", None, str(exc)
        return
    if not found:
        yield upload.name, "", None, NO_LRMX_IN_ZIP


def lrmx_batch_run(job: Job, uploads: Sequence[Upload], *, unit: Unit, actor: User) -> Job:
    """Import every file of the uploads into the job's unit, each all or nothing, with progress;
    the job succeeds when the batch ran (its result says which files failed), and the batch is
    audited once (`cadre.lrmx_import`)."""

    def work(job: Job, reporter: JobProgress) -> JobOutcome:
        category = str(job.params["personnel_category"])
        if unit.is_village or not unit_in_scope(actor, unit):  # checked by the form; never trust it
            raise PermissionDenied("该单位不在您的数据范围内")
        codes = CodeBook()
        total = 0 if any(u.is_zip for u in uploads) else len(uploads)  # a zip's: known once unpacked
        entries: list[dict[str, Any]] = []
        for upload in uploads:
            for name, archive, content, problem in _members(upload):
                if content is None:
                    entries.append(_entry(name, archive, SKIP if problem == SKIPPED else FAILED, problem))
                else:
                    entries.append(
                        _import_one(
                            name, archive, content, unit=unit, category=category, actor=actor, codes=codes
                        )
                    )
                done = len(entries)
                reporter.set(done, total, f"已处理 {done} 个文件")
        counts = {k: sum(1 for e in entries if e["outcome"] == k) for k in OUTCOME_LABELS}
        record_event(
            actor=actor,
            action="cadre.lrmx_import",
            obj=job,
            object_label=job.filename[:200],
            unit_path=unit.path,
            payload={
                "unit": unit.code,
                "personnel_category": category,
                "uploads": [{"name": u.name, "size": len(u.content), "sha256": u.sha256} for u in uploads],
                "files": [
                    {k: e.get(k) for k in ("name", "archive", "sha256", "outcome", "cadre") if e.get(k)}
                    for e in entries
                ],
                **counts,
            },
        )
        return JobOutcome(
            ok=True,
            total=len(entries),
            created=counts[CREATED],
            updated=counts[UPDATED],
            message=_summary(counts),
            result={"files": entries, "counts": counts},
        )

    return job_run(job, work)


def _summary(counts: dict[str, int]) -> str:
    lrmx = counts[CREATED] + counts[UPDATED] + counts[FAILED]
    text = (
        f"共 {lrmx} 个 LRMX 文件：新增 {counts[CREATED]} 名，更新 {counts[UPDATED]} 名，"
        f"失败 {counts[FAILED]} 个"
    )
    return text + (f"，跳过其他文件 {counts[SKIP]} 个" if counts[SKIP] else "")


def lrmx_batch_start(*, actor: User, unit: Unit, category: str, uploads: Sequence[Upload]) -> Job:
    """The job of one upload, run in the request when it is a few .lrmx files, else in the
    background. Its scope is the actor's (the cadres it may update are anywhere in it)."""
    if actor.scope_unit is None:
        raise PermissionDenied("账号没有数据范围")
    first = uploads[0].name
    job = job_create(
        kind=LRMX_JOB,
        scope_path=actor.scope_unit.path,
        actor=actor,
        filename=first if len(uploads) == 1 else f"{first} 等 {len(uploads)} 个文件",
        params={
            "unit": unit.pk,
            "unit_name": unit.name,
            "personnel_category": category,
            "uploads": [u.name for u in uploads],
        },
    )
    if len(uploads) <= INLINE_MAX and not any(u.is_zip for u in uploads):
        return lrmx_batch_run(job, uploads, unit=unit, actor=actor)
    run_in_background(lrmx_batch_run, job, list(uploads), unit=unit, actor=actor)
    return job


# --- the views --------------------------------------------------------------------------------


def _jobs(user: User) -> QuerySet[Job]:
    return filter_by_scope(jobs_of_kind(LRMX_JOB), user, "scope_path")


@requires("cadres.import", kind="page")
@require_http_methods(["GET", "POST"])
def lrmx_import_page(request: HttpRequest) -> HttpResponse:
    """The upload form, and the recent LRMX imports of the user's scope."""
    user = request_user(request)
    form = LrmxImportForm(request.POST or None, request.FILES or None, user=user)
    # a body Django could not read (more files than DATA_UPLOAD_MAX_NUMBER_FILES …) arrives empty
    unreadable = request.method == "POST" and not form.is_bound
    if request.method == "POST" and form.is_valid():
        uploads = [Upload(f.name or "", f.read()) for f in form.cleaned_data["uploads"]]
        try:
            job = lrmx_batch_start(
                actor=user,
                unit=form.cleaned_data["unit"],
                category=form.cleaned_data["personnel_category"],
                uploads=uploads,
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("cadres:lrmx_import_job", pk=job.pk)
    stale_jobs_fail(kind=LRMX_JOB)
    return render(
        request,
        "cadres/lrmx_import.html",
        {
            "form": form,
            "unreadable": UNREADABLE if unreadable else "",
            "jobs": _jobs(user)[:20],
            "inline_max": INLINE_MAX,
            "max_files": MAX_FILES,
            "max_lrmx_mb": MAX_BYTES // (1024 * 1024),
            "max_zip_mb": MAX_ZIP_BYTES // (1024 * 1024),
        },
    )


@requires("cadres.import", kind="detail", model=Job)
@require_GET
def lrmx_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress of an LRMX import, then its result file by file (htmx polls the partial)."""
    stale_jobs_fail(kind=LRMX_JOB)
    job = get_in_scope_or_404(jobs_of_kind(LRMX_JOB), request_user(request), "scope_path", pk=pk)
    result = job.result or {}
    entries = result.get("files", []) if job.status == JobStatus.SUCCEEDED else []
    files = sorted(  # what needs the clerk first: failures, then warnings; skipped files last
        ({**e, "label": OUTCOME_LABELS.get(e.get("outcome", ""), "")} for e in entries),
        key=lambda e: (e["outcome"] != FAILED, not e.get("warnings"), e["outcome"] == SKIP),
    )
    partial = request.headers.get("HX-Request")
    return render(
        request,
        "cadres/lrmx_import_result.html" if partial else "cadres/lrmx_import_job.html",
        {
            "job": job,
            "done": job.done,
            "files": files,
            "counts": result.get("counts", {}),
            "unit_name": job.params.get("unit_name", ""),
            "category_name": _category_name(str(job.params.get("personnel_category", ""))),
        },
    )


def _category_name(code: str) -> str:
    return dict(code_choices("personnel_category", blank=False)).get(code, code)
