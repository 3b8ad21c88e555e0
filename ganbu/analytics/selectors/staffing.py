"""班子配备: who holds each post of a unit's teams, 职数 against 实配 (空缺, 超职数), each team's result
of the composition check (班子结构体检) and its members at or past an age limit (到龄); and the table of
every vacancy and over-quota post in a user's scope.

Nothing here re-applies another rule: holders come from the registry (`cadres.selectors.
post_holders`, appointments to the post held that day), the composition result from
`composition.composition_check`, the age cap from the AgeCap table and `rules.has_reached_age` (the
forecast's 「已到龄」), statutory retirement from `cadres.rules.statutory_retirement`.

Counting: a post's 实配 is the number of cadres holding it; 空缺 = 职数 − 实配 when positive, 超职数 =
实配 − 职数 when positive. A team's figures are the sums over its posts (so a team with one post
short and another over shows both, never a net figure).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from ganbu.analytics.models import AgeCap
from ganbu.analytics.rules import has_reached_age, reaches_age_on
from ganbu.analytics.selectors.composition import TeamResult, composition_check
from ganbu.analytics.selectors.forecast import age_caps
from ganbu.cadres.rules import Retirement, retirement_group, statutory_retirement
from ganbu.cadres.selectors import PostHolder, post_holder_counts, post_holders
from ganbu.core.dates import age_on
from ganbu.org.models import Post, Unit, User
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import posts_in_scope, teams_in_scope, unit_posts

NO_TEAM = "未编入班子的职位"


@dataclass(frozen=True)
class Holder:
    """A cadre in a post, with their age limits on the date of the page."""

    cadre_id: int
    name: str
    gender: str
    title: str
    started_on: date
    is_primary: bool
    age: int
    cap: int | None  # the age cap of the level of their main post and their gender; None: no cap
    cap_date: date | None
    over_cap: bool  # at or over the cap on the date (已到龄)
    retirement: Retirement
    retirement_reached: bool  # in or after the month of statutory retirement

    @property
    def due(self) -> bool:
        return self.over_cap or self.retirement_reached


def _holder(h: PostHolder, caps: dict[tuple[str, str], int], on: date) -> Holder:
    cap = caps.get((h.level, h.gender))
    retirement = statutory_retirement(h.birth_date, retirement_group(h.gender, h.personnel_category))
    return Holder(
        cadre_id=h.cadre_id,
        name=h.name,
        gender=h.gender,
        title=h.title,
        started_on=h.started_on,
        is_primary=h.is_primary,
        age=age_on(h.birth_date, on),
        cap=cap,
        cap_date=reaches_age_on(h.birth_date, cap) if cap is not None else None,
        over_cap=cap is not None and has_reached_age(h.birth_date, cap, on),
        retirement=retirement,
        retirement_reached=(retirement.year, retirement.month) <= (on.year, on.month),
    )


@dataclass(frozen=True)
class PostStaffing:
    post_id: int
    name: str
    level: str
    quota: int
    holders: tuple[Holder, ...]

    @property
    def filled(self) -> int:
        return len(self.holders)

    @property
    def vacancies(self) -> int:
        return max(self.quota - self.filled, 0)

    @property
    def over(self) -> int:
        return max(self.filled - self.quota, 0)


class _Totals:
    """职数, 实配, 空缺 and 超职数 of a whole (a team, a unit) as the sums of its parts."""

    def _parts(self) -> Sequence[PostStaffing | TeamStaffing]:
        raise NotImplementedError

    @property
    def quota(self) -> int:
        return sum(p.quota for p in self._parts())

    @property
    def filled(self) -> int:
        return sum(p.filled for p in self._parts())

    @property
    def vacancies(self) -> int:
        return sum(p.vacancies for p in self._parts())

    @property
    def over(self) -> int:
        return sum(p.over for p in self._parts())


@dataclass(frozen=True)
class TeamStaffing(_Totals):
    team_id: int | None  # None: the unit's posts outside any team
    name: str
    kind_label: str
    posts: tuple[PostStaffing, ...]
    check: TeamResult | None  # the composition check; None when the team was not checked
    checked: bool  # False: nobody in post on the date (the check lists such teams apart)

    def _parts(self) -> tuple[PostStaffing, ...]:
        return self.posts

    @property
    def due(self) -> tuple[Holder, ...]:
        """Members at or past an age limit, once each (someone may hold two posts of a team)."""
        seen: dict[int, Holder] = {}
        for post in self.posts:
            for h in post.holders:
                if h.due and h.cadre_id not in seen:
                    seen[h.cadre_id] = h
        return tuple(seen.values())


@dataclass(frozen=True)
class UnitStaffing(_Totals):
    unit: Unit
    on: date
    teams: tuple[TeamStaffing, ...]
    caps: tuple[AgeCap, ...]

    def _parts(self) -> tuple[TeamStaffing, ...]:
        return self.teams

    @property
    def due(self) -> int:
        return len({h.cadre_id for t in self.teams for h in t.due})

    @property
    def failing(self) -> int:
        return sum(1 for t in self.teams if t.check is not None and t.check.failures)


def _cap_map(caps: Iterable[AgeCap]) -> dict[tuple[str, str], int]:
    return {(c.level, c.gender): c.age for c in caps}


def unit_staffing(*, user: User, unit: Unit, on: date, today: date) -> UnitStaffing:
    """The staffing of the teams of one unit (the caller fetched it in the user's scope). A fixed
    number of queries, however many teams, posts and holders."""
    teams = list(teams_in_scope(user).filter(unit=unit).order_by("sort_order", "id"))
    posts = list(unit_posts(user=user, unit=unit).order_by("sort_order", "id"))
    caps = age_caps()
    cap_by = _cap_map(caps)
    holders: dict[int, list[Holder]] = {}
    for h in post_holders((p.pk for p in posts), on=on):
        holders.setdefault(h.post_id, []).append(_holder(h, cap_by, on))
    results: dict[int, TeamResult] = {}
    if teams:
        report = composition_check(unit=unit, as_of=on, today=today)
        results = {t.team_id: t for t in (*report.failing, *report.passing)}

    def staffing(post: Post) -> PostStaffing:
        return PostStaffing(post.pk, post.name, post.level, post.quota, tuple(holders.get(post.pk, ())))

    rows = []
    for team in teams:
        result = results.get(team.pk)
        rows.append(
            TeamStaffing(
                team_id=team.pk,
                name=team.name,
                kind_label=team.get_kind_display(),
                posts=tuple(staffing(p) for p in posts if p.team_id == team.pk),
                check=result,
                checked=result is not None,
            )
        )
    loose = [staffing(p) for p in posts if p.team_id is None]
    if loose:
        rows.append(TeamStaffing(None, NO_TEAM, "", tuple(loose), None, False))
    return UnitStaffing(unit=unit, on=on, teams=tuple(rows), caps=tuple(caps))


# --- the county table of vacancies and over-quota posts ----------------------------------------

VACANT = "vacant"
OVER = "over"
GAP_LABELS = {VACANT: "空缺", OVER: "超职数"}


@dataclass(frozen=True)
class Gap:
    """A post with fewer or more holders than its 职数."""

    unit_id: int
    unit_name: str
    unit_category: str
    unit_kind: str
    team_name: str
    post_name: str
    level: str
    quota: int
    filled: int

    @property
    def vacancies(self) -> int:
        return max(self.quota - self.filled, 0)

    @property
    def over(self) -> int:
        return max(self.filled - self.quota, 0)

    @property
    def kind(self) -> str:
        return VACANT if self.vacancies else OVER

    @property
    def kind_label(self) -> str:
        return GAP_LABELS[self.kind]


@dataclass(frozen=True)
class GapTable:
    on: date
    category: str
    gap: str
    rows: tuple[Gap, ...]
    posts_checked: int

    @property
    def vacancies(self) -> int:
        return sum(r.vacancies for r in self.rows)

    @property
    def over(self) -> int:
        return sum(r.over for r in self.rows)

    @property
    def units(self) -> int:
        return len({r.unit_id for r in self.rows})

    @property
    def filter_label(self) -> str:
        parts = [self.category or "全部分类", GAP_LABELS.get(self.gap, "空缺和超职数")]
        return "，".join(parts)


def unit_categories(user: User) -> list[str]:
    """The unit categories (分类) used in the user's scope, for the table's filter."""
    return sorted(
        set(units_in_scope(user).exclude(category="").values_list("category", flat=True).distinct())
    )


def _posts(user: User, category: str) -> QuerySet[Post]:
    posts = posts_in_scope(user).filter(unit__is_active=True)
    if category:
        posts = posts.filter(unit__category=category)
    return posts


def staffing_gaps(*, user: User, on: date, category: str = "", gap: str = "") -> GapTable:
    """Every post in the user's scope (of the units of `category`, if given) held by fewer or by
    more cadres than its 职数 on `on`, in the order of the unit tree; `gap` keeps only vacancies
    (VACANT) or only over-quota posts (OVER). Two queries."""
    posts = _posts(user, category)
    counts = post_holder_counts(posts, on=on)
    rows = []
    n = 0
    for post in posts.select_related("unit", "team").order_by("unit__path", "sort_order", "id"):
        n += 1
        row = Gap(
            unit_id=post.unit_id,
            unit_name=post.unit.name,
            unit_category=post.unit.category,
            unit_kind=post.unit.get_kind_display(),
            team_name=post.team.name if post.team else NO_TEAM,
            post_name=post.name,
            level=post.level,
            quota=post.quota,
            filled=counts.get(post.pk, 0),
        )
        if (row.vacancies or row.over) and (not gap or row.kind == gap):
            rows.append(row)
    return GapTable(on=on, category=category, gap=gap, rows=tuple(rows), posts_checked=n)
