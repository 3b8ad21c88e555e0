"""Building test counties through the registry's own services (cadre_create, record_save), so the
analytics queries run against records made the way users make them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from ganbu.cadres import services as registry
from ganbu.cadres.models import Cadre
from ganbu.org import services as org_services
from ganbu.org.models import Post, Team, Unit


@dataclass(frozen=True)
class Appt:
    unit: Unit
    started_on: date
    level: str = "1A42"
    title: str = "副镇长"
    leader: bool = True
    ended_on: date | None = None
    post: Post | None = None
    primary: bool = True


@dataclass(frozen=True)
class Edu:
    education: str
    ended_on: date | None
    kind: str = "fulltime"


@dataclass(frozen=True)
class Rank:
    rank: str
    started_on: date
    ended_on: date | None = None


@dataclass
class Person:
    name: str
    born: date
    gender: str = "1"
    appointments: Sequence[Appt] = ()
    educations: Sequence[Edu] = ()
    ranks: Sequence[Rank] = ()
    political: str = "01"
    ethnicity: str = "01"
    category: str = "1"
    status: str = "active"
    extra: dict[str, object] = field(default_factory=dict)


def add_person(p: Person, codes: registry.CodeBook | None = None) -> Cadre:
    codes = codes or registry.CodeBook()
    first_start = min((a.started_on for a in p.appointments), default=date(p.born.year + 22, 7, 1))
    work_start = min(first_start, date(p.born.year + 22, 7, 1))
    data = {
        "name": p.name,
        "gender": p.gender,
        "ethnicity": p.ethnicity,
        "birth_date": p.born,
        "political_status": p.political,
        "party_joined_on": date(p.born.year + 19, 7, 1) if p.political in ("01", "02") else None,
        "work_started_on": work_start,
        "personnel_category": p.category,
        "status": "active",
    }
    unit = p.appointments[0].unit if p.appointments else None
    assert unit is not None, "a person needs an appointment"
    cadre = registry.cadre_create(data=data, unit=unit, actor=None, codes=codes)
    for e in p.educations:
        registry.record_save(
            cadre=cadre,
            kind="education",
            data={
                "kind": e.kind,
                "education": e.education,
                "degree": "",
                "school": "某大学",
                "major": "",
                "started_on": None,
                "ended_on": e.ended_on,
            },
            actor=None,
            codes=codes,
        )
    for a in p.appointments:
        registry.record_save(
            cadre=cadre,
            kind="appointment",
            data={
                "unit": a.unit,
                "post": a.post,
                "title": a.title,
                "level": a.level,
                "is_leadership": a.leader,
                "is_primary": a.primary,
                "method": "appointed",
                "started_on": a.started_on,
                "ended_on": a.ended_on,
                "document_number": "",
                "end_document_number": "",
            },
            actor=None,
            codes=codes,
        )
    for r in p.ranks:
        registry.record_save(
            cadre=cadre,
            kind="rank",
            data={"rank": r.rank, "started_on": r.started_on, "ended_on": r.ended_on, "document_number": ""},
            actor=None,
            codes=codes,
        )
    if p.status != "active":
        cadre = registry.cadre_update(cadre=cadre, data={"status": p.status}, actor=None, codes=codes)
    cadre.refresh_from_db()
    return cadre


def township_teams(unit: Unit) -> tuple[Team, Team, dict[str, Post]]:
    """A township's 党委 and 政府 with their posts."""
    party = org_services.team_create(unit=unit, kind="party_committee", name=f"{unit.name}党委", actor=None)
    gov = org_services.team_create(unit=unit, kind="government", name=f"{unit.name}政府", actor=None)
    posts = {
        "书记": org_services.post_create(unit=unit, team=party, name="党委书记", level="1A41", actor=None),
        "副书记": org_services.post_create(
            unit=unit, team=party, name="党委副书记", level="1A42", quota=2, actor=None
        ),
        "委员": org_services.post_create(
            unit=unit, team=party, name="党委委员", level="1A42", quota=3, actor=None
        ),
        "镇长": org_services.post_create(unit=unit, team=gov, name="镇长", level="1A41", actor=None),
        "副镇长": org_services.post_create(
            unit=unit, team=gov, name="副镇长", level="1A42", quota=3, actor=None
        ),
    }
    return party, gov, posts
