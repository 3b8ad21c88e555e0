"""Helpers for ballot tests: sessions with codes, ballots cast through the service or the API."""

from __future__ import annotations

from typing import Any

from ganbu.ballots import services
from ganbu.ballots.models import BallotSession, RaterGroup
from ganbu.org.models import Unit


def nominees(*names: str) -> list[dict[str, Any]]:
    """Subjects typed as nominees marked 「非在册人员」 (the tests' meetings have no registry)."""
    return [{"name": n, "nominee": True} for n in names]


def _marked(subjects: list[Any]) -> list[Any]:
    return [nominees(s)[0] if isinstance(s, str) else s for s in subjects]


def approval_session(
    unit: Unit, *, expected: int = 11, rule: str = "decision", subjects: list[Any] | None = None, **kw: Any
) -> BallotSession:
    return services.session_create(
        unit=unit,
        title="县委常委会票决",
        kind="approval",
        rule=rule,
        subjects=_marked(subjects or ["张三", "李四"]),
        groups=[services.GroupSpec(name="常委", expected=expected)],
        actor=None,
        **kw,
    )


def rating_session(unit: Unit, **kw: Any) -> BallotSession:
    groups = kw.pop(
        "groups",
        [
            services.GroupSpec("村民代表", expected=30, weight=4),
            services.GroupSpec("乡镇干部", expected=20, weight=3),
            services.GroupSpec("乡镇领导", expected=5, weight=3),
        ],
    )
    return services.session_create(
        unit=unit,
        title="驻村干部述职评议",
        kind="rating",
        subjects=_marked(kw.pop("subjects", ["王芳", "李强"])),
        groups=groups,
        actor=None,
        **kw,
    )


def recommendation_session(unit: Unit, *, max_choices: int = 2, **kw: Any) -> BallotSession:
    return services.session_create(
        unit=unit,
        title="乡镇党委书记民主推荐",
        kind="recommendation",
        subjects=_marked(kw.pop("subjects", ["甲", "乙", "丙", "丁"])),
        groups=kw.pop("groups", [services.GroupSpec("乡镇干部", expected=40)]),
        max_choices=max_choices,
        actor=None,
        **kw,
    )


def group(session: BallotSession, name: str | None = None) -> RaterGroup:
    qs = session.groups.all()
    return qs.get(name=name) if name else qs.first()  # type: ignore[return-value]


def issue(session: BallotSession, count: int, name: str | None = None, *, test: bool = False) -> list[str]:
    session.refresh_from_db()
    return services.codes_issue(
        session=session, group=group(session, name), count=count, test=test, actor=None
    )


def open_(session: BallotSession, **present: int) -> BallotSession:
    return services.session_open(session=session, present=present or None, actor=None)


def close(session: BallotSession) -> BallotSession:
    session.refresh_from_db()
    return services.session_close(session=session, actor=None)
