"""A cadre's 考核记录 (issue 15 item 7): year by year, the 平时考核 grades, each 年度考核 the cadre took
part in with how its grade was reached (proposed, the rules' refusals and warnings as stored in the
review's result, the sealed 民主测评's figures, the 公示, the final grade, the consequences decided),
each 届中/届末考核 of the cadre's team under its own name (no 平时 step, no consequences: a term
review reads neither), and the registry's 年度考核 records, so that a grade entered by hand shows
too (「档案录入」).

Everything is read as stored: the review's `result` (the grading output when it was last checked or
finalized), the ballots engine's `session_result` of the sealed session, the registry through
`cadres.record_selectors`; no rule is applied again here. The registry's cadre page links here
through `core.links` (registered in `assessment.apps`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from ganbu.assessment.models import AnnualEntry, QuarterGrade, ReviewStatus
from ganbu.assessment.selectors import member_satisfaction
from ganbu.assessment.services.annual import GRADE_CODES
from ganbu.ballots import rules as ballot_rules
from ganbu.ballots import selectors as ballot_selectors
from ganbu.cadres import record_selectors
from ganbu.cadres import selectors as cadre_selectors
from ganbu.core.numbers import written
from ganbu.org.access import request_user, requires
from ganbu.org.models import User
from ganbu.org.scoping import unit_in_scope
from ganbu.org.selectors import code_map, user_labels

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

CADRE = apps.get_model("cadres", "Cadre")
ARROW = " → "


@dataclass(frozen=True)
class Quarter:
    quarter: int
    grade: str
    score: str  # "" when the grade was entered without one
    unit: str


@dataclass(frozen=True)
class Ballot:
    """The sealed 民主测评's figures of this cadre: counts of every option (all rater groups) and
    the weighted shares, as `ballots.selectors.session_result` gives them."""

    title: str
    options: list[tuple[str, int, str]]  # (option, votes, weighted share in % or "")
    verdict: str  # 投票有效 / 投票无效 …
    reasons: list[str]

    @property
    def excellent(self) -> str:
        return next((share for option, _, share in self.options if option == "优秀"), "")


@dataclass(frozen=True)
class Consequence:
    message: str
    status: str  # pending / confirmed / declined
    label: str  # 待确认 / 已确认 / 不采纳
    decided_by: str
    decided_at: datetime | None
    note: str


@dataclass
class Review:
    entry: AnnualEntry
    linked: bool  # the review is in the reader's scope (its page opens)
    proposed: str
    checked: bool  # the rules' output is stored for this participant
    refused: list[str]
    flags: list[str]
    outcome: str  # the rules' grade as last checked
    ballot: Ballot | None
    ballot_note: str  # why there are no figures (not sealed …)
    consequences: list[Consequence]
    steps: list[str] = field(default_factory=list)

    @property
    def term(self) -> bool:
        """A team's 届中或届末考核 - no 平时 record behind it, no reward or sanction proposed."""
        return self.entry.review.is_term

    @property
    def label(self) -> str:
        """「年度考核」, or the term review's own name 「2022—2026年届末考核」."""
        review = self.entry.review
        return f"{review.period}{review.get_kind_display()}" if review.is_term else "年度考核"

    @property
    def path(self) -> str:
        return ARROW.join(self.steps)


@dataclass(frozen=True)
class Registry:
    grade: str
    by_hand: bool  # not written by a finalized review of this system


@dataclass
class Year:
    year: int
    quarters: list[Quarter] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)  # 年度考核
    terms: list[Review] = field(default_factory=list)  # 届中/届末考核 of the cadre's team
    registry: Registry | None = None

    @property
    def path(self) -> str:
        """How the year's 年度考核 grade was reached, in words: each annual review's steps, or the
        registry's record (a term review's own steps show in its card)."""
        if self.reviews:
            return "；".join(r.path for r in self.reviews)
        if self.registry is not None:
            return f"档案录入：{self.registry.grade}（未经本系统年度考核）"
        return ""

    @property
    def sections(self) -> list[tuple[str, list[Review]]]:
        """The cards' headings: 年度考核 (always, 「没有」 when empty), then each term review under
        its own name."""
        return [("年度考核", self.reviews), *((t.label, [t]) for t in self.terms)]


def _quarter_step(quarters: list[Quarter]) -> str:
    if not quarters:
        return "平时考核无记录"
    good = sum(q.grade == "好" for q in quarters)
    low = sorted({q.grade for q in quarters if q.grade in ("一般", "较差")}, key=["一般", "较差"].index)
    return f"平时考核 {len(quarters)} 个季度中「好」{good} 个" + (f"，有「{'、'.join(low)}」" if low else "")


def _ballot(entry: AnnualEntry) -> tuple[Ballot | None, str]:
    session = entry.review.ballot_session
    if session is None:
        return None, ""
    if session.status != "sealed":
        return None, f"民主测评「{session.title}」{session.get_status_display()}，封存后显示结果"
    result = ballot_selectors.session_result(session)
    subject = next((s for s in result.subjects if s.cadre_id == entry.cadre_id), None)
    if subject is None:
        return None, f"民主测评「{session.title}」中没有本人"
    shares = subject.as_dict()["shares"]
    return (
        Ballot(
            title=session.title,
            options=[(option, n, shares.get(option, "")) for option, n in subject.counts.items()],
            verdict=result.validity_label,
            reasons=list(result.invalid_reasons),
        ),
        "",
    )


def _steps(row: Review, quarters: list[Quarter]) -> list[str]:
    """The path of one review's grade in words, from what is stored."""
    review = row.entry.review
    steps = [f"{review.unit.name}拟定{row.proposed}" if row.proposed else f"{review.unit.name}未拟定等次"]
    if not review.is_term:  # a team's review does not read the 平时考核
        steps.append(_quarter_step(quarters))
    satisfaction = member_satisfaction(review, row.entry.cadre_id) if review.is_term else None
    if satisfaction is not None:  # a team's review is read by the 满意度 (优秀 + 称职, weighted)
        steps.append(f"民主测评满意度 {ballot_rules.percent(satisfaction)}%")
    elif row.ballot is not None and row.ballot.excellent and not review.is_term:
        steps.append(f"民主测评优秀票 {row.ballot.excellent}%")
    elif review.ballot_session is not None and review.ballot_session.status != "sealed":
        steps.append("民主测评尚未封存")
    if not row.checked:
        steps.append("尚未按规则核对")
    steps.extend(f"未通过：{message}" for message in row.refused)
    steps.extend(f"提示：{message}" for message in row.flags)
    if row.checked and row.proposed == "优秀" and row.outcome == "优秀":
        steps.append("名额内")
    if row.outcome == "优秀" and review.publicity_start and review.publicity_end:
        steps.append(f"公示 {review.publicity_start:%Y-%m-%d} 至 {review.publicity_end:%Y-%m-%d}")
    if row.entry.final:
        steps.append(f"确定{row.entry.final}")
    elif row.checked:
        steps.append(f"核对结果{row.outcome}（{review.get_status_display()}）")
    else:
        steps.append(review.get_status_display())
    return steps


def cadre_years(user: User, cadre: Cadre) -> list[Year]:
    """The cadre's years, newest first (reads only: the cadre is already in the reader's scope)."""
    years: dict[int, Year] = {}

    def year(y: int) -> Year:
        return years.setdefault(y, Year(y))

    quarters = QuarterGrade.objects.filter(cadre=cadre).select_related("unit").order_by("year", "quarter")
    for q in quarters:
        year(q.year).quarters.append(Quarter(q.quarter, q.grade, written(q.score), q.unit.name))
    entries = list(
        AnnualEntry.objects.filter(cadre=cadre)
        .select_related("review__unit", "review__ballot_session")
        .prefetch_related("consequences")
        .order_by("review__year", "review__unit__path")
    )
    deciders = user_labels(c.decided_by_id for e in entries for c in e.consequences.all() if c.decided_by_id)
    for entry in entries:
        review = entry.review
        people = {p.get("id"): p for p in (review.result or {}).get("participants", [])}
        person = people.get(str(entry.pk))
        ballot, ballot_note = _ballot(entry)
        row = Review(
            entry=entry,
            linked=unit_in_scope(user, review.unit),
            proposed=(person or {}).get("proposed") or entry.proposed,
            checked=person is not None,
            refused=[x["message"] for x in (person or {}).get("refused", [])],
            flags=[x["message"] for x in (person or {}).get("flags", [])],
            outcome=(person or {}).get("final", ""),
            ballot=ballot,
            ballot_note=ballot_note,
            consequences=[
                Consequence(
                    c.message,
                    c.status,
                    c.get_status_display(),
                    deciders.get(c.decided_by_id, "") if c.decided_by_id else "",
                    c.decided_at,
                    c.note,
                )
                for c in entry.consequences.all()
            ],
        )
        row.steps = _steps(row, year(review.year).quarters)
        (year(review.year).terms if review.is_term else year(review.year).reviews).append(row)
    names = code_map("assessment_result")
    for y, code in record_selectors.annual_grades_of([cadre.pk]).get(cadre.pk, {}).items():
        written_by_review = any(
            r.entry.review.status == ReviewStatus.FINAL and GRADE_CODES.get(r.entry.final) == code
            for r in year(y).reviews
        )
        year(y).registry = Registry(names.get(code, code), by_hand=not written_by_review)
    return sorted(years.values(), key=lambda y: -y.year)


@requires("assessment.view", kind="detail", model=CADRE)
@require_GET
def cadre_record(request: HttpRequest, pk: int) -> HttpResponse:
    """「某某的考核记录」 - every grade of the cadre with how it was reached."""
    user = request_user(request)
    cadre = cadre_selectors.get_cadre_for_user(user, pk)
    context = {"cadre": cadre, "years": cadre_years(user, cadre)}
    return render(request, "assessment/cadre_record.html", context)


urlpatterns: list[URLPattern] = [
    path("cadres/<int:pk>/", cadre_record, name="cadre_record"),
]
