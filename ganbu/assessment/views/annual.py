"""平时考核 and 年度考核 pages: a unit enters its quarter grades (a phone page: one card per cadre),
opens the year, proposes grades (checked by the rules as it saves), and the review moves through
主管, 组织部, 公示 and the final grades; the consequences are confirmed there."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ganbu.assessment import annual_documents, events, services
from ganbu.assessment.conf import grading_settings
from ganbu.assessment.grading import GRADES
from ganbu.assessment.models import (
    AnnualReview,
    ConsequenceProposal,
    QuarterGrade,
    ReviewKind,
    ReviewStatus,
)
from ganbu.assessment.selectors import term_summary, unit_grade
from ganbu.assessment.services import annual
from ganbu.cadres import selectors as cadre_selectors
from ganbu.core.downloads import attachment
from ganbu.core.numbers import written
from ganbu.core.office import DOCX, XLSX, audited_attachment
from ganbu.org.access import request_user, requires
from ganbu.org.models import Unit
from ganbu.org.scoping import units_in_scope


def _units(request: HttpRequest) -> list[Unit]:
    user = request_user(request)
    return list(units_in_scope(user).exclude(kind__in=["village", "community"]).order_by("path"))


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    """One alert per problem; many refusals (a whole unit's list) read as one alert that counts them."""
    found = exc.messages
    if len(found) <= 3:
        for message in found:
            messages.error(request, message)
        return
    shown = "；".join(found[:30]) + ("；……" if len(found) > 30 else "")
    messages.error(request, f"共 {len(found)} 处需要修改：{shown}")


@requires("assessment.view", kind="page")
@require_http_methods(["GET", "POST"])
def quarters(request: HttpRequest) -> HttpResponse:
    """平时考核 of one unit and quarter (?unit=&year=&quarter=)."""
    user = request_user(request)
    units = _units(request)
    today = timezone.localdate()
    try:
        # the county itself has few cadres of its own: a township first
        first = next((u for u in units if u.kind != "county"), units[0] if units else None)
        unit_id = int(request.GET.get("unit") or (first.pk if first else 0))
        year = int(request.GET.get("year") or today.year)
        quarter = int(request.GET.get("quarter") or (today.month - 1) // 3 + 1)
    except ValueError:
        unit_id, year, quarter = 0, today.year, 1
    unit = next((u for u in units if u.pk == unit_id), None)
    if unit is None and units:
        unit = units[0]
    if not 1 <= quarter <= 4 or not 2000 <= year <= 2100:
        quarter, year = 1, today.year
    cadres = (
        list(cadre_selectors.active_cadres_in_units([unit.pk]).order_by("stroke_key", "id")) if unit else []
    )
    if request.method == "POST" and unit is not None:
        values = {
            c.pk: (request.POST.get(f"g-{c.pk}", ""), request.POST.get(f"s-{c.pk}", "")) for c in cadres
        }
        try:
            n = annual.enter_quarter_grades(unit=unit, year=year, quarter=quarter, actor=user, values=values)
        except ValidationError as exc:
            _errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"已保存 {n} 人的平时考核等次。")
            return redirect(f"{request.path}?unit={unit.pk}&year={year}&quarter={quarter}")
    stored = (
        {q.cadre_id: q for q in QuarterGrade.objects.filter(unit=unit, year=year, quarter=quarter)}
        if unit
        else {}
    )
    posted = request.method == "POST"
    settings = grading_settings()
    rows = []
    for c in cadres:
        row = stored.get(c.pk)
        rows.append(
            {
                "cadre": c,
                "grade": row,
                # what the clerk typed comes back after a refusal; otherwise what is stored
                "g": request.POST.get(f"g-{c.pk}", "") if posted else (row.grade if row else ""),
                "s": request.POST.get(f"s-{c.pk}", "") if posted else (written(row.score) if row else ""),
            }
        )
    good = sum(1 for q in stored.values() if q.grade == "好")
    context = {
        "units": units,
        "unit": unit,
        "year": year,
        "quarter": quarter,
        "rows": rows,
        "grades": [g for g, _ in QuarterGrade.GRADES],
        "allowed": annual.quarter_good_allowed(len(cadres), settings),  # of the unit's participants
        "settings": settings,
        "good": good,
        "office": services.is_office(user),
    }
    return render(
        request, "assessment/quarters.html", context, status=400 if request.method == "POST" else 200
    )


ALL = "all"  # the reviews page's ?year=all: every year


@requires("assessment.view", kind="page")
@require_http_methods(["GET", "POST"])
def reviews(request: HttpRequest) -> HttpResponse:
    """The reviews in scope, filtered by 年度 (?year=, the current year unless 「all」) and 考核类别
    (?kind=), and opening one for a unit."""
    user = request_user(request)
    units = _units(request)
    today = timezone.localdate()
    if request.method == "POST":
        unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
        try:
            year = int(request.POST.get("year") or 0)
            if unit is None or not 2000 <= year <= 2100:
                raise ValidationError("请选择单位并填写年度")
            kind = request.POST.get("kind") or ReviewKind.ANNUAL
            term_text = (request.POST.get("term_start") or "").strip()
            if kind != ReviewKind.ANNUAL and not term_text.isdigit():
                raise ValidationError("届中、届末考核请填写本届任期的起始年度")
            review = annual.open_review(
                unit=unit,
                year=year,
                actor=user,
                pools=request.POST.get("pools", "single"),
                kind=kind,
                term_start=int(term_text) if term_text.isdigit() else None,
            )
        except ValidationError as exc:
            _errors(request, exc)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            what = "领导班子成员" if review.is_term else "干部"
            messages.success(
                request,
                f"已建立{review}，参加考核的{what} {review.entries.count()} 人；请组织民主测评，并拟定等次。",
            )
            return redirect("assessment:review_detail", pk=review.pk)
    in_scope = AnnualReview.objects.filter(unit__in=units_in_scope(user))
    chosen = request.GET.get("year", "")
    year_filter: int | None = None if chosen == ALL else today.year
    if chosen.isdigit() and 2000 <= int(chosen) <= 2100:
        year_filter = int(chosen)
    years = set(in_scope.values_list("year", flat=True)) | {today.year, year_filter or today.year}
    kind_filter = request.GET.get("kind", "")
    if kind_filter not in ReviewKind.values:
        kind_filter = ""
    found = in_scope.select_related("unit")
    if year_filter is not None:
        found = found.filter(year=year_filter)
    if kind_filter:
        found = found.filter(kind=kind_filter)
    shown = list(found)
    kind_label = ReviewKind(kind_filter).label if kind_filter else "考核"
    context = {
        "reviews": shown,
        "count": len(shown),
        "empty": f"还没有{kind_label}。" if year_filter is None else f"该年度还没有{kind_label}。",
        "caption": (f"{year_filter}年" if year_filter else "全部年度")
        + (kind_label if kind_filter else "各类考核"),
        "years": sorted(years, reverse=True),
        "year_filter": year_filter,
        "kind_filter": kind_filter,
        "units": units,
        "kinds": ReviewKind.choices,
        "year": today.year,
        "overview_year": year_filter or today.year,
        "office": services.is_office(user),
    }
    return render(request, "assessment/reviews.html", context)


def _review_for(request: HttpRequest, pk: int) -> AnnualReview:
    return get_object_or_404(
        AnnualReview.objects.filter(unit__in=units_in_scope(request_user(request))).select_related("unit"),
        pk=pk,
    )


@requires("assessment.view", kind="detail", model=AnnualReview)
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    review = _review_for(request, pk)
    entries = list(review.entries.select_related("cadre").order_by("role", "id"))
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("save", "submit"):
                proposals = {
                    e.pk: (request.POST.get(f"p-{e.pk}", ""), request.POST.get(f"r-{e.pk}", ""))
                    for e in entries
                }
                annual.save_proposals(
                    review=review, actor=user, proposals=proposals, submit=action == "submit"
                )
                messages.success(
                    request, "已提交主管单位审核。" if action == "submit" else "已保存，并按规则核对。"
                )
            elif action == "report":
                entry = get_object_or_404(
                    review.entries.select_related("cadre"), pk=request.POST.get("entry") or 0
                )
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError("请选择述职报告文件")
                annual.attach_report(entry=entry, actor=user, name=upload.name or "", content=upload.read())
                messages.success(request, f"{entry.cadre.name}的述职报告已上传。")
            elif action == "ballot":
                expected = {
                    name: request.POST.get(f"e-{name}", "") for name, _ in annual.rater_groups(review)
                }
                annual.create_review_ballot(
                    review=review, actor=user, expected=expected, mode=request.POST.get("mode", "paper")
                )
                messages.success(request, "已创建民主测评，请在「测评投票」中组织投票并封存。")
            elif action == "confirm":
                annual.confirm_review(review=review, actor=user)
                messages.success(request, "已审核，报县委组织部审批。")
            elif action == "return":
                reason = request.POST.get("reason", "").strip()
                annual.return_review(review=review, actor=user, reason=reason)
                messages.success(request, f"已退回{review.unit.name}重新填报（理由：{reason}）。")
            elif action == "approve":
                annual.approve_review(review=review, actor=user)
                messages.success(request, "已审批，请安排公示。")
            elif action == "publicity":
                annual.start_publicity(
                    review=review, actor=user, start=date.fromisoformat(request.POST.get("start", ""))
                )
                messages.success(request, f"公示期为 {_span(review)}（{annual.PUBLICITY_DAYS} 个工作日）。")
            elif action == "final":
                annual.finalize_review(review=review, actor=user)
                messages.success(request, _finalized(review))
            elif action in ("accept", "decline"):
                proposal = get_object_or_404(
                    ConsequenceProposal, pk=request.POST.get("proposal") or 0, entry__review=review
                )
                annual.decide_consequence(
                    proposal=proposal,
                    actor=user,
                    confirm=action == "accept",
                    note=request.POST.get("note", ""),
                )
                if action == "decline":
                    messages.success(request, f"已不采纳「{proposal.message}」。")
                elif proposal.code in annual.AWARDS:
                    messages.success(request, f"已确认「{proposal.message}」，并记入干部奖惩。")
                else:
                    messages.success(request, f"已确认「{proposal.message}」。")
            else:
                raise PermissionDenied("没有这个操作")
        except ValidationError as exc:
            _errors(request, exc)
        except ValueError:
            messages.error(request, "公示开始日期格式应为 2026-01-31")
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            return redirect("assessment:review_detail", pk=review.pk)
        review.refresh_from_db()
        entries = list(review.entries.select_related("cadre").order_by("role", "id"))  # as now saved
    people = {p["id"]: p for p in (review.result or {}).get("participants", [])}
    rows = [
        {"entry": e, "result": people.get(str(e.pk), {}), "consequences": list(e.consequences.all())}
        for e in entries
    ]
    context = {
        "review": review,
        "rows": rows,
        "grades": GRADES,
        "quota": (review.result or {}).get("quota"),
        "office": services.is_office(user),
        "own": user.scope_unit_id == review.unit_id,
        "draft": review.status == ReviewStatus.DRAFT,
        "today": timezone.localdate(),
        "rater_groups": annual.rater_groups(review),
        "summary": term_summary(review) if review.is_term else None,
        "downloads": [(k, v[0]) for k, v in DOWNLOADS.items() if not review.is_term or k in TERM_DOWNLOADS],
        "share_percent": _percent((review.result or {}).get("quota", {}).get("share")),
        "unit_grade": unit_grade(review.unit, review.year),
    }
    return render(
        request, "assessment/review_detail.html", context, status=400 if request.method == "POST" else 200
    )


@requires("assessment.manage", kind="page", county_wide=True)
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    """The county's year: every unit's review with its places, the grades given, the warnings, and
    how many places of the county's 机动指标 went to outstanding units."""
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    rows = []
    bonus_given = 0
    for review in (
        AnnualReview.objects.filter(year=year, kind=ReviewKind.ANNUAL)
        .select_related("unit")
        .order_by("unit__category", "unit__path")
    ):
        result = review.result or {}
        quota = result.get("quota") or {}
        people = result.get("participants", [])
        finals = [e.final or "" for e in review.entries.all()]
        shown = finals if any(finals) else [p.get("final", "") for p in people]
        counts = {g: shown.count(g) for g in GRADES}
        bonus = sum((quota.get("bonus") or {}).values())
        bonus_given += bonus
        rows.append(
            {
                "review": review,
                "n": len(shown),
                "places": sum((quota.get("total") or {}).values()),
                "bonus": bonus,
                "counts": counts,
                "warnings": sum(len(p.get("flags", [])) for p in people),
            }
        )
    context = {"year": year, "rows": rows, "bonus_given": bonus_given, "grades": GRADES, "office": True}
    return render(request, "assessment/overview.html", context)


@requires("assessment.view", kind="export", model=AnnualReview)
@require_http_methods(["GET"])
def report_file(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    review = _review_for(request, pk)
    entry = get_object_or_404(review.entries, pk=entry_id)
    if not entry.report:
        raise Http404("没有述职报告")
    with entry.report.open("rb") as handle:
        return attachment(handle.read(), entry.report_name or "述职报告", "application/octet-stream")


DOWNLOADS = {
    "summary.xlsx": ("结果汇总表（Excel）", XLSX, annual_documents.summary_xlsx),
    "publicity.docx": ("优秀等次公示（Word）", DOCX, annual_documents.publicity_docx),
    "registers.zip": ("年度考核登记表（Word，批量）", "application/zip", annual_documents.registers_zip),
}
TERM_DOWNLOADS = ("summary.xlsx",)  # the 登记表 and the 优秀 公示 are of the annual assessment
FILENAMES = {
    "summary.xlsx": "结果汇总表.xlsx",
    "publicity.docx": "优秀等次公示.docx",
    "registers.zip": "登记表.zip",
}


@requires("assessment.view", kind="export", model=AnnualReview)
@require_http_methods(["GET"])
def review_download(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    review = _review_for(request, pk)
    if name not in DOWNLOADS or (review.is_term and name not in TERM_DOWNLOADS):
        raise Http404("没有这个文件")
    _, content_type, make = DOWNLOADS[name]
    return audited_attachment(
        make(review),
        f"{review}{FILENAMES[name]}",
        content_type,
        actor=request_user(request),
        action=events.REVIEW_EXPORT,
        obj=review,
        unit_path=review.unit.path,
        payload={"file": name},
    )


def _span(review: AnnualReview) -> str:
    """「2026年11月23日至11月27日」 - the 公示 period as the notice writes it (the year once if shared)."""
    start, end = review.publicity_start, review.publicity_end
    if start is None or end is None:
        return ""
    until = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{until}"


def _finalized(review: AnnualReview) -> str:
    """What finalizing wrote: a team's grades go into the registry's 专项考核 (no reward or sanction
    is proposed); a year's grades into its 年度考核, with the proposals left for the office."""
    if review.is_term:
        return "等次已确定并记入干部档案的专项考核。"
    if ConsequenceProposal.objects.filter(entry__review=review, status="pending").exists():
        return "等次已确定并记入干部档案；奖惩建议待确认。"
    return "等次已确定并记入干部档案。"


def _percent(share: object) -> str:
    try:
        return f"{float(str(share)) * 100:g}%"
    except ValueError:
        return ""


urlpatterns: list[URLPattern] = [
    path("quarters/", quarters, name="quarters"),
    path("annual/", reviews, name="reviews"),
    path("annual/overview/", overview, name="annual_overview"),
    path("annual/<int:pk>/", review_detail, name="review_detail"),
    path("annual/<int:pk>/reports/<int:entry_id>/", report_file, name="report_file"),
    path("annual/<int:pk>/<str:name>", review_download, name="review_download"),
]
