"""驻村工作 views: the annual evaluation (年度考核). Township staff (their township) and the county
(all) with `villagework.manage`: open an evaluation, create the 述职评议 ballot sessions, enter the
bundled scores, compute, confirm the grades and write them into the cadres' records."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires
from ganbu.org.permissions import has_capability
from ganbu.villagework import scoring
from ganbu.villagework.forms import BundledForm, EvaluationCreateForm, ExpectedForm, FinalizeForm
from ganbu.villagework.models import Evaluation, EvaluationEntry, EvaluationStatus, VillageWorkSettings
from ganbu.villagework.selectors.evaluation import evaluation_entries, unfit_warning_percent
from ganbu.villagework.selectors.evaluation import evaluation_list as evaluations_in_scope
from ganbu.villagework.selectors.scope import get_entry, get_evaluation
from ganbu.villagework.services import evaluation as services

PAGE_SIZE = 50


def _flash(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------------------------------
# presentation helpers
# --------------------------------------------------------------------------------------------------


def _pct(value: Any) -> str:
    number = scoring.to_decimal(value) or Decimal(0)
    return str(int(number)) if number == number.to_integral() else str(number.normalize())


def rules_rows(source: Any) -> dict[str, Any]:
    """The rules of an evaluation (or of the current settings) ready for the template."""
    parts = source.part_weights
    return {
        "rater_groups": [{"name": g["name"], "weight": _pct(g["weight"])} for g in source.rater_groups],
        "bundled_items": [{"name": i["name"], "weight": _pct(i["weight"])} for i in source.bundled_items],
        "parts": [
            {"label": f"{scoring.PART_LABELS[p]}得分", "weight": _pct(parts.get(p, 0))} for p in scoring.PARTS
        ],
        "thresholds": [
            {"label": scoring.GRADE_LABELS.get(str(t["grade"]), t["grade"]), "min": _pct(t["min"])}
            for t in source.grade_thresholds
        ],
        "quota": source.weekly_visit_quota,
        "option_points": scoring.OPTION_POINTS,
        "work_weights": [
            {"label": scoring.WORK_LABELS[k], "weight": w} for k, w in scoring.WORK_WEIGHTS.items()
        ],
        "unfit_percent": unfit_warning_percent(),
    }


def _entry_row(entry: EvaluationEntry) -> dict[str, Any]:
    detail = entry.work_numbers or {}
    return {
        "entry": entry,
        "flags": detail.get("flags", []),
        "capped": detail.get("capped", False),
        "suggested": scoring.GRADE_LABELS.get(entry.suggested_grade, ""),
        "final": scoring.GRADE_LABELS.get(entry.final_grade, ""),
        "bundled_done": bool(entry.bundled_scores)
        and all(str(i["name"]) in entry.bundled_scores for i in entry.evaluation.bundled_items),
        "session": entry.ballot_session,
    }


# --------------------------------------------------------------------------------------------------
# views
# --------------------------------------------------------------------------------------------------


@requires("villagework.manage", kind="list", model=Evaluation)
@require_GET
def evaluation_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(evaluations_in_scope(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rules": rules_rows(VillageWorkSettings.current()),
        "can_configure": has_capability(user, "villagework.configure"),
    }
    return render(request, "villagework/evaluation/list.html", context)


@requires("villagework.manage", kind="page")
@require_http_methods(["GET", "POST"])
def evaluation_create(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = EvaluationCreateForm(request.POST or None, user=user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(
                township=form.cleaned_data["township"],
                year=form.cleaned_data["year"],
                title=form.cleaned_data["title"],
                actor=user,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request,
                f"已建立「{evaluation.title}」，共 {evaluation.entries.count()} 名考核对象。下一步：创建评议投票。",
            )
            return redirect("villagework:evaluation", pk=evaluation.pk)
    return render(
        request,
        "villagework/evaluation/create.html",
        {"form": form, "rules": rules_rows(VillageWorkSettings.current())},
    )


@requires("villagework.manage", kind="detail", model=Evaluation)
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    evaluation = get_evaluation(user, pk)
    entries = evaluation_entries(user, evaluation)
    context = {
        "evaluation": evaluation,
        "rows": [_entry_row(e) for e in entries],
        "rules": rules_rows(evaluation),
        "expected_form": ExpectedForm(evaluation=evaluation),
        "missing_sessions": sum(1 for e in entries if e.ballot_session_id is None),
        "can_ballots": evaluation.status in (EvaluationStatus.DRAFT, EvaluationStatus.VOTING),
        "can_finalize": evaluation.status in (EvaluationStatus.SCORED, EvaluationStatus.FINAL),
        "stale": evaluation.status == EvaluationStatus.SCORED and any(e.written_at for e in entries),
    }
    return render(request, "villagework/evaluation/detail.html", context)


@requires("villagework.manage", kind="action", model=Evaluation)
@require_POST
def evaluation_ballots(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    evaluation = get_evaluation(user, pk)
    form = ExpectedForm(request.POST, evaluation=evaluation)
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}：{error}" if label else str(error))
        return redirect("villagework:evaluation", pk=evaluation.pk)
    try:
        created = services.ballots_create(evaluation=evaluation, expected=form.expected(), actor=user)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(
            request,
            f"已创建 {len(created)} 场评议投票。请在各投票页面生成票码、开始投票，结束（并封存）后回到本页计算得分。",
        )
    return redirect("villagework:evaluation", pk=evaluation.pk)


@requires("villagework.manage", kind="action", model=Evaluation)
@require_POST
def evaluation_compute(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    evaluation = get_evaluation(user, pk)
    try:
        services.evaluation_compute(evaluation=evaluation, actor=user)
    except ValidationError as exc:
        messages.error(request, "还不能计算得分：")
        _flash(request, exc)
    else:
        messages.success(request, "得分已计算。请核对各项得分，然后确定等次并写入档案。")
    return redirect("villagework:evaluation", pk=evaluation.pk)


@requires("villagework.manage", kind="action", model=Evaluation)
@require_http_methods(["GET", "POST"])
def evaluation_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    evaluation = get_evaluation(user, pk)
    ready = evaluation.status in (EvaluationStatus.SCORED, EvaluationStatus.FINAL)
    entries = evaluation_entries(user, evaluation)
    form = FinalizeForm(request.POST or None, entries=entries)
    if request.method == "POST" and not ready:
        messages.error(request, "请先计算得分，再确定等次")
        return redirect("villagework:evaluation", pk=evaluation.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_finalize(
                evaluation=evaluation, grades=form.grades(), reasons=form.reasons(), actor=user
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"等次已确定，{len(entries)} 名干部的驻村考核结果已写入干部档案")
            return redirect("villagework:evaluation", pk=evaluation.pk)
    rows = [{**_entry_row(r["entry"]), **r} for r in form.rows()]
    return render(
        request,
        "villagework/evaluation/finalize.html",
        {"evaluation": evaluation, "form": form, "rows": rows, "ready": ready},
    )


def _entry_context(entry: EvaluationEntry, form: BundledForm) -> dict[str, Any]:
    evaluation = entry.evaluation
    detail = entry.work_numbers or {}
    parts = {"ballot": entry.ballot_score, "bundled": entry.bundled_score, "work": entry.work_score}
    terms = [
        {
            "label": scoring.PART_LABELS[p],
            "score": parts[p],
            "weight": _pct(evaluation.part_weights.get(p, 0)),
        }
        for p in scoring.PARTS
    ]
    work = detail.get("work", {})
    components = work.get("components", {})
    bundled_rows = [
        {"name": i["name"], "weight": _pct(i["weight"]), "score": entry.bundled_scores.get(str(i["name"]))}
        for i in evaluation.bundled_items
    ]
    return {
        "entry": entry,
        "evaluation": evaluation,
        "row": _entry_row(entry),
        "terms": terms,
        "explain": detail.get("explain", ""),
        "ballot": detail.get("ballot"),
        "numbers": detail.get("numbers"),
        "work_rows": [
            {
                "label": scoring.WORK_LABELS[k],
                "weight": w,
                "value": components.get(k),
            }
            for k, w in scoring.WORK_WEIGHTS.items()
        ],
        "bundled_rows": bundled_rows,
        "form": form,
        "rules": rules_rows(evaluation),
    }


@requires("villagework.manage", kind="detail", model=EvaluationEntry)
@require_GET
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_entry(request_user(request), pk)
    form = BundledForm(entry=entry)
    return render(request, "villagework/evaluation/entry.html", _entry_context(entry, form))


@requires("villagework.manage", kind="action", model=EvaluationEntry)
@require_POST
def entry_scores(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    entry = get_entry(user, pk)
    form = BundledForm(request.POST, entry=entry)
    if form.is_valid():
        try:
            services.bundled_scores_enter(entry=entry, scores=form.scores(), actor=user)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{entry.cadre.name} 的捆绑考核得分已保存（重新计算得分后计入）")
            return redirect("villagework:entry", pk=entry.pk)
    response = render(request, "villagework/evaluation/entry.html", _entry_context(entry, form))
    response.status_code = 400
    return response


urlpatterns: list[URLPattern] = [
    path("evaluations/", evaluation_list, name="evaluation_list"),
    path("evaluations/new/", evaluation_create, name="evaluation_create"),
    path("evaluations/<int:pk>/", evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/ballots/", evaluation_ballots, name="evaluation_ballots"),
    path("evaluations/<int:pk>/compute/", evaluation_compute, name="evaluation_compute"),
    path("evaluations/<int:pk>/finalize/", evaluation_finalize, name="evaluation_finalize"),
    path("evaluation-entries/<int:pk>/", entry_detail, name="entry"),
    path("evaluation-entries/<int:pk>/scores/", entry_scores, name="entry_scores"),
]
