"""The votes of a case, through the ballot engine (never counted here): 会议推荐 (a recommendation
ballot: at most as many names as seats), the 考察's 民主测评 of the 考察对象, 全委会征求意见 and
常委会票决 (approval ballots with the engine's rules). The sessions belong to the county (the 组织部
runs them); a 常委 votes with a one-time code and sees only the meetings they were given codes for.
The step of each purpose reads the sealed result: `figures_from(...)`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from ganbu.audit.services import record_event
from ganbu.ballots import rules as ballot_rules
from ganbu.ballots import selectors as ballot_selectors
from ganbu.ballots import services as ballot_services
from ganbu.org.models import User
from ganbu.org.selectors import county_root
from ganbu.selection import errors, events, selectors
from ganbu.selection.models import BallotPurpose, CandidateStatus, Case, CaseBallot, StepKind
from ganbu.selection.services.cases import may_manage, refuse_unless_open

# purpose → (engine kind, engine rule, rater group, title suffix)
SPECS = {
    BallotPurpose.RECOMMEND: ("recommendation", "", "参加推荐人员", "会议推荐"),
    BallotPurpose.RATING: ("rating", "", "参加测评人员", "考察民主测评"),
    BallotPurpose.CONSULT: ("approval", "consultation", "全委会成员", "全委会征求意见"),
    BallotPurpose.VOTE: ("approval", "decision", "常委会成员", "常委会票决"),
}


@transaction.atomic
def ballot_create(
    *, case: Case, purpose: str, expected: Any, actor: User | None, mode: str = "paper"
) -> CaseBallot:
    """A session over the case's active candidates (for 征求意见 and 票决 - the nominees left)."""
    may_manage(actor, case.unit)
    refuse_unless_open(case)
    if purpose not in SPECS:
        raise ValidationError(
            "投票用途应为会议推荐、考察民主测评、全委会征求意见或常委会票决", code=errors.CASE_INVALID
        )
    raw = str(expected or "").strip()
    if not raw.isdigit() or not 1 <= int(raw) <= 2000:
        raise ValidationError("应到人数应为 1 到 2000 的整数", code=errors.CASE_INVALID)
    if case.ballots.filter(purpose=purpose, session__status__in=["draft", "open", "closed"]).exists():
        raise ValidationError("本环节已有尚未封存的投票，请先完成或删除", code=errors.CASE_INVALID)
    people = list(case.candidates.filter(status=CandidateStatus.ACTIVE).select_related("cadre"))
    if not people:
        raise ValidationError("没有在程序中的人选", code=errors.CASE_INVALID)
    kind, rule, group, suffix = SPECS[BallotPurpose(purpose)]
    root = county_root()
    if root is None:
        raise ValidationError("系统中还没有单位", code=errors.CASE_INVALID)
    session = ballot_services.session_create(
        unit=root,
        title=f"{case}·{suffix}",
        kind=kind,
        rule=rule,
        mode=mode if mode in ("paper", "electronic") else "paper",
        subjects=[ballot_services.SubjectSpec(label=c.name, cadre_id=c.cadre_id) for c in people],
        groups=[ballot_services.GroupSpec(group, expected=int(raw))],
        max_choices=case.seats if kind == "recommendation" else 1,
        description=f"{case}：{suffix}（无记名）",
        actor=actor,
    )
    link = CaseBallot.objects.create(case=case, purpose=purpose, session=session)
    record_event(
        actor=actor,
        action=events.BALLOT,
        obj=case,
        object_label=f"{case}：{suffix}",
        unit_path=case.unit.path,
        payload={"purpose": purpose, "session": session.pk, "expected": int(raw)},
    )
    return link


def sealed_ballot(case: Case, purpose: str) -> CaseBallot | None:
    """The newest sealed session of the purpose (a second round replaces the first)."""
    return (
        case.ballots.filter(purpose=purpose, session__status="sealed")
        .select_related("session")
        .order_by("-id")
        .first()
    )


def figures_from(link: CaseBallot) -> dict[str, Any]:
    """The step's figures from the sealed result, in the shape of the compliance check's input."""
    result = ballot_selectors.session_result(link.session)
    subjects = result.subjects
    if link.purpose == BallotPurpose.RECOMMEND:
        return {
            "listed": [s.label for s in subjects],
            "valid_ballots": result.total("valid"),
            "votes": {s.label: s.votes or 0 for s in subjects},
        }
    if link.purpose == BallotPurpose.CONSULT:
        return {
            "base": result.denominator or result.total("expected"),
            "disagree": {s.label: s.counts.get(ballot_rules.DISAGREE, 0) for s in subjects},
            "extra": {"present": result.total("present")},  # for the record; the rule reads 应到
        }
    if link.purpose == BallotPurpose.VOTE:
        return {
            "expected": result.total("expected"),
            "present": result.total("present"),
            "agree": {s.label: s.counts.get(ballot_rules.AGREE, 0) for s in subjects},
        }
    return {  # 测评: kept beside the 考察's own figures
        "rating": {
            s.label: {o: ballot_rules.percent(v) for o, v in s.shares.items() if v is not None}
            for s in subjects
        }
    }


def verdicts(link: CaseBallot) -> Mapping[str, tuple[bool, str]]:
    """name → (goes on, the verdict in words) of a sealed 征求意见 or 票决."""
    result = ballot_selectors.session_result(link.session)
    out = {}
    for s in result.subjects:
        if link.purpose == BallotPurpose.CONSULT:
            out[s.label] = (not s.dropped, s.verdict or ("继续提名" if not s.dropped else "不再作为提名人选"))
        else:
            out[s.label] = (bool(s.passed and result.valid), s.verdict or ("通过" if s.passed else "未通过"))
    return out


@transaction.atomic
def year_end_link(*, case: Case, session_id: Any, actor: User) -> CaseBallot:
    """「两推」 from the ballot engine: link a sealed 年终民主推荐 (one of
    `selectors.year_end_sessions`) to the case; every candidate's 「两推」 is then whether they are
    among its leaders (`selectors.YearEnd`), replacing what was entered from paper. Linking another
    session replaces the link. One audit event with each candidate's verdict."""
    may_manage(actor, case.unit)
    refuse_unless_open(case)
    if case.steps.filter(kind=StepKind.SHORTLIST).exists():
        raise ValidationError(
            "已确定考察对象，「两推」以当时的记录为准，不能再关联年终民主推荐", code=errors.CASE_INVALID
        )
    session = (
        selectors.year_end_sessions(actor, case).filter(pk=int(session_id)).first()
        if str(session_id).isdigit()
        else None
    )
    if session is None:
        raise ValidationError(
            "请选择一次已封存的民主推荐（动议当年或上一年，不是本选拔任用的会议推荐）",
            code=errors.CASE_INVALID,
        )
    case.ballots.filter(purpose=BallotPurpose.YEAR_END).delete()
    link = CaseBallot.objects.create(case=case, purpose=BallotPurpose.YEAR_END, session=session)
    verdicts = year_end_apply(case)
    record_event(
        actor=actor,
        action=events.BALLOT,
        obj=case,
        object_label=f"{case}：年终民主推荐",
        unit_path=case.unit.path,
        payload={"purpose": BallotPurpose.YEAR_END.value, "session": session.pk, "两推": verdicts},
    )
    return link


def year_end_apply(case: Case) -> dict[str, str]:
    """Each active candidate's 「两推」 from the linked year-end recommendation (when one is linked);
    returns the verdicts in words by name."""
    result = selectors.year_end(case)
    if result is None:
        return {}
    verdicts: dict[str, str] = {}
    for candidate in case.candidates.filter(status=CandidateStatus.ACTIVE):
        leads, words = result.verdict(candidate)
        if candidate.two_recommendations != leads:
            candidate.two_recommendations = leads
            candidate.save(update_fields=["two_recommendations"])
        verdicts[candidate.name] = words
    return verdicts
