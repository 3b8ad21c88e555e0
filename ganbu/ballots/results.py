"""Results: the counters of a session read into a `Result`, with the rules (rules.py) applied.

Counters are named by `tally_key`, the one definition of a counter's key: the services create and
add to counters by it (services/lifecycle.py, casting.py, paper.py), and the result reads them by it.

Shares are exact fractions; they are shown as percentages with two decimals (rules.percent). The
`as_dict()` form is the JSON of `manage.py ballot result --format json` and of the seal event. The
administrator's thresholds (不称职 warning, second round) are those in force when the result is
computed (`conf.current()`), and are part of the result.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ganbu.ballots import conf, rules
from ganbu.ballots.models import (
    ApprovalRule,
    BallotBox,
    BallotSession,
    Denominator,
    SessionKind,
    SessionMode,
    Tally,
    TallyKind,
)


def tally_key(group_id: int, kind: str, subject_id: int | None = None, option: int | None = None) -> str:
    """The key of one counter of a session: "g7:received", "g7:invalid", "g7:s12:pick" (推荐) or
    "g7:s12:o0" (option 0 of a rating or approval)."""
    if kind in (TallyKind.RECEIVED, TallyKind.INVALID):
        return f"g{group_id}:{kind}"
    if kind == TallyKind.PICK:
        return f"g{group_id}:s{subject_id}:pick"
    return f"g{group_id}:s{subject_id}:o{option}"


def unfit_flag(threshold_percent: int) -> str:
    return f"不称职票达到{threshold_percent}%，不胜任现职预警"


def second_round_flag(top: Fraction | None, threshold_percent: int) -> str:
    return f"最高得票率 {rules.percent(top)}% 低于{threshold_percent}%，应进行第二轮推荐"


@dataclass
class GroupResult:
    name: str
    weight: int
    expected: int
    present: int | None
    issued: int
    returned: int
    invalid: int
    suppressed: bool = False

    @property
    def valid(self) -> int:
        return self.returned - self.invalid

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "weight": self.weight,
            "expected": self.expected,
            "present": self.present,
            "issued": self.issued,
            "returned": self.returned,
            "invalid": self.invalid,
            "valid": self.valid,
            "suppressed": self.suppressed,
        }


@dataclass
class SubjectResult:
    label: str
    note: str
    cadre_id: int | None
    counts: dict[str, int]
    by_group: dict[str, dict[str, int]] = field(default_factory=dict)
    group_shares: dict[str, dict[str, Fraction | None]] = field(default_factory=dict)
    shares: dict[str, Fraction | None] = field(default_factory=dict)
    votes: int | None = None
    share: Fraction | None = None
    satisfaction: Fraction | None = None
    passed: bool | None = None
    dropped: bool | None = None
    verdict: str = ""  # 票决 and 征求意见: the conclusion in words (rules.decision_verdict …)
    flags: list[str] = field(default_factory=list)
    unfit_warning: bool | None = None  # 测评 only: 不称职 share at or above the threshold in force

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "label": self.label,
            "note": self.note,
            "cadre_id": self.cadre_id,
            "counts": self.counts,
            "shares": {k: rules.percent(v) for k, v in self.shares.items()},
            "by_group": {
                g: {"counts": c, "shares": {k: rules.percent(v) for k, v in self.group_shares[g].items()}}
                for g, c in self.by_group.items()
            },
            "flags": self.flags,
        }
        if self.verdict:
            data["verdict"] = self.verdict
        if self.votes is not None:
            data["votes"] = self.votes
            data["share"] = rules.percent(self.share)
        if self.satisfaction is not None:
            data["satisfaction"] = rules.percent(self.satisfaction)
        if self.passed is not None:
            data["passed"] = self.passed
        if self.dropped is not None:
            data["dropped"] = self.dropped
        if self.unfit_warning is not None:
            data["unfit_warning"] = self.unfit_warning
        return data


@dataclass
class Result:
    session_id: int
    title: str
    kind: str
    rule: str
    kind_label: str
    status: str
    options: list[str]
    groups: list[GroupResult]
    subjects: list[SubjectResult]
    write_ins: list[tuple[str, int, Fraction | None]]
    valid: bool = True
    invalid_reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    quorum_met: bool | None = None
    denominator: int | None = None
    denominator_basis: str = ""
    tally_sha256: str = ""
    unfit_warning_percent: int = rules.UNFIT_WARNING_PERCENT  # the thresholds applied
    second_round_percent: int = rules.SECOND_ROUND_PERCENT
    turnout: str = rules.TURNOUT
    turnout_met: bool | None = None  # 测评, 推荐, 征求意见; None for 票决 (its quorum decides)

    @property
    def validity_label(self) -> str:
        """The verdict on the vote as a whole, in the words the result prints."""
        if self.valid:
            return "投票有效"
        if self.quorum_met is False:
            return "参会率不足，不能作出决定"
        return "投票无效"

    @property
    def basis_label(self) -> str:
        """What the percentages are shares of (the header of the result says it)."""
        if self.denominator is not None:
            basis = "应到人数" if self.denominator_basis == Denominator.EXPECTED else "实到人数"
            return f"百分比按{basis} {self.denominator} 人计算"
        if self.kind == SessionKind.RATING:
            return "百分比按各类评议人的有效票计算，再按权重加权"
        if len(self.groups) > 1:
            return "得票率按各类评议人的有效票计算，再按权重加权"
        return f"得票率按有效票 {self.total('valid')} 张计算"

    def total(self, attr: str) -> int:
        return sum(getattr(g, attr) or 0 for g in self.groups)

    def as_dict(self) -> dict[str, Any]:
        return {
            "session": {
                "id": self.session_id,
                "title": self.title,
                "kind": self.kind,
                "rule": self.rule,
                "kind_label": self.kind_label,
                "status": self.status,
                "options": self.options,
            },
            "valid": self.valid,
            "validity": self.validity_label,
            "basis": self.basis_label,
            "turnout": self.turnout,
            "turnout_met": self.turnout_met,
            "invalid_reasons": self.invalid_reasons,
            "flags": self.flags,
            "quorum_met": self.quorum_met,
            "denominator": self.denominator,
            "denominator_basis": self.denominator_basis,
            "groups": [g.as_dict() for g in self.groups],
            "totals": {
                a: self.total(a) for a in ("expected", "present", "issued", "returned", "invalid", "valid")
            },
            "subjects": [s.as_dict() for s in self.subjects],
            "write_ins": [{"label": n, "votes": v, "share": rules.percent(s)} for n, v, s in self.write_ins],
            "tally_sha256": self.tally_sha256,
            "thresholds": {
                "unfit_warning_percent": self.unfit_warning_percent,
                "second_round_percent": self.second_round_percent,
            },
        }


def _counters(session: BallotSession) -> dict[str, int]:
    return dict(Tally.objects.filter(session=session).values_list("key", "count"))


def _write_ins(session: BallotSession) -> dict[str, dict[str, int]]:
    box = BallotBox.objects.filter(session=session).first()
    return dict(box.write_ins) if box else {}


def tally_snapshot(session: BallotSession) -> tuple[dict[str, Any], str]:
    """Every counter of the session, by group and subject name, and the SHA-256 of its canonical
    JSON (sorted keys, no spaces, UTF-8): what sealing writes into the audit chain."""
    counters = _counters(session)
    write_ins = _write_ins(session)
    subjects = list(session.subjects.order_by("sort_order", "id"))
    groups = []
    for g in session.groups.order_by("sort_order", "id"):
        votes: dict[str, Any] = {}
        for s in subjects:
            if session.kind == SessionKind.RECOMMENDATION:
                votes[s.label] = counters.get(tally_key(g.pk, TallyKind.PICK, s.pk), 0)
            else:
                votes[s.label] = {
                    o: counters.get(tally_key(g.pk, TallyKind.OPTION, s.pk, i), 0)
                    for i, o in enumerate(session.options)
                }
        groups.append(
            {
                "name": g.name,
                "weight": g.weight,
                "expected": g.expected,
                "present": g.present,
                "issued": g.codes_issued,
                "returned": counters.get(tally_key(g.pk, TallyKind.RECEIVED), 0),
                "invalid": counters.get(tally_key(g.pk, TallyKind.INVALID), 0),
                "votes": votes,
                "write_ins": write_ins.get(str(g.pk), {}),
            }
        )
    snapshot = {
        "session": session.pk,
        "title": session.title,
        "kind": session.kind,
        "rule": session.rule,
        "mode": session.mode,
        "options": list(session.options),
        "groups": groups,
    }
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return snapshot, hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compute_result(
    session: BallotSession,
    *,
    unfit_warning_percent: int | None = None,
    second_round_percent: int | None = None,
    turnout: str | None = None,
) -> Result:
    """The session's result with the rules applied; the administrator's thresholds are those in
    force unless given."""
    if unfit_warning_percent is None or second_round_percent is None or turnout is None:
        settings = conf.current()
        if unfit_warning_percent is None:
            unfit_warning_percent = settings.unfit_warning_percent
        if second_round_percent is None:
            second_round_percent = settings.second_round_percent
        if turnout is None:
            turnout = settings.turnout
    counters = _counters(session)
    write_in_counts = _write_ins(session)
    group_rows = list(session.groups.order_by("sort_order", "id"))
    subjects = list(session.subjects.order_by("sort_order", "id"))
    groups: list[GroupResult] = []
    for g in group_rows:
        returned = counters.get(tally_key(g.pk, TallyKind.RECEIVED), 0)
        issued = g.codes_issued if session.mode == SessionMode.ELECTRONIC else (g.present or g.expected)
        groups.append(
            GroupResult(
                name=g.name,
                weight=g.weight,
                expected=g.expected,
                present=g.present,
                issued=issued,
                returned=returned,
                invalid=counters.get(tally_key(g.pk, TallyKind.INVALID), 0),
            )
        )
    if len(groups) > 1:
        for gr in groups:
            gr.suppressed = gr.valid < session.min_group_size
    result = Result(
        session_id=session.pk,
        title=session.title,
        kind=session.kind,
        rule=session.rule,
        kind_label=session.kind_label,
        status=session.status,
        options=list(session.options),
        groups=groups,
        subjects=[],
        write_ins=[],
        tally_sha256=session.tally_sha256,
        unfit_warning_percent=unfit_warning_percent,
        second_round_percent=second_round_percent,
        turnout=turnout,
    )
    if session.rule != ApprovalRule.DECISION:
        _check_turnout(result)
    for gr in groups:
        if rules.returned_exceeds_issued(gr.returned, gr.issued):
            result.valid = False
            result.invalid_reasons.append(
                f"「{gr.name}」收回 {gr.returned} 票，多于发出的 {gr.issued} 票，本次投票无效"
            )
    if any(gr.suppressed for gr in groups):
        names = "、".join(gr.name for gr in groups if gr.suppressed)
        result.flags.append(
            f"{names} 有效票少于 {session.min_group_size} 张，不单独显示分组结果（已计入合计）"
        )

    if session.kind == SessionKind.RECOMMENDATION:
        _recommendation(session, result, counters, write_in_counts, group_rows, subjects)
    else:
        _options(session, result, counters, group_rows, subjects)
    return result


def _check_turnout(result: Result) -> None:
    """测评, 推荐 and 征求意见: the returned ballots reach the turnout rule's share of 实到 (应到 for
    the groups whose 实到 was not entered), else the vote is void."""
    groups = result.groups
    base = sum(gr.present if gr.present is not None else gr.expected for gr in groups)
    returned = result.total("returned")
    result.turnout_met = rules.turnout_met(returned, base, result.turnout)
    if result.turnout_met:
        return
    label = rules.TURNOUT_CHOICES[result.turnout][0]
    if all(gr.present is not None for gr in groups):
        basis = f"实到 {base} 人"
    elif all(gr.present is None for gr in groups):
        basis = f"应到 {base} 人（未录入实到人数）"
    else:
        basis = f"实到 {base} 人（未录入实到的按应到计）"
    needed = rules.turnout_needed(base, result.turnout)
    result.valid = False
    result.invalid_reasons.append(f"收回 {returned} 票，不足{basis}的{label}（至少 {needed} 票）")


def _options(
    session: BallotSession,
    result: Result,
    counters: dict[str, int],
    group_rows: list[Any],
    subjects: list[Any],
) -> None:
    groups = result.groups
    if session.kind == SessionKind.APPROVAL:
        expected = result.total("expected")
        present = sum(gr.present if gr.present is not None else gr.returned for gr in groups)
        if session.rule == ApprovalRule.DECISION:
            result.quorum_met = rules.quorum_met(present, expected)
            result.denominator, result.denominator_basis = expected, Denominator.EXPECTED
            if not result.quorum_met:
                result.valid = False
                result.invalid_reasons.append(
                    f"实到 {present} 人，不足应到 {expected} 人的三分之二，不能作出决定"
                )
        elif session.denominator == Denominator.PRESENT:
            result.denominator, result.denominator_basis = present, Denominator.PRESENT
        else:
            result.denominator, result.denominator_basis = expected, Denominator.EXPECTED
    for s in subjects:
        counts = {o: 0 for o in session.options}
        sr = SubjectResult(label=s.label, note=s.note, cadre_id=s.cadre_id, counts=counts)
        per_group: list[tuple[GroupResult, dict[str, int]]] = []
        for g, gr in zip(group_rows, groups, strict=True):
            gc = {
                o: counters.get(tally_key(g.pk, TallyKind.OPTION, s.pk, i), 0)
                for i, o in enumerate(session.options)
            }
            per_group.append((gr, gc))
            for o, n in gc.items():
                counts[o] += n
            if not gr.suppressed:
                sr.by_group[gr.name] = gc
                sr.group_shares[gr.name] = {o: rules.share(n, gr.valid) for o, n in gc.items()}
        if session.kind == SessionKind.RATING:
            sr.shares = {
                o: rules.weighted_share((gr.weight, gc[o], gr.valid) for gr, gc in per_group)
                for o in session.options
            }
            satisfied = [sr.shares[o] for o in rules.SATISFIED_OPTIONS if o in sr.shares]
            if satisfied and all(x is not None for x in satisfied):
                sr.satisfaction = sum((x for x in satisfied if x is not None), Fraction(0))
            sr.unfit_warning = rules.unfit_warning(sr.shares.get(rules.UNFIT), result.unfit_warning_percent)
            if sr.unfit_warning:
                sr.flags.append(unfit_flag(result.unfit_warning_percent))
        else:
            assert result.denominator is not None
            # shares of the base the header names (应到 or 实到), as the rules count them
            sr.shares = {o: rules.share(n, result.denominator) for o, n in counts.items()}
            if session.rule == ApprovalRule.DECISION:
                sr.passed = bool(
                    result.valid and rules.decision_passes(counts[rules.AGREE], result.denominator)
                )
                sr.verdict = rules.decision_verdict(
                    valid=result.valid,
                    agree=counts[rules.AGREE],
                    defer=counts[rules.DEFER],
                    expected=result.denominator,
                )
            else:
                sr.dropped = rules.consultation_drops(counts[rules.DISAGREE], result.denominator)
                if not result.valid:
                    sr.verdict = rules.UNDECIDED
                else:
                    sr.verdict = rules.DROPPED if sr.dropped else rules.KEPT
                if sr.dropped and result.valid:
                    sr.flags.append("不同意票超过半数")
        result.subjects.append(sr)


def _recommendation(
    session: BallotSession,
    result: Result,
    counters: dict[str, int],
    write_in_counts: dict[str, dict[str, int]],
    group_rows: list[Any],
    subjects: list[Any],
) -> None:
    groups = result.groups

    def tally(
        per_group_counts: list[int], label: str, note: str = "", cadre_id: int | None = None
    ) -> SubjectResult:
        sr = SubjectResult(label=label, note=note, cadre_id=cadre_id, counts={"得票": sum(per_group_counts)})
        sr.votes = sum(per_group_counts)
        sr.share = rules.weighted_share(
            (gr.weight, n, gr.valid) for gr, n in zip(groups, per_group_counts, strict=True)
        )
        sr.shares = {"得票率": sr.share}
        for gr, n in zip(groups, per_group_counts, strict=True):
            if not gr.suppressed:
                sr.by_group[gr.name] = {"得票": n}
                sr.group_shares[gr.name] = {"得票率": rules.share(n, gr.valid)}
        return sr

    for s in subjects:
        result.subjects.append(
            tally(
                [counters.get(tally_key(g.pk, TallyKind.PICK, s.pk), 0) for g in group_rows],
                s.label,
                s.note,
                s.cadre_id,
            )
        )
    names = sorted({n for bucket in write_in_counts.values() for n in bucket})
    for name in names:
        sr = tally([write_in_counts.get(str(g.pk), {}).get(name, 0) for g in group_rows], name)
        result.write_ins.append((name, sr.votes or 0, sr.share))
    result.write_ins.sort(key=lambda x: (-x[1], x[0]))
    shares = [sr.share for sr in result.subjects if sr.share is not None]
    shares += [s for _, _, s in result.write_ins if s is not None]
    top = max(shares) if shares else None
    if rules.second_round_needed(top, result.second_round_percent):
        result.flags.append(second_round_flag(top, result.second_round_percent))
