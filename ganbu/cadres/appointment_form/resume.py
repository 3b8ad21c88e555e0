"""The 简历 of the 任免审批表 - one line per period from the appointment and education records
(see the package docstring for the conventions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ganbu.cadres.appointment_form.texts import month_text, study_text
from ganbu.cadres.models import Cadre, EducationKind

OPEN_GAP = " " * 6  # what follows `2016.01--` in an open (current) period
PERIOD_GAP = "  "  # between the period and the text
CONCURRENT_MARK = "（兼）"


@dataclass(frozen=True)
class ResumePost:
    started_on: date
    ended_on: date | None
    title: str
    is_primary: bool = True


@dataclass(frozen=True)
class ResumeStudy:
    started_on: date
    ended_on: date | None
    text: str  # study_text(...)
    in_service: bool


@dataclass
class _Entry:
    started_on: date
    ended_on: date | None
    text: str
    kind: str  # "post", "concurrent", "study"
    nested: list[ResumeStudy] = field(default_factory=list)


def _ym(value: date | None) -> tuple[int, int] | None:
    return (value.year, value.month) if value else None


def period_text(started_on: date, ended_on: date | None) -> str:
    """`1998.07--2003.02`, or `2016.01--` for an open period."""
    return f"{month_text(started_on)}--{month_text(ended_on)}"


def resume_line(started_on: date, ended_on: date | None, text: str) -> str:
    if ended_on is None:
        return f"{period_text(started_on, None)}{OPEN_GAP}{text}"
    return f"{period_text(started_on, ended_on)}{PERIOD_GAP}{text}"


def compose_resume(posts: Sequence[ResumePost], studies: Sequence[ResumeStudy]) -> list[str]:
    """The 简历 lines from posts and study periods (pure; see the module docstring)."""
    entries: list[_Entry] = []
    primaries: list[_Entry] = []
    joined: dict[int, list[str]] = {}
    for post in sorted(posts, key=lambda p: (p.started_on, not p.is_primary)):
        if post.is_primary:
            entry = _Entry(post.started_on, post.ended_on, post.title, "post")
            primaries.append(entry)
            entries.append(entry)
    for post in sorted(posts, key=lambda p: p.started_on):
        if post.is_primary:
            continue
        host = next(
            (
                e
                for e in primaries
                if _ym(e.started_on) == _ym(post.started_on) and _ym(e.ended_on) == _ym(post.ended_on)
            ),
            None,
        )
        if host is not None:
            joined.setdefault(id(host), []).append(post.title + CONCURRENT_MARK)
        else:
            entries.append(_Entry(post.started_on, post.ended_on, post.title + CONCURRENT_MARK, "concurrent"))
    for study in studies:
        if not study.in_service:
            entries.append(_Entry(study.started_on, study.ended_on, study.text, "study"))
    for study in sorted((s for s in studies if s.in_service), key=lambda s: s.started_on):
        host = _host_post(primaries, study.started_on)
        if host is not None:
            host.nested.append(study)
        else:
            entries.append(_Entry(study.started_on, study.ended_on, study.text, "study"))
    order = {"study": 0, "post": 1, "concurrent": 2}
    entries.sort(key=lambda e: (_ym(e.started_on), order[e.kind], _ym(e.ended_on) or (9999, 12)))
    lines = []
    for entry in entries:
        text = "、".join([entry.text, *joined.get(id(entry), [])])
        if entry.nested:
            inner = "；".join(f"{period_text(s.started_on, s.ended_on)} {s.text}" for s in entry.nested)
            text += f"（其间：{inner}）"
        lines.append(resume_line(entry.started_on, entry.ended_on, text))
    return lines


def _host_post(primaries: list[_Entry], started_on: date) -> _Entry | None:
    """The primary post an in-service study started in: the latest post started on or before that
    month and not yet ended (a post ending in that month counts only when no other post fits)."""
    month = _ym(started_on)
    assert month is not None

    def begun(e: _Entry) -> bool:
        start = _ym(e.started_on)
        return start is not None and start <= month

    def running(e: _Entry) -> bool:
        end = _ym(e.ended_on)
        return end is None or month < end

    def ending(e: _Entry) -> bool:
        end = _ym(e.ended_on)
        return end is None or month <= end

    for test in (running, ending):
        candidates = [e for e in primaries if begun(e) and test(e)]
        if candidates:
            return max(candidates, key=lambda e: e.started_on)
    return None


def _as_of(ended_on: date | None, on: date | None) -> date | None:
    """A period's end as known on `on`: one ending after that day was still running."""
    return None if on is not None and ended_on is not None and ended_on > on else ended_on


def resume_lines(cadre: Cadre, *, on: date | None = None) -> list[str]:
    """The 简历 of a cadre, one line per period, from the appointment and education records.
    Education records without 入学时间 cannot be placed and are left out. `on`: the 简历 as it
    stood that day (periods begun later left out, periods ending later still open); None: as the
    records stand."""
    posts = [
        ResumePost(a.started_on, _as_of(a.ended_on, on), a.title, a.is_primary)
        for a in cadre.appointments.all()
        if on is None or a.started_on <= on
    ]
    studies = [
        ResumeStudy(e.started_on, _as_of(e.ended_on, on), study_text(e), e.kind == EducationKind.IN_SERVICE)
        for e in cadre.educations.all()
        if e.started_on is not None and (on is None or e.started_on <= on)
    ]
    return compose_resume(posts, studies)
