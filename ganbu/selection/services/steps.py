"""The steps of a case (全程记实), recorded in order through the kernel's workflow: each is checked by
the compliance rules *before* it is saved (the same check `selection check` runs), so a step the
rules refuse is never recorded; the few findings a reason may excuse (the 差额 ratios, the second
round) need that reason written. Skipping 考察预告 needs a reason; a step the method needs cannot be
skipped (STEP_ORDER). Each step writes its audit event; the votes come sealed from the ballot engine
with their seal's hash; 任职 writes the appointment into the registry; the case is read-only once
closed."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ganbu.cadres import record_selectors
from ganbu.cadres import selectors as cadre_selectors
from ganbu.cadres import services as cadre_services
from ganbu.core.workflow import allowed, transition
from ganbu.org.models import User
from ganbu.org.selectors import work_calendar
from ganbu.selection import errors, events
from ganbu.selection.conf import selection_settings
from ganbu.selection.models import (
    ORDER,
    BallotPurpose,
    Candidate,
    CandidateStatus,
    Case,
    Method,
    Step,
    StepKind,
)
from ganbu.selection.rules import EXCUSABLE, check_case, exams, parse_case
from ganbu.selection.rules.check import NEEDS
from ganbu.selection.selectors import UNCHECKED, candidate_conditions, case_input_with
from ganbu.selection.services.ballots import figures_from, sealed_ballot, verdicts
from ganbu.selection.services.cases import candidate_drop, case_close, may_manage, refuse_unless_open

PURPOSE = {
    StepKind.RECOMMEND: BallotPurpose.RECOMMEND,
    StepKind.CONSULT: BallotPurpose.CONSULT,
    StepKind.VOTE: BallotPurpose.VOTE,
    StepKind.INSPECT: BallotPurpose.RATING,
}
NEEDS_BALLOT = (StepKind.CONSULT, StepKind.VOTE)  # decided by the sealed vote only
SKIP_WITH_REASON = (StepKind.NOTICE,)
PUBLICITY_AHEAD_DAYS = 30  # a 公示 may be recorded when issued, before it starts
PROBATION_RESULTS = ("合格", "不合格")
EXAM_METHODS = (Method.OPEN, Method.COMPETE)
EXAM_STEPS = (StepKind.WRITTEN, StepKind.INTERVIEW)
THREE_POINTS = {"群众": "masses", "单位党组织": "party_org", "分管领导": "leader"}


def _refuse(messages: list[str]) -> ValidationError:
    return ValidationError(messages, code=errors.CASE_INVALID)


def _active(case: Case) -> list[Candidate]:
    return list(case.candidates.filter(status=CandidateStatus.ACTIVE).select_related("cadre__unit"))


def _int(data: Mapping[str, Any], key: str, label: str, found: list[str], minimum: int = 0) -> int:
    raw = str(data.get(key, "")).strip()
    if not raw.isdigit() or int(raw) < minimum:
        found.append(f"「{label}」应为不小于 {minimum} 的整数")
        return 0
    return int(raw)


def _missing(case: Case, kind: str) -> list[str]:
    """The steps `kind` needs (transitively, as the check counts them) that are not recorded."""
    needs: dict[str, tuple[str, ...]] = dict(NEEDS)
    if case.method in EXAM_METHODS:  # 笔试 and 面试 instead of 民主推荐
        needs[StepKind.SHORTLIST] = (StepKind.INTERVIEW,)
        needs[StepKind.INTERVIEW] = (StepKind.WRITTEN,)
        needs[StepKind.WRITTEN] = (StepKind.MOTION,)
    done = set(case.steps.values_list("kind", flat=True))
    todo, required = list(needs.get(kind, ())), []
    while todo:
        k = todo.pop(0)
        if k not in required:
            required.append(k)
            todo.extend(needs.get(k, ()))
    return [k for k in ORDER if k in required and k not in done]


def _skipped(case: Case, kind: str) -> list[str]:
    """The steps between the case's stage and `kind` that were not recorded."""
    start = ORDER.index(case.stage) + 1 if case.stage else 0
    done = set(case.steps.values_list("kind", flat=True))
    return [k for k in ORDER[start : ORDER.index(kind)] if k not in done]


def _figures(case: Case, kind: str, data: Mapping[str, Any], found: list[str]) -> dict[str, Any]:
    """The step's figures from the sealed vote or the form, in the check's input shape."""
    link = sealed_ballot(case, PURPOSE[StepKind(kind)]) if kind in PURPOSE else None
    if kind in NEEDS_BALLOT and link is None:
        found.append(f"「{StepKind(kind).label}」须以封存的投票结果为准，请先组织投票并封存")
        return {}
    figures: dict[str, Any] = figures_from(link) if link is not None else {}
    active = _active(case)
    if kind == StepKind.RECOMMEND:
        figures["round"] = case.steps.filter(kind=kind).count() + 1
        if link is None:  # 谈话调研推荐 or a paper count entered by hand
            valid = _int(data, "valid_ballots", "有效票", found, minimum=1)
            figures |= {
                "listed": [c.name for c in active],
                "valid_ballots": valid,
                "votes": {c.name: _int(data, f"votes-{c.pk}", f"{c.name}的得票", found) for c in active},
            }
    elif kind in EXAM_STEPS:
        figures |= _exam_figures(case, kind, data, active, found)
    elif kind == StepKind.SHORTLIST:
        chosen_ids = {int(x) for x in data.get("chosen", []) if str(x).isdigit()}
        chosen = [c for c in active if c.pk in chosen_ids]
        eligibility = candidate_conditions(case, as_of=data["day"])
        if not chosen:
            found.append("请选择考察对象")
        for c in chosen if case.method not in EXAM_METHODS else []:
            if None in (c.two_recommendations, c.masses, c.party_org, c.leader):
                found.append(f"请先记录{c.name}的「两推」和「三点一线」意见")
                continue
            failed = [x for x in eligibility.get(c.pk, []) if not x.met]
            if failed and not c.exception:
                shown = "；".join(f"{x.label}：应{x.required}，实为{x.actual}" for x in failed)
                found.append(f"{c.name}资格条件不符（{shown}），须先记录例外情形及批准")
            against = [label for label, ok in THREE_POINTS.items() if not getattr(c, ok)]
            if against:  # seed 000: 「三点一线」 must agree, else the nomination is deferred
                found.append(
                    f"{c.name}的「三点一线」意见不一致（{'、'.join(against)}不同意），应暂缓提名，不能确定为考察对象"
                )
        figures["extra"] = {  # the 资格审查 as it stood that day, for the page and the 纪实表
            "eligibility": {
                c.name: [[x.label, x.required, x.actual, x.met] for x in eligibility.get(c.pk, [])]
                for c in active
            }
        }
        figures |= {
            "chosen": [c.name for c in chosen],
            "two_recommendations_agree": {
                c.name: c.two_recommendations for c in chosen if c.two_recommendations is not None
            },
            "three_points": {
                c.name: {"masses": c.masses, "party_org": c.party_org, "leader": c.leader}
                for c in chosen
                if None not in (c.masses, c.party_org, c.leader)
            },
        }
        if case.method in EXAM_METHODS:  # 资格审查 applies to applicants too
            for c in chosen:
                failed = [x for x in eligibility.get(c.pk, []) if not x.met]
                if failed and not c.exception:
                    shown = "；".join(f"{x.label}：应{x.required}，实为{x.actual}" for x in failed)
                    found.append(f"{c.name}资格条件不符（{shown}），须先记录例外情形及批准")
    elif kind == StepKind.INSPECT:
        figures["unit_staff"] = _int(data, "unit_staff", "单位干部职工人数", found, minimum=1)
        figures["talks"] = _int(data, "talks", "个别谈话人数", found)
        extra = {k: str(data.get(k, "")).strip()[:500] for k in ("discipline", "file_review")}
        if not extra["discipline"]:
            found.append("请填写征求纪检监察机关意见的情况")
        if not extra["file_review"]:
            found.append("请填写档案审核（三龄二历）的结论")
        figures["extra"] = extra | {"files": _file_review(active, data, found)}
    elif kind == StepKind.PUBLICITY:
        start = data["day"]
        end = work_calendar().working_days_after(start, selection_settings().publicity_working_days)
        if data.get("end"):
            end = max(end, data["end"])  # a longer 公示 is allowed
        figures |= {"start": start.isoformat(), "end": end.isoformat()}
    elif kind == StepKind.APPOINT:
        doc_no = str(data.get("doc_no", "")).strip()
        if not doc_no:
            found.append("请填写任职文号")
        if len(active) > case.seats:
            found.append(
                f"在程序中的人选 {len(active)} 人，多于拟选配的 {case.seats} 人，请先在讨论决定中确定"
            )
        if not active:
            found.append("没有可以任职的人选")
        figures["doc_no"] = doc_no[:100]
        holders = {h.cadre_id: h for h in cadre_selectors.post_holders([case.post_id], on=data["day"])}
        relieve = [int(x) for x in data.get("relieve", []) if str(x).isdigit()]
        unknown = [x for x in relieve if x not in holders]
        if unknown:
            found.append("所选免职人员不是该职位的现任人员")
        figures["extra"] = {"relieved": {str(x): holders[x].name for x in relieve if x in holders}}
    elif kind == StepKind.PROBATION:
        result = str(data.get("result", "")).strip()
        if result not in PROBATION_RESULTS:
            found.append("试用期满考核结果应为合格或不合格")
        figures["result"] = result
    return figures


# 档案审核 (三龄二历): the verified value of each fact beside the registry's
FILE_FACTS = (
    ("birth", "出生日期", "birth_date"),
    ("party", "入党时间", "party_joined_on"),
    ("work", "参加工作时间", "work_started_on"),
)
_MONTH = re.compile(r"^(\d{4})[-.年/](\d{1,2})(?:[-.月/](\d{1,2})日?)?月?$")


def _month(text: str) -> str | None:
    """「1985-03-04」, 「1985.03」, 「1985年3月」 → "1985-03" (三龄 are checked to the month)."""
    m = _MONTH.match(text.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return None
    return f"{m.group(1)}-{int(m.group(2)):02d}"


def _file_review(active: list[Candidate], data: Mapping[str, Any], found: list[str]) -> dict[str, Any]:
    """The 考察对象's 档案审核 - for each fact the registry's value, the verified one typed from the
    档案, and whether they agree (a disagreement is recorded and shown, for the 组织部 to correct the
    registry or explain; it is not a refusal). 学历 and 履历 are the reviewer's words."""
    out: dict[str, Any] = {}
    for c in active:
        if c.cadre is None:
            continue
        row: dict[str, Any] = {}
        for key, label, attr in FILE_FACTS:
            typed = str(data.get(f"file-{key}-{c.pk}", "")).strip()
            registry = getattr(c.cadre, attr)
            shown = f"{registry:%Y-%m}" if registry else ""
            if not typed:
                if key == "party" and not registry:
                    continue  # not a party member: nothing to verify
                found.append(f"请填写{c.name}档案中的{label}")
                continue
            verified = _month(typed)
            if verified is None:
                found.append(f"{c.name}的{label}应写成 1985-03 或 1985.03，不是「{typed}」")
                continue
            row[key] = {"label": label, "registry": shown, "verified": verified, "same": shown == verified}
        for key, label in (("education", "学历"), ("resume", "履历")):
            text = str(data.get(f"file-{key}-{c.pk}", "")).strip()[:200]
            if text:
                row[key] = {"label": label, "note": text}
        out[c.name] = row
    return out


def registry_file_facts(case: Case) -> dict[str, str]:
    """The 档案审核 fields of the active 考察对象 filled with the registry's own values (what the
    demo records, and tests that are not about the review)."""
    out: dict[str, str] = {}
    for c in _active(case):
        if c.cadre is None:
            continue
        for key, _, attr in FILE_FACTS:
            value = getattr(c.cadre, attr)
            if value:
                out[f"file-{key}-{c.pk}"] = f"{value:%Y-%m}"
    return out


def _exam_figures(
    case: Case, kind: str, data: Mapping[str, Any], active: list[Candidate], found: list[str]
) -> dict[str, Any]:
    """笔试 - the scores and who goes on to the 面试 (places × ratio, ties at the cut all go on);
    面试: the scores, the combined score with the 笔试 weight, and who goes on to the 考察."""
    scores: dict[str, Decimal] = {}
    for c in active:
        value, problem = exams.score(str(data.get(f"score-{c.pk}", "")), f"{c.name}的{kind}成绩")
        if problem:
            found.append(problem)
        elif value is not None:
            scores[c.name] = value
    default_ratio = exams.DEFAULT_INTERVIEW_RATIO if kind == StepKind.WRITTEN else exams.DEFAULT_INSPECT_RATIO
    ratio_text = str(data.get("ratio", "") or default_ratio).strip()
    if not ratio_text.isdigit() or not 1 <= int(ratio_text) <= 10:
        found.append("进入下一环节的人数应为职位数的 1 到 10 倍")
        return {}
    figures: dict[str, Any] = {"ratio": int(ratio_text), "scores": {n: str(v) for n, v in scores.items()}}
    ranked_on = scores
    if kind == StepKind.INTERVIEW:
        weight_text = str(data.get("weight", "") or exams.DEFAULT_WRITTEN_WEIGHT).strip()
        if not weight_text.isdigit() or not 0 <= int(weight_text) <= 100:
            found.append("笔试成绩所占比例应为 0 到 100 的整数")
            return {}
        written_step = case.steps.filter(kind=StepKind.WRITTEN).first()
        written = {
            n: Decimal(v)
            for n, v in ((written_step.figures or {}).get("scores", {}) if written_step else {}).items()
        }
        ranked_on = {
            n: exams.combined(written.get(n, Decimal(0)), v, int(weight_text)) for n, v in scores.items()
        }
        figures |= {"weight": int(weight_text), "combined": {n: str(v) for n, v in ranked_on.items()}}
    if found:
        return {}
    ranking, tie = exams.rank(ranked_on, places=case.seats, ratio=int(ratio_text))
    figures |= {"ranking": [[r.name, str(r.score), r.rank, r.goes_on] for r in ranking], "tie": tie}
    return figures


def _violations(case: Case, step: Step, calendar: Any) -> list[Any]:
    """The findings `step` (not saved yet) would add: the check over the case as it would then
    stand, less what it finds already (a finding may sit on an earlier step, e.g. a complaint of the
    公示 unresolved once 任职 is recorded)."""
    settings = selection_settings()

    def check(extra: Step | None) -> list[Any]:
        raw, _ = case_input_with(case, extra)
        return check_case(parse_case(raw), calendar=calendar, settings=settings, as_of=step.day)

    before = {(v.code, v.candidate, v.message) for v in check(None)}
    return [v for v in check(step) if (v.code, v.candidate, v.message) not in before]


@transaction.atomic
def step_record(
    *,
    case: Case,
    kind: str,
    day: date,
    actor: User | None,
    data: Mapping[str, Any] | None = None,
    decision: str = "",
    reason: str = "",
    today: date | None = None,
) -> Step:
    """Record the next step of the case (see the module docstring); `data` holds the figures a
    form gives (counts, the chosen, the 文号 …)."""
    may_manage(actor, case.unit)
    case = Case.objects.select_for_update().get(pk=case.pk)
    refuse_unless_open(case)
    if kind not in StepKind.values:
        raise _refuse(["没有这个环节"])
    today = today or timezone.localdate()
    label = StepKind(kind).label
    ahead = PUBLICITY_AHEAD_DAYS if kind == StepKind.PUBLICITY else 0
    if day > today + timedelta(days=ahead):
        raise _refuse([f"「{label}」的日期 {day:%Y-%m-%d} 晚于今天，请在办理后记录"])
    stage_label = StepKind(case.stage).label if case.stage else "—"
    refused_order = (
        f"已记录「{stage_label}」，不能再记录「{label}」" if case.stage else "选拔任用须从「动议」开始记录"
    )
    if not allowed(case, kind, field="stage"):
        raise _refuse([refused_order])
    if (kind in EXAM_STEPS) != (case.method in EXAM_METHODS) and kind in (*EXAM_STEPS, StepKind.RECOMMEND):
        raise _refuse([f"{case.method}方式不设「{label}」环节"])
    missing = _missing(case, kind)
    if missing:
        names = "、".join(f"「{StepKind(k).label}」" for k in missing)
        raise _refuse([f"「{label}」之前缺少{names}，请按顺序记录"])
    reason = reason.strip()[:300]
    found: list[str] = []
    skipped = _skipped(case, kind) if case.stage != kind else []
    for k in skipped:
        if k in SKIP_WITH_REASON and not reason:
            found.append(f"跳过「{StepKind(k).label}」须写明理由")
    figures = _figures(case, kind, {**(data or {}), "day": day}, found)
    if found:
        raise _refuse(found)
    step = Step(case=case, kind=kind, day=day, figures=figures, decision=decision.strip(), reason=reason)
    if kind not in UNCHECKED:
        calendar = work_calendar()
        findings = _violations(case, step, calendar)
        hard = [v.message for v in findings if v.code not in EXCUSABLE]
        soft = [v for v in findings if v.code in EXCUSABLE]
        if hard:
            raise _refuse(hard)
        if soft and not reason:
            raise _refuse([v.message for v in soft] + ["如确需继续，请在「说明」中写明理由"])
        step.figures = {**figures, **({"excused": sorted({v.code for v in soft})} if soft else {})}
    link = sealed_ballot(case, PURPOSE[StepKind(kind)]) if kind in PURPOSE else None
    if link is not None:
        step.ballot_session, step.seal_sha256 = link.session, link.session.tally_sha256
    step.recorded_by = actor
    step.save()
    transition(
        case,
        to=kind,
        actor=actor,
        action=events.STEP,
        field="stage",
        reason=reason,
        unit_path=case.unit.path,
        payload={
            "step": step.pk,
            "kind": kind,
            "day": day.isoformat(),
            **({"skipped": skipped} if skipped else {}),
            **({"seal_sha256": step.seal_sha256} if step.seal_sha256 else {}),
        },
        not_allowed=refused_order,
    )
    _effects(case, step, link, data or {}, actor)
    return step


def _effects(case: Case, step: Step, link: Any, data: Mapping[str, Any], actor: User | None) -> None:
    kind = step.kind
    if kind in EXAM_STEPS:
        going = {row[0]: row for row in step.figures.get("ranking", [])}
        nxt = "面试" if kind == StepKind.WRITTEN else "考察"
        for c in _active(case):
            row = going.get(c.name)
            if row is None or not row[3]:
                why = f"{kind}成绩第 {row[2]} 名，未进入{nxt}" if row else f"未参加{kind}"
                candidate_drop(candidate=c, at=kind, reason=why, actor=actor)
    elif kind == StepKind.SHORTLIST:
        chosen = set(step.figures.get("chosen", []))
        for c in _active(case):
            if c.name not in chosen:
                candidate_drop(candidate=c, at=kind, reason="未确定为考察对象", actor=actor)
    elif kind in NEEDS_BALLOT and link is not None:
        outcome = verdicts(link)
        for c in _active(case):
            goes_on, verdict = outcome.get(c.name, (False, "未列入投票"))
            if not goes_on:
                candidate_drop(candidate=c, at=kind, reason=f"{StepKind(kind).label}：{verdict}", actor=actor)
    elif kind == StepKind.APPOINT:
        for cadre_id in (step.figures.get("extra") or {}).get("relieved", {}):
            _relieve(case, int(cadre_id), step, actor)
        for c in _active(case):
            if c.cadre is not None:
                _appoint(case, c, step, actor)
            c.status = CandidateStatus.APPOINTED
            c.save(update_fields=["status"])
        if case.method == Method.ELECT:
            case_close(case=case, actor=actor)
    elif kind == StepKind.PROBATION:
        case_close(case=case, actor=actor)


def _relieve(case: Case, cadre_id: int, step: Step, actor: User | None) -> None:
    """免去 - the former holder's appointment to the post ends the day of the 任职, same 文号."""
    cadre = cadre_selectors.cadres_by_ids([cadre_id]).select_related("unit").get()
    for held in record_selectors.open_appointments(cadre_id, on=step.day):
        if held.post_id != case.post_id:
            continue
        fields = {f: getattr(held, f) for f in cadre_services.RECORD_KINDS["appointment"].fields}
        fields |= {"ended_on": step.day, "end_document_number": step.figures.get("doc_no", "")}
        cadre_services.record_save(cadre=cadre, kind="appointment", data=fields, actor=actor, instance=held)


def _appoint(case: Case, candidate: Candidate, step: Step, actor: User | None) -> None:
    """任职 into the registry through its services: the new post with its 文号, the primary post
    held before ended the same day (免去原职务)."""
    cadre = candidate.cadre
    assert cadre is not None
    doc_no = step.figures.get("doc_no", "")
    for held in record_selectors.open_appointments(cadre.pk, on=step.day):
        if not held.is_primary:
            continue
        fields = {f: getattr(held, f) for f in cadre_services.RECORD_KINDS["appointment"].fields}
        fields |= {"ended_on": step.day, "end_document_number": doc_no}
        cadre_services.record_save(cadre=cadre, kind="appointment", data=fields, actor=actor, instance=held)
    post = case.post
    cadre_services.record_save(
        cadre=cadre,
        kind="appointment",
        actor=actor,
        data={
            "unit": case.unit,
            "post": post,
            "title": f"{case.unit.name}{post.name}",
            "level": post.level,
            "is_leadership": post.is_leadership,
            "is_primary": True,
            "method": "elected" if case.method == Method.ELECT else "appointed",
            "started_on": step.day,
            "ended_on": None,
            "document_number": doc_no,
            "end_document_number": "",
        },
    )
