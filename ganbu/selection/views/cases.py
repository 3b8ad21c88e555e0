"""选拔任用 pages: the cases a user may see with the probations ending soon, 动议 (a new case), and
the case page — the timeline (全程记实), the compliance findings, the candidates with their views,
the votes through the ballot engine, the next step's form, the 公示 complaints and the files."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from ganbu.cadres import selectors as cadre_selectors
from ganbu.core.downloads import attachment
from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires
from ganbu.org.models import User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import scope_path
from ganbu.org.selectors import posts_in_scope, users_with_role, work_calendar
from ganbu.selection import selectors, services
from ganbu.selection.conf import selection_settings
from ganbu.selection.forms import CaseForm, ComplaintForm, FindingForm, ViewsForm
from ganbu.selection.models import (
    ORDER,
    BallotPurpose,
    CandidateStatus,
    Case,
    CaseStatus,
    Complaint,
    Method,
    StepDocument,
    StepKind,
)
from ganbu.selection.rules import CODES
from ganbu.selection.rules.eligibility import Condition
from ganbu.selection.services import records
from ganbu.selection.services.cases import EDUCATION_CHOICES
from ganbu.selection.services.steps import EXAM_METHODS, FILE_FACTS
from ganbu.selection.views.documents import documents_for

# the fields each step's form asks for (beyond the date, the decision and the reason)
STEP_FIELDS: dict[str, list[tuple[str, str]]] = {
    StepKind.RECOMMEND: [("valid_ballots", "有效票（无投票时填写）")],
    StepKind.INSPECT: [
        ("unit_staff", "单位干部职工人数"),
        ("talks", "个别谈话人数"),
        ("discipline", "征求纪检监察机关意见"),
        ("file_review", "档案审核（三龄二历）结果"),
    ],
    StepKind.APPOINT: [("doc_no", "任职文号")],
    StepKind.PROBATION: [("result", "试用期满考核结果")],
}


def _manager(user: User) -> bool:
    return has_capability(user, "selection.manage")


@requires("selection.view", kind="list", model=Case)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    status = request.GET.get("status", "")
    cases = (
        selectors.cases_for(user)
        .prefetch_related("candidates")
        .annotate(motion_day=Min("steps__day", filter=Q(steps__kind=StepKind.MOTION)))
    )
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    today = timezone.localdate()
    context = {
        "cases": cases,
        "status": status,
        "statuses": CaseStatus.choices,
        "probations": selectors.probations_ending(user, today=today),
        "manager": _manager(user),
        "configure": has_capability(user, "selection.configure") and scope_path(user) is None,
    }
    return render(request, "selection/index.html", context)


def _case_form(request: HttpRequest, user: User) -> CaseForm:
    posts = (
        posts_in_scope(user)
        .filter(is_leadership=True)
        .select_related("unit")
        .order_by("unit__path", "sort_order")
    )
    return CaseForm(
        request.POST or None,
        posts=posts,
        handlers=users_with_role("county").filter(is_active=True).order_by("username"),
    )


@requires("selection.manage", kind="page")
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    """动议 - the case and its first step, together."""
    user = request_user(request)
    form = _case_form(request, user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                case = services.case_open(
                    post=data["post"],
                    seats=data["seats"],
                    method=data["method"],
                    day=data["day"],
                    actor=user,
                    scope=data["scope"],
                    conditions=data["conditions"],
                    over_quota_reason=data["over_quota_reason"],
                    handlers=[*data["handlers"], user],
                )
                services.step_record(
                    case=case, kind=StepKind.MOTION, day=data["day"], actor=user, decision=data["decision"]
                )
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已建立「{case}」，请增加人选并记录后续环节。")
            return redirect("selection:case", pk=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "selection/case_new.html", {"form": form}, status=status)


def _next_kinds(case: Case) -> list[tuple[str, str]]:
    if not case.is_open:
        return []
    start = ORDER.index(case.stage) + 1 if case.stage else 0
    kinds = list(ORDER[start:])
    if case.stage == StepKind.RECOMMEND:
        kinds.append(StepKind.RECOMMEND)  # a second round, offered last
    if case.method in (Method.OPEN, Method.COMPETE):
        kinds = [k for k in kinds if k != StepKind.RECOMMEND]
    else:
        kinds = [k for k in kinds if k not in (StepKind.WRITTEN, StepKind.INTERVIEW)]
    if case.method == Method.ELECT:
        kinds = [k for k in kinds if k != StepKind.PROBATION]
    return [(k, StepKind(k).label) for k in kinds]


def _step_data(request: HttpRequest, case: Case, kind: str) -> dict[str, Any]:
    data: dict[str, Any] = {key: request.POST.get(key, "") for key, _ in STEP_FIELDS.get(kind, [])}
    data["chosen"] = request.POST.getlist("chosen")
    data["relieve"] = request.POST.getlist("relieve")
    for c in case.candidates.all():
        for key in ("birth", "party", "work", "education", "resume"):
            data[f"file-{key}-{c.pk}"] = request.POST.get(f"file-{key}-{c.pk}", "")
    for c in case.candidates.all():
        data[f"votes-{c.pk}"] = request.POST.get(f"votes-{c.pk}", "")
        data[f"score-{c.pk}"] = request.POST.get(f"score-{c.pk}", "")
    data["ratio"] = request.POST.get("ratio", "")
    data["weight"] = request.POST.get("weight", "")
    return data


def _day(raw: str, label: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationError(f"{label}应为日期，如 2026-06-01") from None


def _post_case(request: HttpRequest, user: User, case: Case) -> str:
    """Run the posted action; the success message."""
    action = request.POST.get("action", "")
    if action == "step":
        kind = request.POST.get("kind", "")
        services.step_record(
            case=case,
            kind=kind,
            day=_day(request.POST.get("day", ""), "日期"),
            actor=user,
            data=_step_data(request, case, kind),
            decision=request.POST.get("decision", ""),
            reason=request.POST.get("reason", ""),
        )
        return f"已记录「{StepKind(kind).label}」。"
    if action == "candidate":
        raw = request.POST.get("cadre", "").strip().upper()
        if len(raw) == 18 and raw[:17].isdigit():
            by_number = cadre_selectors.cadre_by_id_number(raw)
            found = [by_number] if by_number is not None else []
        else:
            found = cadre_selectors.cadres_search_in_scope(user, raw, limit=2, exact=True) if raw else []
        if len(found) != 1:
            raise ValidationError(f"未找到姓名或身份证号为「{raw}」的干部，或有重名，请输入身份证号")
        candidate = services.candidate_add(case=case, cadre_id=found[0].pk, actor=user)  # scope checked
        return f"已增加人选{candidate.name}。"
    if action == "views":
        candidate = get_object_or_404(case.candidates, pk=request.POST.get("candidate") or 0)
        form = ViewsForm(request.POST)
        if not form.is_valid():
            raise ValidationError("意见填写有误")
        services.candidate_views(
            candidate=candidate,
            actor=user,
            two_recommendations=form.opinion("two_recommendations"),
            masses=form.opinion("masses"),
            party_org=form.opinion("party_org"),
            leader=form.opinion("leader"),
            exception=form.cleaned_data["exception"],
            complaint_open=form.cleaned_data.get("complaint_open") == "1",
        )
        return f"已记录{candidate.name}的意见。"
    if action == "year_end":
        link = services.year_end_link(case=case, session_id=request.POST.get("session", ""), actor=user)
        return f"已关联「{link.session.title}」，各人选的「两推」按其结果确定。"
    if action == "requirements":
        keys = ("education", "max_age", "age_on", "work_years", "party_years", "grade_years")
        services.requirements_set(
            case=case,
            actor=user,
            data={
                k: request.POST.get(k, "")
                for k in (*keys, "deputy_years", "lower_head_years", "party_member")
            },
        )
        return "已保存资格条件。"
    if action == "ballot":
        link = services.ballot_create(
            case=case,
            purpose=request.POST.get("purpose", ""),
            expected=request.POST.get("expected", ""),
            actor=user,
            mode=request.POST.get("mode", "paper"),
        )
        return f"已创建「{link.session.title}」，请在「测评投票」中组织投票并封存。"
    if action == "complaint":
        complaint_form = ComplaintForm(request.POST)
        if not complaint_form.is_valid():
            raise ValidationError("请填写收到日期（如 2026-10-08）和反映的主要问题")
        records.complaint_add(
            case=case,
            received_on=complaint_form.cleaned_data["received_on"],
            summary=complaint_form.cleaned_data["summary"],
            candidate_id=complaint_form.cleaned_data.get("candidate"),
            actor=user,
        )
        return "已登记公示期间的反映，任职前须录入核查结论。"
    if action == "finding":
        complaint = get_object_or_404(Complaint, pk=request.POST.get("complaint") or 0, case=case)
        finding_form = FindingForm(request.POST)
        if not finding_form.is_valid():
            raise ValidationError("请填写核查结论和核查日期（如 2026-10-09）")
        records.complaint_finding(
            complaint=complaint,
            finding=finding_form.cleaned_data["finding"],
            found_on=finding_form.cleaned_data["found_on"],
            actor=user,
        )
        return "已录入核查结论。"
    if action == "document":
        step = get_object_or_404(case.steps, pk=request.POST.get("step") or 0)
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError("请选择文件")
        records.document_attach(step=step, name=upload.name or "", content=upload.read(), actor=user)
        return "材料已上传。"
    if action == "end":
        services.case_end(case=case, actor=user, reason=request.POST.get("reason", ""))
        return "选拔任用已终止。"
    raise PermissionDenied("没有这个操作")


@requires("selection.view", kind="detail", model=Case)
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    case = selectors.case_for_user(user, pk)
    if request.method == "POST":
        if not _manager(user):
            raise PermissionDenied("您的角色只能查看")
        try:
            message = _post_case(request, user, case)
        except ValidationError as exc:
            for text in exc.messages[:30]:
                messages.error(request, text)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, message)
            return redirect("selection:case", pk=case.pk)
        case.refresh_from_db()
    context = _case_context(user, case)
    if request.method == "POST" and request.POST.get("action") == "step":
        context["posted"] = request.POST  # a refused step keeps what was typed
        context["posted_chosen"] = request.POST.getlist("chosen")
        context["posted_relieve"] = request.POST.getlist("relieve")
    return render(
        request, "selection/case_detail.html", context, status=400 if request.method == "POST" else 200
    )


def _case_context(user: User, case: Case) -> dict[str, Any]:
    today = timezone.localdate()
    calendar = work_calendar()
    violations, notices = selectors.case_violations(case, calendar=calendar, as_of=today)
    steps: list[dict[str, Any]] = [
        {"step": s, "words": selectors.step_summary(s)}
        for s in case.steps.select_related("recorded_by", "ballot_session").prefetch_related("documents")
    ]
    candidates = list(case.candidates.select_related("cadre__unit"))
    eligibility = selectors.candidate_conditions(case, as_of=today)
    linked = selectors.year_end(case)
    shortlist = next((s for s in case.steps.all() if s.kind == StepKind.SHORTLIST), None)
    if shortlist is not None:  # after 确定考察对象: the 资格审查 of that day, not today's registry
        snapshot = (shortlist.figures.get("extra") or {}).get("eligibility", {})
        eligibility = {c.pk: [Condition(*row) for row in snapshot.get(c.name, [])] for c in candidates}
    return {
        "case": case,
        "steps": steps,
        "candidates": [
            {
                "row": c,
                "id_number": cadre_selectors.visible_id_number(user, c.cadre) if c.cadre else "",
                "title": c.cadre.current_title if c.cadre else "",
                "points": [("群众", c.masses), ("单位党组织", c.party_org), ("分管领导", c.leader)],
                "two_words": linked.verdict(c)[1] if linked and c.status == CandidateStatus.ACTIVE else "",
                "conditions": eligibility.get(c.pk, []),
                "file_facts": [
                    (
                        f"file-{key}-{c.pk}",
                        label,
                        f"{getattr(c.cadre, attr):%Y-%m}" if c.cadre and getattr(c.cadre, attr) else "",
                    )
                    for key, label, attr in FILE_FACTS
                ],
                "vote_key": f"votes-{c.pk}",
                "score_key": f"score-{c.pk}",
                "chosen_key": str(c.pk),
                "education_key": f"file-education-{c.pk}",
                "resume_key": f"file-resume-{c.pk}",
                "failed": [x for x in eligibility.get(c.pk, []) if not x.met],
                "current": {
                    name: "" if value is None else ("1" if value else "0")
                    for name, value in (
                        ("two_recommendations", c.two_recommendations),
                        ("masses", c.masses),
                        ("party_org", c.party_org),
                        ("leader", c.leader),
                    )
                }
                | {"complaint_open": "1" if c.complaint_open else "0"},
            }
            for c in candidates
        ],
        "violations": [v for v in violations if not v.reason],
        "excused": [v for v in violations if v.reason],
        "notices": notices,
        "codes": CODES,
        "ballots": list(case.ballots.select_related("session")),
        "purposes": [(v, label) for v, label in BallotPurpose.choices if v != BallotPurpose.YEAR_END],
        "year_end": linked,
        "settings": selection_settings(),
        "probation_results": ("合格", "不合格"),
        "year_end_sessions": list(selectors.year_end_sessions(user, case)[:30])
        if _manager(user) and case.is_open and case.method not in EXAM_METHODS and shortlist is None
        else [],
        "complaints": list(case.complaints.select_related("candidate")),
        "show_complaints": any(s["step"].kind == StepKind.PUBLICITY for s in steps),
        "downloads": documents_for(case, user),
        "next_kinds": _next_kinds(case),
        "step_fields": STEP_FIELDS,
        # the next exam only (面试 needs the 笔试): one set of score fields on the form
        "holders": [
            h
            for h in cadre_selectors.post_holders([case.post_id], on=today)
            if h.cadre_id not in {c.cadre_id for c in candidates}
        ],
        "exam_kinds": [k for k, _ in _next_kinds(case) if k in (StepKind.WRITTEN, StepKind.INTERVIEW)][:1],
        "manager": _manager(user) and case.is_open,
        "adding": not case.steps.filter(kind__in=[StepKind.SHORTLIST, StepKind.WRITTEN]).exists(),
        "voting": case.stage not in (StepKind.PUBLICITY, StepKind.APPOINT, StepKind.PROBATION),
        "publicity_open": case.stage == StepKind.PUBLICITY,
        "today": today,
        "opinions": ViewsForm().fields,
        "requirements": selectors.case_requirements(case),
        "shortlisted": shortlist.day if shortlist is not None else None,
        "education_choices": EDUCATION_CHOICES,
    }


@requires("selection.view", kind="export", model=Case)
@require_GET
def document_file(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    case = selectors.case_for_user(request_user(request), pk)
    document = get_object_or_404(StepDocument, pk=doc, step__case=case)
    if not document.file:
        raise Http404("没有这个文件")
    with document.file.open("rb") as handle:
        return attachment(handle.read(), document.name, "application/octet-stream")


urlpatterns: list[URLPattern] = [
    path("", index, name="index"),
    path("new/", case_new, name="case_new"),
    path("<int:pk>/", case_detail, name="case"),
    path("<int:pk>/files/<int:doc>/", document_file, name="document_file"),
]
