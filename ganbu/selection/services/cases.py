"""The case (一事一记): 动议 opens it with the post, the method, the 工作方案 and the people in
charge; candidates join it; it is closed once the last step is recorded, or ended with a reason.
Who may act: the county's 组织部 (`selection.manage`) for units in its scope; the case's handlers
and its creator see it (`selectors.cases_for`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.cadres import selectors as cadre_selectors
from ganbu.core.workflow import transition
from ganbu.org.models import Post, Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import posts_by_pk
from ganbu.selection import errors, events
from ganbu.selection.conf import selection_settings
from ganbu.selection.models import Candidate, CandidateStatus, Case, CaseStatus, Method, StepKind
from ganbu.selection.rules.settings import SelectionSettings
from ganbu.selection.selectors import year_end


def may_manage(actor: User | None, case_unit: Unit) -> None:
    """The system (None), or a 组织部 account with `selection.manage` whose scope holds the unit."""
    if actor is None:
        return
    if not has_capability(actor, "selection.manage"):
        raise PermissionDenied("您的角色不能办理选拔任用")
    if not unit_in_scope(actor, case_unit):
        raise PermissionDenied("该单位不在您的数据范围内")


def refuse_unless_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise ValidationError(f"「{case}」{case.get_status_display()}，不能再修改", code=errors.CASE_CLOSED)


def free_seats(post: Post, *, on: date, excluding: Case | None = None) -> tuple[int, int, int]:
    """(职数, holders on `on`, seats of the other open cases for the post)."""
    held = cadre_selectors.post_holder_counts(posts_by_pk([post.pk]), on=on).get(post.pk, 0)
    # an open case counts until its 任职: from then its appointees are among the holders
    pending = Case.objects.filter(post=post, status=CaseStatus.OPEN).exclude(
        stage__in=[StepKind.APPOINT, StepKind.PROBATION]
    )
    if excluding is not None:
        pending = pending.exclude(pk=excluding.pk)
    return post.quota, held, pending.aggregate(n=Sum("seats"))["n"] or 0


@transaction.atomic
def case_open(
    *,
    post: Post,
    seats: int,
    method: str,
    day: date,
    actor: User | None,
    scope: str = "",
    conditions: str = "",
    over_quota_reason: str = "",
    handlers: Iterable[User] = (),
    settings: SelectionSettings | None = None,
) -> Case:
    """动议 - a case for `seats` holders of `post`. A post without as many free seats under its 职数
    (holders today and the other open cases counted) is refused unless the approved reason is
    recorded. Whether 全委会征求意见 is required follows the settings (乡镇党政正职). The 动议 step
    itself is recorded by `steps.step_record`, which the caller runs next (the view does both)."""
    unit = post.unit
    may_manage(actor, unit)
    settings = settings or selection_settings()
    found: dict[str, str] = {}
    if method not in Method.values:
        found["method"] = f"选拔方式应为{'、'.join(Method.values)}之一"
    if not 1 <= seats <= 20:
        found["seats"] = "拟选配人数应为 1 到 20"
    quota, held, pending = free_seats(post, on=day)
    free = quota - held - pending
    if seats > free and not over_quota_reason.strip():
        found["over_quota_reason"] = (
            f"「{unit.name}{post.name}」职数 {quota} 名，现任 {held} 名"
            + (f"，其他在办选拔任用 {pending} 名" if pending else "")
            + f"，空缺 {max(free, 0)} 名，少于拟选配的 {seats} 名；超职数配备须写明批准理由"
        )
    if found:
        raise ValidationError(found, code=errors.CASE_INVALID)
    case = Case.objects.create(
        title=f"{unit.name}{post.name}人选选拔任用",
        unit=unit,
        post=post,
        seats=seats,
        method=method,
        scope=scope.strip(),
        conditions=conditions.strip(),
        over_quota_reason=over_quota_reason.strip()[:300],
        consult_required=settings.needs_consultation(level=_level(unit), title=post.name),
        created_by=actor,
    )
    case.handlers.set([u for u in handlers if u.is_active])
    record_event(
        actor=actor,
        action=events.CASE_OPEN,
        obj=case,
        object_label=str(case),
        unit_path=unit.path,
        payload={
            "post": post.name,
            "seats": seats,
            "method": method,
            "free": free,
            **({"over_quota_reason": case.over_quota_reason} if case.over_quota_reason else {}),
        },
    )
    return case


def _level(unit: Unit) -> str:
    """The unit's level as the settings name it (乡镇 for towns and townships)."""
    return "乡镇" if unit.kind in ("town", "township") else str(unit.get_kind_display())


@transaction.atomic
def candidate_add(
    *, case: Case, actor: User | None, cadre_id: int | None = None, name: str = ""
) -> Candidate:
    """A candidate from the registry (in the actor's scope), or by name (a 公开选拔 applicant not in
    the registry yet)."""
    may_manage(actor, case.unit)
    refuse_unless_open(case)
    if case.steps.filter(kind__in=[StepKind.SHORTLIST, StepKind.WRITTEN]).exists():
        raise ValidationError("人选已进入考察或考试环节，不能再增加人选", code=errors.CASE_INVALID)
    cadre = None
    if cadre_id is not None:
        found = cadre_selectors.cadres_by_ids([cadre_id]).select_related("unit").first()
        if found is None or (actor is not None and not unit_in_scope(actor, found.unit)):
            raise ValidationError("未找到该干部，或不在您的数据范围内", code=errors.CASE_INVALID)
        if case.candidates.filter(cadre=found).exists():
            raise ValidationError(f"{found.name}已是本次人选", code=errors.CASE_INVALID)
        cadre, name = found, found.name
    name = name.strip()
    if not name or len(name) > 50:
        raise ValidationError("请填写人选姓名（50 字以内）", code=errors.CASE_INVALID)
    candidate = Candidate.objects.create(
        case=case, cadre=cadre, name=name, sort_order=case.candidates.count() + 1
    )
    linked = year_end(case)
    if linked is not None:  # 「两推」 from the linked year-end recommendation
        candidate.two_recommendations = linked.verdict(candidate)[0]
        candidate.save(update_fields=["two_recommendations"])
    record_event(
        actor=actor,
        action=events.CANDIDATE_ADD,
        obj=case,
        object_label=f"{case}：{name}",
        unit_path=case.unit.path,
        payload={"candidate": candidate.pk, "cadre": cadre.pk if cadre else None},
    )
    return candidate


@transaction.atomic
def candidate_views(
    *,
    candidate: Candidate,
    actor: User | None,
    two_recommendations: bool | None,
    masses: bool | None,
    party_org: bool | None,
    leader: bool | None,
    exception: str = "",
    complaint_open: bool | None = None,
) -> Candidate:
    """「两推」 agreement and the 「三点一线」 views of a candidate (群众, 单位党组织, 分管领导), an
    exception to a failed condition with its approval, and whether a complaint about them is still
    open (entered until the supervision module exists), recorded before 确定考察对象."""
    case = candidate.case
    may_manage(actor, case.unit)
    refuse_unless_open(case)
    before = {
        "two_recommendations": candidate.two_recommendations,
        "masses": candidate.masses,
        "party_org": candidate.party_org,
        "leader": candidate.leader,
        "exception": candidate.exception,
        "complaint_open": candidate.complaint_open,
    }
    if complaint_open is not None:
        candidate.complaint_open = complaint_open
    linked = year_end(case)
    if linked is not None:  # the sealed year-end recommendation decides, not the form
        two_recommendations = linked.verdict(candidate)[0]
    candidate.two_recommendations, candidate.masses = two_recommendations, masses
    candidate.party_org, candidate.leader = party_org, leader
    candidate.exception = exception.strip()[:300]
    candidate.save()
    after = {k: getattr(candidate, k) for k in before}
    if after != before:
        record_event(
            actor=actor,
            action=events.CANDIDATE_VIEWS,
            obj=case,
            object_label=f"{case}：{candidate.name}",
            unit_path=case.unit.path,
            payload={"candidate": candidate.pk, "before": before, "after": after},
        )
    return candidate


def candidate_drop(*, candidate: Candidate, at: str, reason: str, actor: User | None) -> None:
    """A candidate leaves the case (not chosen for 考察, dropped by 征求意见, not passed by 票决 …);
    called inside the step's transaction."""
    if candidate.status != CandidateStatus.ACTIVE:
        return
    candidate.status, candidate.dropped_at, candidate.drop_reason = CandidateStatus.DROPPED, at, reason[:300]
    candidate.save(update_fields=["status", "dropped_at", "drop_reason"])
    record_event(
        actor=actor,
        action=events.CANDIDATE_DROP,
        obj=candidate.case,
        object_label=f"{candidate.case}：{candidate.name}",
        unit_path=candidate.case.unit.path,
        payload={"candidate": candidate.pk, "at": at, "reason": reason[:300]},
    )


@transaction.atomic
def case_end(*, case: Case, actor: User | None, reason: str) -> Case:
    """终止 - the case stops here (no nominee passed, the post was cut …); read-only afterwards."""
    may_manage(actor, case.unit)
    if not reason.strip():
        raise ValidationError("终止选拔任用须写明理由", code=errors.CASE_INVALID)
    return transition(
        case,
        to=CaseStatus.ENDED,
        actor=actor,
        action=events.CASE_CLOSE,
        reason=reason.strip(),
        field="status",
        fields={"end_reason": reason.strip()[:300]},
        unit_path=case.unit.path,
        not_allowed=f"「{case}」{case.get_status_display()}，不能终止",
    )


def case_close(*, case: Case, actor: User | None) -> Case:
    """办结 - after the last step (试用期满, or 任职 for an elected post); called by the step."""
    return transition(
        case,
        to=CaseStatus.CLOSED,
        actor=actor,
        action=events.CASE_CLOSE,
        field="status",
        unit_path=case.unit.path,
        payload={"closed_on": timezone.localdate().isoformat()},
    )


EDUCATION_CHOICES = ("", "中专及以下", "大专", "大学", "研究生")


@transaction.atomic
def requirements_set(*, case: Case, actor: User | None, data: dict[str, str]) -> Case:
    """The case's 资格条件 (rules/eligibility.py `Requirements`): typed values checked, the change
    audited with before and after."""
    from ganbu.selection.rules.eligibility import Requirements

    may_manage(actor, case.unit)
    refuse_unless_open(case)
    found: dict[str, str] = {}
    clean: dict[str, object] = {}
    education = str(data.get("education", "")).strip()
    if education not in EDUCATION_CHOICES:
        found["education"] = "学历要求应为中专及以下、大专、大学或研究生"
    clean["education"] = education
    for key, label, low, high in (
        ("work_years", "工作年限", 0, 40),
        ("party_years", "党龄", 0, 40),
        ("grade_years", "年度考核年数", 0, 5),
        ("deputy_years", "副职任职年限", 0, 10),
        ("lower_head_years", "下级正职任职年限", 0, 10),
        ("max_age", "最高年龄", 18, 65),
    ):
        raw = str(data.get(key, "")).strip()
        if key == "max_age" and not raw:
            clean[key] = None
            continue
        if not raw.isdigit() or not low <= int(raw) <= high:
            found[key] = f"{label}应为 {low} 到 {high} 的整数"
            continue
        clean[key] = int(raw)
    clean["party_member"] = str(data.get("party_member", "")).strip() in ("1", "on", "true")
    raw_day = str(data.get("age_on", "")).strip()
    try:
        clean["age_on"] = date.fromisoformat(raw_day).isoformat() if raw_day else None
    except ValueError:
        found["age_on"] = "年龄计算截止日期应为日期，如 2026-06-30"
    if found:
        raise ValidationError(found, code=errors.CASE_INVALID)
    before = Requirements.from_dict(case.requirements).as_dict()
    after = Requirements.from_dict(clean).as_dict()
    case.requirements = after
    case.save(update_fields=["requirements", "updated_at"])
    if after != before:
        record_event(
            actor=actor,
            action=events.CASE_UPDATE,
            obj=case,
            object_label=f"{case}：资格条件",
            unit_path=case.unit.path,
            payload={"before": before, "after": after},
        )
    return case
