"""Reads of the annual evaluation: the evaluations and entries a user may see, who is to be
evaluated in a township's year, and the ballot part as the ballot engine's result gives it (its
weighted shares, the groups it shows, its 不胜任现职 warning: consumed, never recomputed)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from ganbu.ballots import conf as ballot_conf
from ganbu.ballots import selectors as ballot_selectors
from ganbu.core.dates import year_period
from ganbu.org.models import Unit, User
from ganbu.org.scoping import filter_in_subtree
from ganbu.villagework import scoring
from ganbu.villagework.models import Assignment, Evaluation, EvaluationEntry
from ganbu.villagework.selectors.scope import entries_for, evaluations_for

RESULT_STATUSES = ballot_selectors.RESULT_STATUSES  # a session's result can be read (结束 or 封存)
# the engine's flag text, read only while its SubjectResult has no `unfit_warning` field yet
ENGINE_UNFIT_FLAG = "不胜任现职"


def evaluation_list(user: User) -> QuerySet[Evaluation]:
    return evaluations_for(user).order_by("-year", "township__path")


def evaluation_entries(user: User, evaluation: Evaluation) -> list[EvaluationEntry]:
    """The evaluation's entries in the village order, with what the pages show of each."""
    return list(
        entries_for(user)
        .filter(evaluation=evaluation)
        .select_related("ballot_session", "evaluation")
        .order_by("village__path", "id")
    )


def cadres_to_evaluate(*, township: Unit, year: int) -> list[tuple[int, int]]:
    """(cadre id, village id) of every assignment (any role) to a village of the township
    overlapping the year; two stays of a cadre in one village are one pair."""
    start, end = year_period(year)
    rows = (
        filter_in_subtree(Assignment.objects.filter(started_on__lte=end), township, "village")
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .order_by("village__path", "cadre__name_pinyin", "cadre_id")
        .values_list("cadre_id", "village_id")
    )
    return list(dict.fromkeys(rows))


def latest_assignment(cadre_id: int, village_id: int) -> Assignment | None:
    return Assignment.objects.filter(cadre_id=cadre_id, village_id=village_id).order_by("-started_on").first()


def entries_in_year(cadre_id: int, year: int) -> int:
    """How many evaluation entries the cadre has in the year (one per village evaluated)."""
    return EvaluationEntry.objects.filter(cadre_id=cadre_id, evaluation__year=year).count()


# --------------------------------------------------------------------------------------------------
# The ballot engine's result
# --------------------------------------------------------------------------------------------------


def unfit_warning_percent() -> int:
    """The ballot engine's 不称职 warning threshold in force (percent), for the pages that state the
    rule; the engine applies it when it computes a result."""
    return ballot_conf.current().unfit_warning_percent


def unfit_warning(subject: Any) -> bool:
    """The engine's 不胜任现职 warning for the subject (its threshold in force, never ours)."""
    warning = getattr(subject, "unfit_warning", None)
    if warning is None:
        warning = ENGINE_UNFIT_FLAG in "".join(subject.flags)
    return bool(warning)


def _counts_complete(result: ballot_selectors.Result, subject: Any) -> bool:
    """Whether the subject's counts per group (`by_group`) hold every group the engine counted (valid
    ballots and a weight) with all of the group's valid ballots: then the assessment engine's
    `ballot` rule reads the counts. Not when the engine keeps a small group to the weighted shares
    (anonymity), nor when a paper count leaves ballots without a mark for the subject."""
    for group in result.groups:
        if group.valid > 0 and group.weight > 0:
            counts = subject.by_group.get(group.name)
            if counts is None or sum(counts.values()) != group.valid:
                return False
    return True


def ballot_from_result(
    result: ballot_selectors.Result, cadre_id: int
) -> tuple[scoring.BallotPart, dict[str, Any]]:
    """The ballot part from the engine's result for the cadre: its weighted shares, the groups it
    shows, its counts per group (when complete) and its warning. Groups the engine does not break out (fewer valid ballots than its
    minimum group size, for anonymity) count through the weighted shares; their own score is never
    computed or shown, only their names ("merged")."""
    subject = next((s for s in result.subjects if s.cadre_id == cadre_id), None)
    if subject is None:
        raise ValueError("subject not found")
    part = scoring.ballot_part(
        shares=subject.shares,
        group_shares=subject.group_shares,
        unfit_warning=unfit_warning(subject),
        counts=subject.by_group if _counts_complete(result, subject) else None,
    )
    detail = {
        "groups": [
            {"name": g.name, "weight": str(g.weight), "score": part.group_scores[g.name]}
            for g in result.groups
            if part.group_scores.get(g.name) is not None
        ],
        "merged": [g.name for g in result.groups if g.suppressed and g.valid > 0 and g.weight > 0],
        "valid": result.total("valid"),
        "unfit_share": part.unfit_share,
        # the threshold the engine applied (absent before it reported one)
        "unfit_warning_percent": getattr(result, "unfit_warning_percent", None),
    }
    return part, detail


def ballot_problem(entry: EvaluationEntry) -> str | None:
    """Why the entry's ballot part cannot be computed yet (no session, or one still open)."""
    session = entry.ballot_session
    who = f"{entry.cadre.name}（{entry.village.name}）"
    if session is None:
        return f"{who}：尚未创建评议投票"
    if session.status not in RESULT_STATUSES:
        return f"{who}：评议投票「{session.get_status_display()}」，须结束（或封存）后才能计分"
    return None
