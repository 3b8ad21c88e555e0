"""平时考核 and 年度考核 of a unit's cadres (issue 15), on the pure rules of `assessment.grading`.

- 平时考核: a unit enters each cadre's quarter grade (好 / 较好 / 一般 / 较差) or a score it is
  derived from (defaults ≥ 90 好, ≥ 80 较好, ≥ 60 一般, else 较差); 好 goes to at most a share
  (default 40 %) of the quarter's participants (rounded down): a submission over it is refused
  naming the count allowed. The numbers are the settings in force (conf.grading_settings).
- 年度考核: the unit opens the year (participants: its active cadres, leaders apart), proposes a grade
  for each; the rules (sanctions, the 平时 record, the 民主测评, the quota by the unit's sealed 综合考核
  grade) refuse what they must, naming the numbers; then 主管 confirms, 组织部 approves, 公示 runs for
  five working days (the holiday calendar), and the final grades are written into the registry's
  年度考核 records; the consequences become proposals for staff to confirm (嘉奖 and 记三等功 land in the
  cadre's 奖惩 once confirmed).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from math import floor
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.assessment import errors, events
from ganbu.assessment.conf import grading_settings, stored_values
from ganbu.assessment.grading import GradingSettings, grade_unit
from ganbu.assessment.models import (
    AnnualEntry,
    AnnualReview,
    ConsequenceProposal,
    QuarterGrade,
    ReviewKind,
    ReviewStatus,
)
from ganbu.assessment.services.cycles import is_office
from ganbu.assessment.services.schemes import refusal
from ganbu.audit.services import record_event
from ganbu.ballots import services as ballot_services
from ganbu.cadres import record_selectors
from ganbu.cadres import selectors as cadre_selectors
from ganbu.cadres import services as cadre_services
from ganbu.core.dates import months_after
from ganbu.core.rulesettings import as_text
from ganbu.core.workflow import transition
from ganbu.org.models import Unit, User
from ganbu.org.scoping import scope_path
from ganbu.org.selectors import work_calendar

PUBLICITY_DAYS = 5  # working days of the 优秀 公示
GRADE_CODES = {
    "优秀": "1",
    "称职": "2",
    "基本称职": "3",
    "不称职": "4",
    "不定等次": "5",
    "不进行考核": "6A",
}  # ZB18
AWARDS = {"COMMENDATION": "嘉奖", "MERIT_THIRD_CLASS": "记三等功"}
# 《行政机关公务员处分条例》第六条: the time a sanction is in effect, in months
SANCTION_MONTHS = {"警告": 6, "记过": 12, "记大过": 18, "降级": 24, "撤职": 24}


def grade_for_score(score: Decimal, settings: GradingSettings) -> str:
    lines = ((settings.score_good, "好"), (settings.score_fair, "较好"), (settings.score_pass, "一般"))
    return next((grade for line, grade in lines if score >= line), "较差")


def quarter_good_allowed(participants: int, settings: GradingSettings) -> int:
    """How many may get 好 in a quarter: the share of the participants, rounded down."""
    return floor(participants * settings.quarter_good_share)


def _may_manage(user: User | None, unit: Unit) -> None:
    """The unit's own account, a supervising township/department, or the county office."""
    if user is None or is_office(user):
        return
    prefix = scope_path(user)
    if prefix is not None and not unit.path.startswith(prefix):
        raise PermissionDenied("该单位不在您的数据范围内")


@transaction.atomic
def enter_quarter_grades(
    *, unit: Unit, year: int, quarter: int, actor: User | None, values: Mapping[int, tuple[str, str]]
) -> int:
    """One quarter's grades of the unit's cadres by cadre id: (grade, score); a score decides the
    grade (≥ 90 好 …); a blank pair leaves the cadre as it was; an unchanged pair writes nothing.
    All or nothing; the 好 share is of the unit's participants (its active cadres)."""
    _may_manage(actor, unit)
    if quarter not in (1, 2, 3, 4):
        raise ValidationError("季度应为 1 到 4", code=errors.FIGURE_INVALID)
    cadres = {c.pk: c for c in cadre_selectors.active_cadres_in_units([unit.pk])}
    settings = grading_settings()
    existing = {
        q.cadre_id: q
        for q in QuarterGrade.objects.select_for_update().filter(
            cadre_id__in=list(cadres), year=year, quarter=quarter
        )
    }
    found: list[str] = []
    planned: dict[int, tuple[str, Decimal | None]] = {}
    for cid, (grade, score) in values.items():
        cadre = cadres.get(cid)
        if cadre is None:
            found.append(f"第 {cid} 号干部不在{unit.name}的在职干部中")
            continue
        grade, score = (grade or "").strip(), (score or "").strip()
        number: Decimal | None = None
        if score:
            try:
                number = Decimal(score)
            except InvalidOperation:
                found.append(f"{cadre.name}：得分应为数字，不是「{score}」")
                continue
            if not 0 <= number <= 100:
                found.append(f"{cadre.name}：得分应在 0 到 100 之间")
                continue
            grade = grade_for_score(number, settings)  # the score decides, whatever the list still shows
        if not grade:
            continue
        if grade not in dict(QuarterGrade.GRADES):
            found.append(f"{cadre.name}：等次应为好、较好、一般或较差，不是「{grade}」")
            continue
        row = existing.get(cid)
        if row is not None and row.grade == grade and (number is None or row.score == number):
            continue  # unchanged: nothing to write or record
        planned[cid] = (
            grade,
            number if number is not None else (row.score if row and row.grade == grade else None),
        )
    standing = {cid: q.grade for cid, q in existing.items()} | {cid: g for cid, (g, _) in planned.items()}
    good, n = sum(g == "好" for g in standing.values()), len(cadres)
    allowed = quarter_good_allowed(n, settings)
    if good > allowed:
        found.append(
            f"{unit.name}{year}年第{quarter}季度「好」最多 {allowed} 人"
            f"（参加 {n} 人 × {as_text(settings.quarter_good_share)}，向下取整），现为 {good} 人"
        )
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    changed = []
    for cid, (grade, number) in planned.items():
        row = existing.get(cid)
        if row is not None:
            row.grade, row.score, row.entered_by, row.unit = grade, number, actor, unit
            row.entered_at = timezone.now()
            changed.append(row)
    if changed:
        QuarterGrade.objects.bulk_update(changed, ["grade", "score", "entered_by", "entered_at", "unit"])
    QuarterGrade.objects.bulk_create(
        QuarterGrade(cadre_id=cid, unit=unit, year=year, quarter=quarter, grade=g, score=n, entered_by=actor)
        for cid, (g, n) in planned.items()
        if cid not in existing
    )
    if planned:
        record_event(
            actor=actor,
            action=events.QUARTER_GRADES,
            object_label=f"{unit.name}{year}年第{quarter}季度平时考核",
            unit_path=unit.path,
            payload={"grades": {cadres[c].name: g for c, (g, _) in planned.items()}},
        )
    return len(planned)


# --- 年度考核 ---------------------------------------------------------------------------------------


TERM_YEARS = 5  # a township or department team's term (届): five years


@transaction.atomic
def open_review(
    *,
    unit: Unit,
    year: int,
    actor: User | None,
    pools: str = "single",
    kind: str = ReviewKind.ANNUAL,
    term_start: int | None = None,
) -> AnnualReview:
    """The year's assessment of the unit: every active cadre of the unit takes part (leaders apart
    when the places are counted per pool). A 届中/届末考核 (`kind`) is of the unit's leading team over
    the term that began in `term_start`: its leaders (班子成员) take part."""
    _may_manage(actor, unit)
    if kind not in ReviewKind.values:
        raise ValidationError("考核类别应为年度考核、届中考核或届末考核", code=errors.FIGURE_INVALID)
    term = kind != ReviewKind.ANNUAL
    if term and (term_start is None or not year - TERM_YEARS < term_start <= year):
        raise ValidationError(
            f"任期起始年度应在 {year - TERM_YEARS + 1} 到 {year} 之间（每届 {TERM_YEARS} 年）",
            code=errors.FIGURE_INVALID,
        )
    label = ReviewKind(kind).label
    if AnnualReview.objects.filter(unit=unit, year=year, kind=kind).exists():
        raise ValidationError(f"{unit.name}{year}年{label}已建立", code=errors.CYCLE_STATE)
    cadres = list(cadre_selectors.active_cadres_in_units([unit.pk]).order_by("stroke_key", "id"))
    if term:
        cadres = [c for c in cadres if c.is_leader]
    if not cadres:
        what = "领导班子成员" if term else "在职干部"
        raise ValidationError(f"{unit.name}没有{what}", code=errors.CYCLE_STATE)
    review = AnnualReview.objects.create(
        unit=unit,
        year=year,
        pools="single" if term else pools,
        kind=kind,
        term_start=term_start if term else None,
        created_by=actor,
    )
    # leaders first (a unit's list reads 班子成员, then the staff), each in stroke order
    cadres.sort(key=lambda c: not c.is_leader)
    AnnualEntry.objects.bulk_create(
        AnnualEntry(review=review, cadre=c, role="leader" if c.is_leader else "staff") for c in cadres
    )
    record_event(
        actor=actor,
        action=events.REVIEW_OPEN,
        obj=review,
        object_label=str(review),
        unit_path=unit.path,
        payload={"participants": len(cadres)},
    )
    return review


RATER_GROUPS = (("上级领导", 30), ("本单位干部", 50), ("服务对象", 20))  # default 民主测评 groups and weights
# 届中或届末: the five sources of seed 003 (「上级评价、相关职能部门评价、党委考核评价、基层群众评价和社会评价
# 有机相结合」); the weights are the county's defaults
TERM_RATER_GROUPS = (
    ("上级评价", 30),
    ("相关职能部门评价", 15),
    ("党委考核评价", 20),
    ("基层群众评价", 20),
    ("社会评价", 15),
)


def rater_groups(review: AnnualReview) -> tuple[tuple[str, int], ...]:
    return TERM_RATER_GROUPS if review.is_term else RATER_GROUPS


@transaction.atomic
def create_review_ballot(
    *, review: AnnualReview, actor: User | None, expected: Mapping[str, Any], mode: str = "paper"
) -> Any:
    """The year's 民主测评 of the unit's cadres through the ballots engine: one rating session, a
    subject per participant (linked to the registry), the rater groups with their weights. Its
    counts are read once it is sealed (never recounted here)."""
    _may_manage(actor, review.unit)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError("只有填报中的年度考核可以组织民主测评", code=errors.CYCLE_STATE)
    if review.ballot_session_id is not None:
        raise ValidationError("本次考核的民主测评已创建", code=errors.CYCLE_STATE)
    groups = []
    found = []
    for name, weight in rater_groups(review):
        raw = str(expected.get(name, "")).strip()
        if not raw:
            continue  # a group the unit does not use
        if not raw.isdigit() or not 1 <= int(raw) <= 2000:
            found.append(f"「{name}」的应到人数应为 1 到 2000 的整数")
        else:
            groups.append(ballot_services.GroupSpec(name, expected=int(raw), weight=weight))
    if not groups and not found:
        found.append("请至少填写一类评议人的应到人数")
    if found:
        raise refusal(found, errors.FIGURE_INVALID)
    entries = list(review.entries.select_related("cadre"))
    session = ballot_services.session_create(
        unit=review.unit,
        title=f"{review}民主测评",
        kind="rating",
        mode=mode if mode in ("paper", "electronic") else "paper",
        subjects=[ballot_services.SubjectSpec(label=e.cadre.name, cadre_id=e.cadre_id) for e in entries],
        groups=groups,
        description=f"{review}：优秀、称职、基本称职、不称职（无记名）",
        actor=actor,
    )
    review.ballot_session = session
    review.save(update_fields=["ballot_session", "updated_at"])
    return session


def _ballots(review: AnnualReview) -> dict[int, dict[str, Any]]:
    from ganbu.assessment.selectors import review_ballots

    return review_ballots(review)


def review_inputs(review: AnnualReview) -> dict[str, Any]:
    """The grading rules' inputs from the stored figures: the 平时 grades, the registry's sanctions
    and earlier grades, the unit's sealed 综合考核 grade."""
    from ganbu.assessment.selectors import targets_missed, unit_grade

    entries = list(review.entries.select_related("cadre"))
    ids = [e.cadre_id for e in entries]
    quarters: dict[int, list[str]] = {}
    for q in QuarterGrade.objects.filter(cadre_id__in=ids, year=review.year).order_by("quarter"):
        quarters.setdefault(q.cadre_id, []).append(q.grade)
    history = record_selectors.annual_grades_of(ids)
    punished = record_selectors.punishments_of(ids)
    names = {code: name for name, code in GRADE_CODES.items()}
    missed = {y: targets_missed(review.unit, y) for y in (review.year, review.year - 1)}
    ballots = _ballots(review)
    if review.is_term:  # a term's team: no 平时 rule, no annual history or targets behind it
        quarters, history, missed = {}, {}, {}
    return {
        "year": review.year,
        "settings": {**stored_values(), **({"quarters_required": False} if review.is_term else {})},
        "unit": {
            "name": review.unit.name,
            "grade": unit_grade(review.unit, review.year),
            "pools": review.pools,
            "cap_approved": review.cap_approved,
        },
        "participants": [
            {
                "id": str(e.pk),
                "name": e.cadre.name,
                "role": e.role,
                "proposed": e.proposed or "称职",
                "quarters": quarters.get(e.cadre_id, []),
                **ballots.get(e.cadre_id, {}),
                "sanctions": [
                    {
                        "kind": kind,
                        "from": on.isoformat(),
                        "to": months_after(on, SANCTION_MONTHS.get(kind, 24)).isoformat(),
                    }
                    for kind, on in punished.get(e.cadre_id, [])
                ],
                "history": {
                    str(y): names.get(g, g) for y, g in history.get(e.cadre_id, {}).items() if g in names
                },
                "unit_targets_missed": {str(y): bool(v) for y, v in missed.items() if v},
                "unfit_reason": e.unfit_reason,
                **({"joined": e.cadre.work_started_on.isoformat()} if e.cadre.work_started_on else {}),
            }
            for e in entries
        ],
    }


def grade_review(review: AnnualReview) -> dict[str, Any]:
    """The rules over the stored figures. A 届中或届末考核 proposes no reward or sanction of the year
    (those follow the annual grades); its outcome is the team summary and the 末位 list."""
    output = grade_unit(review_inputs(review))
    if review.is_term:
        for person in output["participants"]:
            person["proposals"] = []
    return output


def save_proposals(
    *, review: AnnualReview, actor: User | None, proposals: Mapping[int, tuple[str, str]], submit: bool
) -> dict[str, Any]:
    """The unit's proposed grades (entry id → (grade, reason when 不胜任 votes reach the line)),
    checked by the rules and saved as a draft in any case (a refused submission keeps what was
    proposed); with `submit`, refused when a rule refuses any proposal (every refusal named), else
    填报中 → 已提出."""
    _may_manage(actor, review.unit)
    with transaction.atomic():
        locked = AnnualReview.objects.select_for_update().get(pk=review.pk)
        if locked.status != ReviewStatus.DRAFT:
            raise ValidationError("只有填报中的年度考核可以修改拟定等次", code=errors.CYCLE_STATE)
        entries = {e.pk: e for e in review.entries.select_for_update()}
        for eid, (grade, reason) in proposals.items():
            entry = entries.get(eid)
            if entry is None:
                continue
            entry.proposed, entry.unfit_reason = grade, reason.strip()[:300]
        AnnualEntry.objects.bulk_update(entries.values(), ["proposed", "unfit_reason"])
        output = grade_review(review)
        review.result = output
        review.save(update_fields=["result", "updated_at"])
    if submit:
        if review.ballot_session_id is not None and not _ballots(review):
            raise ValidationError("民主测评尚未封存，封存后才能提交", code=errors.FIGURE_INVALID)
        refused = [r["message"] for p in output["participants"] for r in p["refused"]]
        if refused:
            raise refusal(refused, errors.FIGURE_INVALID)
        with transaction.atomic():
            transition(
                review,
                to=ReviewStatus.PROPOSED,
                actor=actor,
                action=events.REVIEW_PROPOSE,
                unit_path=review.unit.path,
            )
    return output


def _step(review: AnnualReview, to: str, actor: User | None, action: str, **fields: Any) -> AnnualReview:
    return transition(
        review, to=to, actor=actor, action=action, unit_path=review.unit.path, fields=fields or None
    )


@transaction.atomic
def confirm_review(*, review: AnnualReview, actor: User | None) -> AnnualReview:
    """主管 (the township of a unit under it, or the county for a township or department)."""
    if actor is not None and not is_office(actor) and actor.scope_unit_id == review.unit_id:
        raise PermissionDenied("本单位的年度考核由主管单位审核")
    _may_manage(actor, review.unit)
    return _step(review, ReviewStatus.CONFIRMED, actor, events.REVIEW_CONFIRM)


@transaction.atomic
def return_review(*, review: AnnualReview, actor: User | None, reason: str) -> AnnualReview:
    if not reason.strip():
        raise ValidationError("退回须写明理由", code=errors.FIGURE_INVALID)
    _may_manage(actor, review.unit)
    return transition(
        review,
        to=ReviewStatus.DRAFT,
        actor=actor,
        action=events.REVIEW_RETURN,
        reason=reason.strip(),
        unit_path=review.unit.path,
    )


def _office_only(actor: User | None) -> None:
    if actor is not None and not is_office(actor):
        raise PermissionDenied("由县委组织部办理")


@transaction.atomic
def approve_review(*, review: AnnualReview, actor: User | None) -> AnnualReview:
    _office_only(actor)
    return _step(review, ReviewStatus.APPROVED, actor, events.REVIEW_APPROVE)


@transaction.atomic
def start_publicity(*, review: AnnualReview, actor: User | None, start: date) -> AnnualReview:
    """公示 of the 优秀 for five working days from `start` (the holiday calendar, make-up days too)."""
    _office_only(actor)
    end = work_calendar().working_days_after(start, PUBLICITY_DAYS)
    return _step(
        review,
        ReviewStatus.PUBLICITY,
        actor,
        events.REVIEW_PUBLICITY,
        publicity_start=start,
        publicity_end=end,
    )


@transaction.atomic
def finalize_review(*, review: AnnualReview, actor: User | None, today: date | None = None) -> AnnualReview:
    """After the 公示 - the final grades into the registry's 年度考核, the consequences as proposals."""
    _office_only(actor)
    today = today or timezone.localdate()
    if review.publicity_end is None or today <= review.publicity_end:
        raise ValidationError(
            f"公示期至 {review.publicity_end} 结束，期满后才能确定等次", code=errors.CYCLE_STATE
        )
    output = grade_review(review)
    finals = {int(p["id"]): p for p in output["participants"]}
    existing = record_selectors.annual_grades_of([e.cadre_id for e in review.entries.all()])
    for entry in review.entries.select_related("cadre__unit"):
        person = finals[entry.pk]
        entry.final = person["final"]
        entry.save(update_fields=["final"])
        if review.is_term:  # into the registry's 专项考核, beside 驻村考核
            cadre_services.evaluation_record_write(
                cadre=entry.cadre,
                year=review.year,
                kind=review.get_kind_display(),
                score=None,
                grade=GRADE_CODES[entry.final],
                source=f"assessment.review:{review.pk}",
                note=str(review),
                actor=actor,
                scope_unit=review.unit,
            )
        elif review.year not in existing.get(entry.cadre_id, {}):
            cadre_services.record_save(
                cadre=entry.cadre,
                kind="assessment",
                actor=actor,
                data={
                    "year": review.year,
                    "grade": GRADE_CODES[entry.final],
                    "note": f"{review.unit.name}年度考核",
                },
            )
        ConsequenceProposal.objects.bulk_create(
            ConsequenceProposal(entry=entry, code=x["code"], message=x["message"][:300])
            for x in person["proposals"]
        )
    review.result = output
    review.save(update_fields=["result", "updated_at"])
    return _step(review, ReviewStatus.FINAL, actor, events.REVIEW_FINAL)


@transaction.atomic
def decide_consequence(
    *, proposal: ConsequenceProposal, actor: User | None, confirm: bool, note: str = ""
) -> ConsequenceProposal:
    """Staff confirm or decline a proposed consequence; a confirmed 嘉奖 / 三等功 goes to the 奖惩."""
    _office_only(actor)
    if proposal.status != "pending":
        raise ValidationError("该建议已处理", code=errors.CYCLE_STATE)
    proposal.status = "confirmed" if confirm else "declined"
    proposal.decided_by, proposal.decided_at, proposal.note = actor, timezone.now(), note.strip()[:300]
    proposal.save()
    entry = proposal.entry
    if confirm and proposal.code in AWARDS:
        cadre_services.record_save(
            cadre=entry.cadre,
            kind="reward",
            actor=actor,
            data={
                "kind": "reward",
                "name": AWARDS[proposal.code],
                "granted_on": timezone.localdate(),
                "authority": "",
                "document_number": "",
                "note": proposal.message,
            },
        )
    record_event(
        actor=actor,
        action=events.CONSEQUENCE_DECIDE,
        object_label=proposal.message,
        unit_path=entry.review.unit.path,
        payload={"code": proposal.code, "confirmed": confirm, "note": proposal.note},
    )
    return proposal


@transaction.atomic
def attach_report(*, entry: AnnualEntry, actor: User | None, name: str, content: bytes) -> AnnualEntry:
    """A participant's 述职报告 (PDF, Word or a photo of it), checked by its content; replaces an
    earlier one while the unit is still proposing."""
    from ganbu.assessment.services.files import MAX_BYTES
    from ganbu.core.files import sniff

    review = entry.review
    _may_manage(actor, review.unit)
    if review.status != ReviewStatus.DRAFT:
        raise ValidationError("只有填报中的年度考核可以上传述职报告", code=errors.CYCLE_STATE)
    if len(content) > MAX_BYTES:
        raise ValidationError(f"「{name}」超过 10MB，请压缩后上传", code=errors.FIGURE_INVALID)
    kind = sniff(content)
    if kind is None:
        raise ValidationError(f"「{name}」不是 PDF、Word、Excel、JPG 或 PNG 文件", code=errors.FIGURE_INVALID)
    import secrets

    from django.core.files.base import ContentFile

    entry.report.save(f"r{entry.pk}_{secrets.token_hex(8)}.{kind}", ContentFile(content), save=False)
    entry.report_name = (name or f"述职报告.{kind}").replace("/", "_").replace("\\", "_")[-150:]
    entry.save(update_fields=["report", "report_name"])
    record_event(
        actor=actor,
        action=events.REVIEW_REPORT,
        object_label=f"{entry.cadre.name} {review}",
        unit_path=review.unit.path,
        payload={"size": len(content)},
    )
    return entry
