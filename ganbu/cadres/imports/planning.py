"""What a valid row writes: a new cadre with its records, or the changes to a stored one (close the
current post and open the new one, a new rank from today or from 任现职级时间, the full-time /
in-service education updated in place with its school), with the derived fields computed by the
same rules as `services.cadre_refresh_derived` (`rules.derive_current`, `pinyin.name_keys`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ganbu.cadres import services
from ganbu.cadres.imports.columns import CADRE_WRITE_FIELDS, LEADERSHIP_LEVELS, ROW_CADRE_FIELDS
from ganbu.cadres.imports.rows import (
    Appt,
    Edu,
    Existing,
    Rank,
    Row,
    Writes,
    appointment_row,
    degree_rank,
    edu_rank,
    education_row,
    rank_row,
)
from ganbu.cadres.imports.validation import RowChecker
from ganbu.cadres.models import EducationKind
from ganbu.cadres.rules import derive_current
from ganbu.core.pinyin import name_keys


class Planner:
    def __init__(self, checker: RowChecker) -> None:
        self.checker = checker
        self.today = checker.today

    def education_targets(self, values: dict[str, Any], ft: tuple[str, str]) -> tuple[str, str]:
        """The in-service record's (education, degree): the parts of 最高学历/学位 above full-time."""
        hi_edu, hi_deg = values.get("hi_education") or "", values.get("hi_degree") or ""
        return (
            hi_edu if hi_edu and edu_rank(hi_edu) < edu_rank(ft[0]) else "",
            hi_deg if hi_deg and degree_rank(hi_deg) < degree_rank(ft[1]) else "",
        )

    def in_service(
        self, values: dict[str, Any], ft: tuple[str, str]
    ) -> tuple[tuple[str, str], tuple[str, str]]:
        """The in-service record's (education, degree) and (school, major): a roster's 在职教育
        columns as they are, else the parts of the template's 最高学历/学位 above full-time."""
        school = values.get("ie_school") or ("", "")
        if "ie_education" in values or "ie_degree" in values:
            return (values.get("ie_education") or "", values.get("ie_degree") or ""), school
        return self.education_targets(values, ft), school

    def derive(self, state: dict[str, Any], appts: list[Appt], ranks: list[Rank], edus: list[Edu]) -> None:
        """The derived fields of services.cadre_refresh_derived, computed the same way."""
        derived = derive_current(
            appointments=[a.facts() for a in appts],
            ranks=[(r.rank, r.started_on, r.ended_on) for r in ranks],
            educations=[(e.kind, e.education, e.degree, e.ended_on) for e in edus],
            on=self.today,
        )
        state["name_pinyin"], state["name_initials"], state["stroke_key"] = name_keys(state["name"])
        if derived.unit_id:
            state["unit_id"] = derived.unit_id
        for name in services.DERIVED_FIELDS:
            state[name] = getattr(derived, name)
        state["current_title"] = state["current_title"][:200]

    def plan_new(self, row: Row, writes: Writes) -> None:
        values = row.values
        data = self.checker.merged(row)
        assert row.unit is not None
        state: dict[str, Any] = {f: _stored(f, data[f]) for f in ROW_CADRE_FIELDS}
        state["unit_id"] = row.unit.pk
        appts: list[Appt] = []
        title = (values.get("title") or "").strip()
        if title:
            level = values.get("level") or ""
            appts.append(
                Appt(
                    None,
                    title,
                    level,
                    level in LEADERSHIP_LEVELS,
                    True,
                    values["post_since"],
                    None,
                    row.unit.pk,
                )
            )
        ranks = (
            [Rank(None, values["rank"], self.checker.rank_start(row, data), None)]
            if values.get("rank")
            else []
        )
        edus: list[Edu] = []
        ft = (values.get("ft_education") or "", values.get("ft_degree") or "")
        ft_school = values.get("ft_school") or ("", "")
        if any(ft) or any(ft_school):
            edus.append(Edu(None, EducationKind.FULL_TIME, ft[0], ft[1], None, *ft_school))
        in_service, ie_school = self.in_service(values, ft)
        if any(in_service) or any(ie_school):
            edus.append(Edu(None, EducationKind.IN_SERVICE, in_service[0], in_service[1], None, *ie_school))
        self.derive(state, appts, ranks, edus)
        writes.new_cadres.append((state, appts, ranks, edus))

    def plan_update(self, row: Row, writes: Writes) -> bool:
        """Plan the changes to the stored cadre of `row`; False when nothing changes."""
        existing = row.existing
        assert existing is not None and row.unit is not None
        state = existing.cadre
        pk: int = state["id"]
        before = tuple(state[f] for f in CADRE_WRITE_FIELDS)
        values = row.values
        data = self.checker.merged(row)
        for name in ROW_CADRE_FIELDS:
            if name in values or name == "id_number":
                state[name] = _stored(name, data[name])
        state["unit_id"] = row.unit.pk  # unless a current post says otherwise (see derive)
        records_changed = self._plan_appointment(row, existing, writes, pk)
        records_changed = self._plan_rank(values, state, existing, writes, pk) or records_changed
        records_changed = self._plan_education(values, state, existing, writes, pk) or records_changed
        self.derive(state, existing.appointments, existing.ranks, existing.educations)
        after = tuple(state[f] for f in CADRE_WRITE_FIELDS)
        if after == before and not records_changed:
            return False
        # only the changed columns: fewer indexes to maintain
        changed = tuple(i for i, (old, new) in enumerate(zip(before, after, strict=True)) if old != new)
        writes.cadre_updates.setdefault(changed, []).append((pk, *(after[i] for i in changed)))
        writes.changed_ids.append(pk)
        return True

    def _plan_appointment(self, row: Row, existing: Existing, writes: Writes, pk: int) -> bool:
        """Close the current post and open the new one, or correct it in place."""
        assert row.unit is not None
        values = row.values
        title = (values.get("title") or "").strip()
        if not title:
            return False
        since: date = values["post_since"]
        level = values.get("level") or ""
        current = self.checker.main_current(existing.appointments)
        if current is not None and current.title == title and current.unit_id == row.unit.pk:
            if (current.level, current.started_on) == (level, since):
                return False
            current.level, current.started_on = level, since
            current.is_leadership = level in LEADERSHIP_LEVELS
            writes.appt_updates.append((current.pk, level, current.is_leadership, since, current.ended_on))
            return True
        if current is not None:
            current.ended_on = since - timedelta(days=1)
            writes.appt_updates.append(
                (current.pk, current.level, current.is_leadership, current.started_on, current.ended_on)
            )
        new = Appt(None, title, level, level in LEADERSHIP_LEVELS, True, since, None, row.unit.pk)
        existing.appointments.append(new)
        writes.appt_new.append(appointment_row(pk, new))
        return True

    def _plan_rank(
        self, values: dict[str, Any], state: dict[str, Any], existing: Existing, writes: Writes, pk: int
    ) -> bool:
        """A new record when the rank differs, from 任现职级时间 if the file gives it, else from
        today; the open ones end the day before. The same rank with another 任现职级时间 corrects
        the open record's start in place."""
        rank = values.get("rank") or ""
        since: date | None = values.get("rank_since")
        if not rank:
            return False
        open_ranks = [r for r in existing.ranks if r.ended_on is None]
        if rank == state["current_rank"]:
            current = next((r for r in open_ranks if r.rank == rank), None)
            if since is None or current is None or current.started_on == since:
                return False
            current.started_on = since
            writes.rank_updates.append((current.pk, current.rank, since, None))
            return True
        start = since or self.today
        same_day = next((r for r in open_ranks if r.started_on == start), None)
        for r in open_ranks:
            if r is same_day:
                r.rank = rank
                writes.rank_updates.append((r.pk, rank, r.started_on, None))
            elif r.started_on < start:
                r.ended_on = start - timedelta(days=1)
                writes.rank_updates.append((r.pk, r.rank, r.started_on, r.ended_on))
        if same_day is None:
            new_rank = Rank(None, rank, start, None)
            existing.ranks.append(new_rank)
            writes.rank_new.append(rank_row(pk, new_rank))
        return True

    def _plan_education(
        self, values: dict[str, Any], state: dict[str, Any], existing: Existing, writes: Writes, pk: int
    ) -> bool:
        """Update the full-time / in-service record instead of adding another."""
        changed = False
        stored_ft = (state["fulltime_education"], state["fulltime_degree"])
        ft_given = (values.get("ft_education") or "", values.get("ft_degree") or "")
        ft_school = values.get("ft_school")
        if (any(ft_given) and ft_given != stored_ft) or (ft_school and any(ft_school)):
            target = ft_given if any(ft_given) else stored_ft
            changed = _set_education(existing, EducationKind.FULL_TIME, target, writes, pk, school=ft_school)
        if "ie_education" in values or "ie_degree" in values or values.get("ie_school"):
            in_service, ie_school = self.in_service(values, ft_given if any(ft_given) else stored_ft)
            if any(in_service) or any(ie_school):
                keep = _best(existing, EducationKind.IN_SERVICE)
                target = in_service if any(in_service) else keep
                changed = (
                    _set_education(existing, EducationKind.IN_SERVICE, target, writes, pk, school=ie_school)
                    or changed
                )
            return changed
        hi_given = (values.get("hi_education") or "", values.get("hi_degree") or "")
        if any(hi_given):
            in_service = self.education_targets(values, ft_given if any(ft_given) else stored_ft)
            probe = derive_current(
                appointments=[],
                ranks=[],
                educations=[(e.kind, e.education, e.degree, e.ended_on) for e in existing.educations],
                on=self.today,
            )
            wanted = (hi_given[0] or probe.highest_education, hi_given[1] or probe.highest_degree)
            if any(in_service) and (probe.highest_education, probe.highest_degree) != wanted:
                _set_education(existing, EducationKind.IN_SERVICE, in_service, writes, pk, ceiling=wanted)
                changed = True
        return changed


def _stored(field: str, value: Any) -> Any:
    """A value as the cadre table stores it: no 身份证号 is NULL (the column is unique), an absent
    text or code is empty (the columns are NOT NULL)."""
    if field == "id_number":
        return value or None
    if value is None and field not in ("birth_date", "party_joined_on", "work_started_on"):
        return ""
    return value


def _best(existing: Existing, kind: str) -> tuple[str, str]:
    mine = [e for e in existing.educations if e.kind == kind]
    if not mine:
        return ("", "")
    record = min(mine, key=lambda e: (edu_rank(e.education), degree_rank(e.degree)))
    return (record.education, record.degree)


def _set_education(
    existing: Existing,
    kind: str,
    target: tuple[str, str],
    writes: Writes,
    cadre_pk: int,
    *,
    ceiling: tuple[str, str] | None = None,
    school: tuple[str, str] | None = None,
) -> bool:
    """Set the record of `kind` with the best education to `target` (create one if none), and
    its school and major when the file gives them. With a ceiling, an empty part of the target
    keeps the record's value when that is not above the ceiling (an in-service 省委党校大学 stays
    when only a degree is added). False when nothing changes."""
    mine = [e for e in existing.educations if e.kind == kind]
    if mine:
        record = min(mine, key=lambda e: (edu_rank(e.education), degree_rank(e.degree)))
        education, degree = target
        if ceiling is not None:
            if not education and edu_rank(record.education) >= edu_rank(ceiling[0]):
                education = record.education
            if not degree and degree_rank(record.degree) >= degree_rank(ceiling[1]):
                degree = record.degree
        new_school, new_major = school if school and any(school) else (record.school, record.major)
        if (record.education, record.degree, record.school, record.major) == (
            education,
            degree,
            new_school,
            new_major,
        ):
            return False
        record.education, record.degree = education, degree
        record.school, record.major = new_school, new_major
        writes.edu_updates.append((record.pk, education, degree, new_school, new_major))
    else:
        new = Edu(None, kind, target[0], target[1], None, *(school or ("", "")))
        existing.educations.append(new)
        writes.edu_new.append(education_row(cadre_pk, new))
    return True
