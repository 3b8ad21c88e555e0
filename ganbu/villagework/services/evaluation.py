"""The township's annual evaluation of its stationed cadres (年度述职评议 + 捆绑考核 + 工作实绩).

Flow: `evaluation_create` (rules copied from the settings, one entry per cadre × village) →
`ballots_create` (one anonymous 民主测评 session per entry in the ballot engine; organisers issue
codes, open, close and seal it on the ballot pages) → `bundled_scores_enter` per entry →
`evaluation_compute` (ballot, bundled and work parts scored by the assessment engine on the
evaluation's scheme, villagework.scoring) →
`evaluation_finalize` (grades confirmed or overridden with a reason, written into each cadre's
record as a 专项考核). Every function is atomic, checks the actor's scope and writes an audit event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ganbu.audit.services import record_event
from ganbu.ballots import rules as ballot_rules
from ganbu.ballots import selectors as ballot_selectors
from ganbu.ballots import services as ballot_services
from ganbu.cadres.services import evaluation_record_write
from ganbu.core import workflow
from ganbu.core.dates import year_period
from ganbu.org.models import TOWNSHIP_KINDS, Unit, User
from ganbu.org.scoping import unit_in_scope
from ganbu.villagework import errors, events, rules, scoring
from ganbu.villagework.models import (
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    VillageWorkSettings,
)
from ganbu.villagework.selectors.evaluation import (
    RESULT_STATUSES,
    ballot_from_result,
    ballot_problem,
    cadres_to_evaluate,
    entries_in_year,
    latest_assignment,
)
from ganbu.villagework.selectors.stats import Numbers, cadre_numbers

__all__ = [
    "RECORD_KIND",
    "ballots_create",
    "bundled_scores_enter",
    "evaluation_compute",
    "evaluation_create",
    "evaluation_finalize",
]

RECORD_KIND = "驻村考核"


def _require_scope(actor: User | None, unit: Unit) -> None:
    """Commands and seeding act as the system (actor None); users only inside their subtree."""
    if actor is not None and not unit_in_scope(actor, unit):
        raise PermissionDenied("该乡镇不在您的数据范围内")


def _begin(evaluation: Evaluation, to: str, message: str) -> None:
    """Lock the evaluation row (concurrent clicks queue here), read its status, and refuse with
    `message` a move `Evaluation.TRANSITIONS` does not list, before any work is done. The move
    itself is `_move` at the end of the same transaction."""
    evaluation.status = (
        Evaluation.objects.select_for_update().values_list("status", flat=True).get(pk=evaluation.pk)
    )
    if not workflow.allowed(evaluation, to):
        raise ValidationError(message, code=errors.EVALUATION_BAD_STATUS)


def _move(evaluation: Evaluation, to: str, actor: User | None, action: str, payload: dict[str, Any]) -> None:
    """The status move and its audit event (one event for the whole change)."""
    workflow.transition(
        evaluation,
        to=to,
        actor=actor,
        action=action,
        payload=payload,
        unit_path=evaluation.township.path,
    )


def _json(value: Any) -> Any:
    """Numbers and parts as JSON: Decimals as strings, dates ISO."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------------
# create
# --------------------------------------------------------------------------------------------------


def evaluation_create(
    *, township: Unit, year: int, actor: User | None, title: str | None = None
) -> Evaluation:
    """Open the township's evaluation for `year` with the current settings as its rules."""
    _require_scope(actor, township)
    if township.kind not in TOWNSHIP_KINDS:
        raise ValidationError({"township": "请选择乡镇"}, code=errors.EVALUATION_NOT_TOWNSHIP)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": f"年度「{year}」不正确"}, code=errors.EVALUATION_BAD_YEAR)
    if Evaluation.objects.filter(township=township, year=year).exists():
        raise ValidationError(
            {"year": f"{township.name}{year}年度的驻村干部考核已经建立，每个乡镇每年只建一次"},
            code=errors.EVALUATION_EXISTS,
        )
    pairs = cadres_to_evaluate(township=township, year=year)
    if not pairs:
        raise ValidationError(
            {"year": f"{township.name}{year}年度没有驻村干部（驻村安排），无需考核"},
            code=errors.EVALUATION_EMPTY,
        )
    settings = VillageWorkSettings.current()
    evaluation = Evaluation(
        township=township,
        year=year,
        title=(title or "").strip() or f"{township.name}{year}年度驻村干部考核",
        status=EvaluationStatus.DRAFT,
        rater_groups=settings.rater_groups,
        bundled_items=settings.bundled_items,
        part_weights=settings.part_weights,
        grade_thresholds=settings.grade_thresholds,
        weekly_visit_quota=settings.weekly_visit_quota,
        created_by=actor,
    )
    evaluation.full_clean(exclude=["created_by"], validate_unique=False)
    try:
        with transaction.atomic():
            evaluation.save()
            EvaluationEntry.objects.bulk_create(
                EvaluationEntry(evaluation=evaluation, cadre_id=cadre_id, village_id=village_id)
                for cadre_id, village_id in pairs
            )
            record_event(
                actor=actor,
                action=events.EVALUATION_CREATED,
                obj=evaluation,
                unit_path=township.path,
                payload={
                    "year": year,
                    "entries": len(pairs),
                    "rules": {
                        "rater_groups": evaluation.rater_groups,
                        "bundled_items": evaluation.bundled_items,
                        "part_weights": evaluation.part_weights,
                        "grade_thresholds": evaluation.grade_thresholds,
                        "weekly_visit_quota": evaluation.weekly_visit_quota,
                    },
                },
            )
    except IntegrityError as exc:  # a concurrent create of the same township and year
        raise ValidationError(
            {"year": f"{township.name}{year}年度的驻村干部考核已经建立"}, code=errors.EVALUATION_EXISTS
        ) from exc
    return evaluation


# --------------------------------------------------------------------------------------------------
# ballots
# --------------------------------------------------------------------------------------------------


def _role_note(entry: EvaluationEntry) -> str:
    assignment = latest_assignment(entry.cadre_id, entry.village_id)
    role = assignment.get_role_display() if assignment else "驻村干部"
    return f"{entry.village.name}{role}"


def expected_default(group: str) -> int:
    """The 应到 proposed for a rater group (`rules.EXPECTED_VOTERS`, else the fallback)."""
    return rules.EXPECTED_VOTERS.get(group, rules.EXPECTED_FALLBACK)


def ballots_create(
    *, evaluation: Evaluation, expected: Mapping[str, int] | None = None, actor: User | None
) -> list[EvaluationEntry]:
    """One 民主测评 session (draft) per entry that has none, with the evaluation's rater groups,
    their weights and the given 应到 per group; the evaluation moves to (or stays) 评议中. Returns
    the entries that got a session."""
    _require_scope(actor, evaluation.township)
    refused = "考核已计分，不能再创建评议投票"
    if not workflow.allowed(evaluation, EvaluationStatus.VOTING):
        raise ValidationError(refused, code=errors.EVALUATION_BAD_STATUS)
    groups = list(evaluation.rater_groups)
    wanted = dict(expected or {})
    problems = []
    counts: dict[str, int] = {}
    for group in groups:
        name = str(group["name"])
        value = wanted.get(name, expected_default(name))
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= rules.EXPECTED_MAX:
            problems.append(f"「{name}」的应到人数应为1到{rules.EXPECTED_MAX}之间的整数")
        else:
            counts[name] = value
    if problems:
        raise ValidationError(problems, code=errors.EVALUATION_BAD_EXPECTED)
    weights = ballot_rules.integer_weights([scoring.to_fraction(g["weight"]) for g in groups])
    specs = [
        ballot_services.GroupSpec(str(g["name"]), expected=counts[str(g["name"])], weight=w)
        for g, w in zip(groups, weights, strict=True)
    ]
    created: list[EvaluationEntry] = []
    with transaction.atomic():
        _begin(evaluation, EvaluationStatus.VOTING, refused)
        entries = list(
            EvaluationEntry.objects.select_for_update()
            .filter(evaluation=evaluation, ballot_session__isnull=True)
            .select_related("cadre", "village")
            .order_by("village__path", "id")
        )
        for entry in entries:
            session = ballot_services.session_create(
                unit=entry.village,
                title=f"{evaluation.year}年度驻村干部述职评议 · {entry.cadre.name} · {entry.village.name}",
                kind="rating",
                subjects=[
                    ballot_services.SubjectSpec(
                        label=entry.cadre.name, cadre_id=entry.cadre_id, note=_role_note(entry)
                    )
                ],
                groups=specs,
                description=f"{evaluation.title}：三个层面无记名评议（优秀/称职/基本称职/不称职）",
                actor=actor,
            )
            entry.ballot_session = session
            entry.save(update_fields=["ballot_session", "updated_at"])
            created.append(entry)
        _move(
            evaluation,
            EvaluationStatus.VOTING,
            actor,
            events.EVALUATION_BALLOTS,
            {
                "sessions": {str(e.pk): e.ballot_session_id for e in created},
                "expected": counts,
                "weights": {s.name: s.weight for s in specs},
            },
        )
    return created


# --------------------------------------------------------------------------------------------------
# bundled scores
# --------------------------------------------------------------------------------------------------


def bundled_scores_enter(
    *, entry: EvaluationEntry, scores: Mapping[str, Any], actor: User | None
) -> EvaluationEntry:
    """The township's scores (0–100) for every bundled item of the evaluation."""
    evaluation = entry.evaluation
    _require_scope(actor, evaluation.township)
    cleaned = scoring.clean_bundled_scores(evaluation.bundled_items, scores)
    with transaction.atomic():
        locked = EvaluationEntry.objects.select_for_update().get(pk=entry.pk)
        before = dict(locked.bundled_scores)
        locked.bundled_scores = {name: str(value) for name, value in cleaned.items()}
        locked.full_clean(validate_unique=False, validate_constraints=False)
        locked.save(update_fields=["bundled_scores", "updated_at"])
        record_event(
            actor=actor,
            action=events.EVALUATION_BUNDLED_SCORES,
            obj=evaluation,
            unit_path=evaluation.township.path,
            payload={
                "entry": locked.pk,
                "cadre": locked.cadre_id,
                "before": before,
                "after": locked.bundled_scores,
            },
        )
    entry.bundled_scores = locked.bundled_scores
    return entry


# --------------------------------------------------------------------------------------------------
# compute
# --------------------------------------------------------------------------------------------------


def _weight(evaluation: Evaluation, part: str) -> Decimal:
    return scoring.to_decimal(evaluation.part_weights.get(part, 0)) or Decimal(0)


def _numbers(entry: EvaluationEntry, evaluation: Evaluation, today: date) -> Numbers:
    start, end = year_period(evaluation.year)
    return cadre_numbers(
        cadre=entry.cadre,
        village=entry.village,
        start=start,
        end=end,
        today=today,
        quota=evaluation.weekly_visit_quota,
    )


def _check_ready(evaluation: Evaluation, entries: list[EvaluationEntry], needs: dict[str, bool]) -> None:
    """Every part with a weight can be computed for every entry; otherwise one message per gap."""
    problems: list[str] = []
    for entry in entries:
        who = f"{entry.cadre.name}（{entry.village.name}）"
        if needs["ballot"]:
            problem = ballot_problem(entry)
            if problem:
                problems.append(problem)
        if needs["bundled"]:
            missing = [
                str(i["name"]) for i in evaluation.bundled_items if str(i["name"]) not in entry.bundled_scores
            ]
            if missing:
                problems.append(f"{who}：尚未录入捆绑考核得分（「{'、'.join(missing)}」）")
    if not entries:
        problems.append("本次考核没有考核对象")
    if problems:
        raise ValidationError(problems, code=errors.EVALUATION_NOT_READY)


def _score(
    entry: EvaluationEntry, evaluation: Evaluation, needs: dict[str, bool], today: date
) -> dict[str, Any]:
    """Compute and store one entry's parts, total and suggested grade; returns its audit line."""
    who = f"{entry.cadre.name}（{entry.village.name}）"
    detail: dict[str, Any] = {}
    parts: dict[str, Decimal | None] = {"ballot": None, "bundled": None, "work": None}
    ballot: scoring.BallotPart | None = None
    if entry.ballot_session is not None and entry.ballot_session.status in RESULT_STATUSES:
        result = ballot_selectors.session_result(entry.ballot_session)
        if needs["ballot"] and not result.valid:
            raise ValidationError(
                f"{who}：评议投票无效（{'；'.join(result.invalid_reasons)}）",
                code=errors.EVALUATION_BALLOT_INVALID,
            )
        ballot, ballot_detail = ballot_from_result(result, entry.cadre_id)
        if needs["ballot"] and ballot.score is None:
            raise ValidationError(f"{who}：评议投票没有有效票", code=errors.EVALUATION_BALLOT_EMPTY)
        parts["ballot"] = ballot.score
        detail["ballot"] = {"session": entry.ballot_session_id, **ballot_detail}
    if entry.bundled_scores and all(str(i["name"]) in entry.bundled_scores for i in evaluation.bundled_items):
        parts["bundled"] = scoring.bundled_score(evaluation.bundled_items, entry.bundled_scores)
    numbers = _numbers(entry, evaluation, today)
    work = scoring.work_part(
        coverage=numbers.coverage,
        quota_rate=numbers.quota_rate,
        requests_raised=numbers.requests_raised,
        requests_resolved=numbers.requests_resolved,
    )
    parts["work"] = work.score
    detail["work"] = {"components": work.components, "weights": dict(scoring.WORK_WEIGHTS)}
    # the assessment engine scores the evaluation's scheme (villagework.scoring.evaluation_scheme)
    combination = scoring.combine(rules=evaluation, ballot=ballot, bundled=parts["bundled"], work=work.score)
    detail["flags"] = combination.flags
    detail["capped"] = combination.capped
    detail["explain"] = combination.explain()
    detail["points"] = combination.points
    detail["derivations"] = combination.derivations
    detail["numbers"] = {**dataclasses.asdict(numbers), "resolution_rate": numbers.resolution_rate}
    entry.ballot_score = parts["ballot"]
    entry.bundled_score = parts["bundled"]
    entry.work_score = parts["work"]
    entry.total_score = combination.total
    entry.suggested_grade = combination.suggested_grade
    entry.work_numbers = _json(detail)
    entry.full_clean(validate_unique=False, validate_constraints=False)
    entry.save(
        update_fields=[
            "ballot_score",
            "bundled_score",
            "work_score",
            "total_score",
            "suggested_grade",
            "work_numbers",
            "updated_at",
        ]
    )
    return {
        "cadre": entry.cadre_id,
        "village": entry.village_id,
        "parts": _json(parts),
        "total": str(combination.total),
        "suggested_grade": combination.suggested_grade,
        "flags": combination.flags,
    }


def evaluation_compute(
    *, evaluation: Evaluation, actor: User | None, today: date | None = None
) -> Evaluation:
    """Score every entry: ballot part (closed or sealed session), bundled part, work part (the year's
    numbers, quota from the evaluation), total and suggested grade. Refused, naming each cadre, while
    any needed part is missing. A final evaluation goes back to scored (finalize again to rewrite
    the records)."""
    _require_scope(actor, evaluation.township)
    today = today or timezone.localdate()
    needs = {part: _weight(evaluation, part) > 0 for part in scoring.PARTS}
    with transaction.atomic():
        _begin(evaluation, EvaluationStatus.SCORED, "")
        entries = list(
            evaluation.entries.select_related("cadre", "village", "ballot_session").order_by(
                "village__path", "id"
            )
        )
        _check_ready(evaluation, entries, needs)
        computed = {str(entry.pk): _score(entry, evaluation, needs, today) for entry in entries}
        _move(
            evaluation,
            EvaluationStatus.SCORED,
            actor,
            events.EVALUATION_COMPUTED,
            {"today": today.isoformat(), "entries": computed},
        )
    return evaluation


# --------------------------------------------------------------------------------------------------
# finalize
# --------------------------------------------------------------------------------------------------


def _record_kind(entry: EvaluationEntry, year: int) -> str:
    """「驻村考核」; a cadre evaluated for more than one village in the year gets one record per
    village (the record is unique per cadre, year and kind)."""
    if entries_in_year(entry.cadre_id, year) <= 1:
        return RECORD_KIND
    return f"{RECORD_KIND}（{entry.village.name}）"[:30]


def _decide(
    entries: list[EvaluationEntry], grades: dict[int, str], reasons: dict[int, str]
) -> dict[int, str]:
    """The grade of each entry (the suggestion unless overridden); an override needs a reason."""
    if set(grades) - {e.pk for e in entries}:
        raise ValidationError("等次中有不属于本次考核的对象", code=errors.EVALUATION_BAD_ENTRY)
    problems: list[str] = []
    decided: dict[int, str] = {}
    for entry in entries:
        who = f"{entry.cadre.name}（{entry.village.name}）"
        if entry.total_score is None or not entry.suggested_grade:
            problems.append(f"{who}：尚未计算得分")
            continue
        grade = grades.get(entry.pk) or entry.suggested_grade
        if grade not in scoring.GRADE_LABELS:
            problems.append(f"{who}：等次「{grade}」不正确，应为优秀、称职、基本称职或不称职")
        elif grade != entry.suggested_grade and not reasons.get(entry.pk):
            problems.append(
                f"{who}：确定等次「{scoring.GRADE_LABELS[grade]}」与建议等次"
                f"「{scoring.GRADE_LABELS[entry.suggested_grade]}」不同，请填写调整理由"
            )
        elif len(reasons.get(entry.pk, "")) > 200:
            problems.append(f"{who}：调整理由最多200字")
        decided[entry.pk] = grade
    if problems:
        raise ValidationError(problems, code=errors.EVALUATION_FINALIZE_INVALID)
    return decided


def _record_note(evaluation: Evaluation, entry: EvaluationEntry, grade: str, reason: str) -> str:
    detail = entry.work_numbers or {}
    note = (
        f"{evaluation.title}；{entry.village.name}；"
        f"{detail.get('explain') or f'综合得分 {entry.total_score}'}；"
        f"建议等次 {scoring.GRADE_LABELS[entry.suggested_grade]}"
    )
    if detail.get("flags"):
        note += "；" + "、".join(detail["flags"])
    if grade != entry.suggested_grade:
        note += f"；调整为{scoring.GRADE_LABELS[grade]}，理由：{reason}"
    return note


def evaluation_finalize(
    *,
    evaluation: Evaluation,
    grades: Mapping[int, str] | None = None,
    reasons: Mapping[int, str] | None = None,
    actor: User | None,
) -> Evaluation:
    """Confirm (or override, with a reason) each entry's grade and write it into the cadre's record
    (cadres.EvaluationRecord, kind 驻村考核). A missing grade confirms the suggestion. Finalizing
    again replaces the records."""
    _require_scope(actor, evaluation.township)
    grades = {int(k): str(v) for k, v in (grades or {}).items()}
    reasons = {int(k): str(v).strip() for k, v in (reasons or {}).items()}
    now = timezone.now()
    written: dict[str, Any] = {}
    with transaction.atomic():
        # read the entries under the lock, so a concurrent compute cannot slip in between
        _begin(evaluation, EvaluationStatus.FINAL, "请先计算得分，再确定等次")
        entries = list(evaluation.entries.select_related("cadre", "village").order_by("village__path", "id"))
        decided = _decide(entries, grades, reasons)
        for entry in entries:
            grade = decided[entry.pk]
            overridden = grade != entry.suggested_grade
            evaluation_record_write(
                cadre=entry.cadre,
                year=evaluation.year,
                kind=_record_kind(entry, evaluation.year),
                score=entry.total_score,
                grade=grade,
                source=f"villagework.evaluation:{evaluation.pk}",
                note=_record_note(evaluation, entry, grade, reasons.get(entry.pk, "")),
                actor=actor,
                scope_unit=entry.village,
            )
            entry.final_grade = grade
            entry.written_at = now
            entry.save(update_fields=["final_grade", "written_at", "updated_at"])
            written[str(entry.pk)] = {
                "cadre": entry.cadre_id,
                "total": str(entry.total_score),
                "suggested": entry.suggested_grade,
                "grade": grade,
                "reason": reasons.get(entry.pk, "") if overridden else "",
            }
        _move(evaluation, EvaluationStatus.FINAL, actor, events.EVALUATION_FINALIZED, {"entries": written})
    return evaluation
