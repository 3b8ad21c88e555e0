"""Reads of the registry. Pages start from the user's scope (`cadres_in_scope`,
`get_cadre_for_user`); the reads other apps need are in `__all__`, and those that do not take a
user say why (the caller scoped the ids, or checks scope itself)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from ganbu.audit.catalogue import EventView, describe, referenced
from ganbu.audit.selectors import events_for_object
from ganbu.cadres import rules
from ganbu.cadres.models import Appointment, Cadre, CadreStatus, StatePeriod
from ganbu.core.dates import years_before
from ganbu.core.db import prefix_range
from ganbu.core.jobs import jobs_of_kind
from ganbu.core.listing import Sorts
from ganbu.core.models import Job, JobStatus
from ganbu.org.models import Unit, User
from ganbu.org.permissions import has_capability
from ganbu.org.scoping import (
    filter_by_scope,
    filter_in_subtree,
    get_in_scope_or_404,
    scope_path,
    units_in_subtree,
)
from ganbu.org.selectors import all_code_names, audit_names, group_codes, user_labels

if TYPE_CHECKING:
    from ganbu.audit.models import AuditEvent

__all__ = [
    "LIST_SORTS",
    "CadreFilters",
    "PostHolder",
    "Tenure",
    "active_cadres_in_scope",
    "active_cadres_in_units",
    "cadre_by_id_number",
    "cadre_for_account_or_in_scope",
    "cadre_list",
    "cadre_of_account",
    "cadres_by_ids",
    "cadres_in_scope",
    "cadres_of_accounts",
    "cadres_search_in_scope",
    "cadres_to_complete",
    "cadres_under_unit",
    "get_cadre_for_user",
    "history_rows",
    "import_jobs_to_watch",
    "mask_id_number",
    "post_holder_counts",
    "post_holders",
    "retiring_by",
    "sees_sensitive",
    "state_periods_built",
    "state_periods_on",
    "tenures",
    "visible_id_number",
    "visible_payload",
]

IMPORT_JOB = "cadres.import"  # the kind of the registry's import jobs (core.Job)
FORMS_JOB = "cadres.forms_zip"  # batches of 任免审批表 (batches.py)

ID_LIKE = rules.ID_QUERY
LETTERS = re.compile(r"^[A-Za-z]+$")


def cadres_in_scope(user: User) -> QuerySet[Cadre]:
    """Cadres whose unit is in the user's subtree. Written as `unit_id IN (subquery)` so the planner
    filters the small unit table first on both SQLite and PostgreSQL."""
    prefix = scope_path(user)
    qs = Cadre.objects.all()
    if prefix is None:
        return qs
    return qs.filter(unit_id__in=units_in_subtree(prefix).values("id"))


def get_cadre_for_user(user: User, pk: int) -> Cadre:
    """One cadre, 404 when missing or out of scope."""
    return get_in_scope_or_404(Cadre.objects.select_related("unit"), user, pk=pk)


@dataclass(frozen=True)
class CadreFilters:
    q: str = ""
    unit: Unit | None = None
    level: str = ""
    rank: str = ""
    gender: str = ""
    age_min: int | None = None
    age_max: int | None = None
    education: str = ""  # a code, or a group name (研究生 / 大学 / 大专及以下)
    political: str = ""  # a code, or 党员 / 党外
    ethnicity: str = ""  # a code, or 汉族 / 少数民族
    category: str = ""
    leaders_only: bool = False
    status: str = CadreStatus.ACTIVE


# The registry list's sortable columns (core.listing): key → ORDER BY ascending. The default is
# 姓氏笔画 order, as every roster of an organisation department is printed.
LIST_SORTS = Sorts(
    {
        "name": ("stroke_key", "id"),
        "age": ("-birth_date", "stroke_key", "id"),  # 年龄 from the youngest
        "level": ("current_level", "stroke_key", "id"),  # 1A31 县处级正职 first
        "rank": ("current_rank", "stroke_key", "id"),
        "since": ("current_post_since", "stroke_key", "id"),  # 任现职 from the longest
        "education": ("highest_education", "stroke_key", "id"),  # 研究生 first
    },
    default="name",
)


def cadre_list(*, user: User, filters: CadreFilters, today: date | None = None) -> QuerySet[Cadre]:
    today = today or timezone.localdate()
    qs = cadres_in_scope(user)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit is not None:
        qs = qs.filter(unit_id__in=units_in_subtree(filters.unit).values("id"))
    q = filters.q.strip()
    if q:
        if ID_LIKE.match(q):
            qs = (
                qs.filter(prefix_range("id_number", q.upper()))
                if len(q) < 18
                else qs.filter(id_number=q.upper())
            )
        elif LETTERS.match(q):
            lowered = q.lower()
            qs = qs.filter(prefix_range("name_initials", lowered) | prefix_range("name_pinyin", lowered))
        else:
            qs = qs.filter(name__contains=q)
    for field, value in (
        ("current_level", filters.level),
        ("current_rank", filters.rank),
        ("gender", filters.gender),
        ("personnel_category", filters.category),
    ):
        if value:
            qs = qs.filter(**{field: value})
    if filters.education:
        if filters.education in ("研究生", "大学", "大专及以下"):
            qs = qs.filter(highest_education__in=group_codes("education", filters.education))
        else:
            qs = qs.filter(highest_education=filters.education)
    if filters.political:
        if filters.political in ("党员", "党外"):
            qs = qs.filter(political_status__in=group_codes("political_status", filters.political))
        else:
            qs = qs.filter(political_status=filters.political)
    if filters.ethnicity:
        if filters.ethnicity == "汉族":
            qs = qs.filter(ethnicity="01")
        elif filters.ethnicity == "少数民族":
            qs = qs.exclude(ethnicity="01")
        else:
            qs = qs.filter(ethnicity=filters.ethnicity)
    if filters.age_min is not None:  # age >= n  ⇔  born on or before today − n years
        qs = qs.filter(birth_date__lte=years_before(today, filters.age_min))
    if filters.age_max is not None:  # age <= n  ⇔  born after today − (n+1) years
        qs = qs.filter(birth_date__gt=years_before(today, filters.age_max + 1))
    if filters.leaders_only:
        qs = qs.filter(is_leader=True)
    return qs.order_by(*LIST_SORTS.order_by(LIST_SORTS.default))


# --- 待补充: cadres written with fields left empty (a 干部名册 has no 身份证号, 政治面貌, 人员类别 …) ---
# The fields the registry and the national forms (任免审批表, LRMX) need that an import may leave
# empty, with their labels; 入党时间 only for members (中共党员 / 预备党员).
GAP_FIELDS: tuple[tuple[str, str], ...] = (
    ("id_number", "身份证号"),
    ("ethnicity", "民族"),
    ("political_status", "政治面貌"),
    ("party_joined_on", "入党时间"),
    ("personnel_category", "人员类别"),
    ("work_started_on", "参加工作时间"),
    ("native_place", "籍贯"),
)
GAP_LABELS = dict(GAP_FIELDS)
_PARTY_CODES = ("01", "02")  # services.PARTY_CODES (the services import this module)


def _gap(field: str) -> Q:
    if field == "id_number":
        return Q(id_number__isnull=True) | Q(id_number="")
    if field == "party_joined_on":
        return Q(political_status__in=_PARTY_CODES, party_joined_on__isnull=True)
    if field == "work_started_on":
        return Q(work_started_on__isnull=True)
    return Q(**{field: ""})


def cadres_to_complete(*, user: User, field: str = "") -> QuerySet[Cadre]:
    """Active cadres of the user's scope with one of GAP_FIELDS empty (or only `field`), in stroke
    order: the 待补充 page. `missing_fields` says which."""
    fields = [field] if field in GAP_LABELS else list(GAP_LABELS)
    gaps = Q()
    for name in fields:
        gaps |= _gap(name)
    return (
        cadres_in_scope(user)
        .filter(gaps, status=CadreStatus.ACTIVE)
        .select_related("unit")
        .only(
            "id",
            "name",
            "birth_date",
            "current_title",
            "unit__name",
            *(name for name, _ in GAP_FIELDS),
        )
        .order_by("stroke_key", "id")
    )


def missing_fields(cadre: Cadre) -> list[str]:
    """The labels of the GAP_FIELDS a cadre lacks."""
    missing = []
    for name, label in GAP_FIELDS:
        if name == "party_joined_on":
            if cadre.political_status in _PARTY_CODES and cadre.party_joined_on is None:
                missing.append(label)
        elif not getattr(cadre, name):
            missing.append(label)
    return missing


def cadre_record(*, cadre: Cadre, model: type[Model], pk: int) -> Model:
    """One sub-record (education, appointment …) of a cadre the caller already fetched in scope;
    404 when it does not exist or belongs to someone else."""
    try:
        return model._default_manager.get(pk=pk, cadre=cadre)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404("记录不存在") from exc


def cadres_under_unit(unit: Unit) -> QuerySet[Cadre]:
    """Active cadres of a unit subtree in stroke order, with the records the 任免审批表 and LRMX
    need (commands, which act as the system on the subtree they are given)."""
    return (
        filter_in_subtree(Cadre.objects.filter(status=CadreStatus.ACTIVE), unit)
        .select_related("unit")
        .prefetch_related("appointments", "educations", "assessments", "family", "rewards")
        .order_by("stroke_key", "id")
    )


def import_jobs(user: User) -> QuerySet[Job]:
    """The registry import jobs of the user's scope, newest first (the import page's history)."""
    return filter_by_scope(jobs_of_kind(IMPORT_JOB), user, "scope_path")


def forms_job_for_user(user: User, pk: int) -> Job:
    """One 批量任免审批表 job, 404 when missing or out of scope."""
    return get_in_scope_or_404(jobs_of_kind(FORMS_JOB), user, "scope_path", pk=pk)


def import_job_for_user(user: User, pk: int) -> Job:
    """One registry import job, 404 when missing or out of scope."""
    return get_in_scope_or_404(jobs_of_kind(IMPORT_JOB), user, "scope_path", pk=pk)


def paginate(qs: QuerySet[Cadre], page_number: str | None, per_page: int) -> Page[Cadre]:
    """Paginate over ids first, then load the rows of one page: the offset scan reads only the index
    (status, stroke_key[, id]) instead of whole rows, which keeps deep pages fast."""
    page = Paginator(qs.values_list("id", flat=True), per_page).get_page(page_number)
    ids = list(page.object_list)
    rows = {c.pk: c for c in Cadre.objects.filter(pk__in=ids).select_related("unit").only(*LIST_COLUMNS)}
    page.object_list = [rows[i] for i in ids if i in rows]  # type: ignore[misc]
    return page  # type: ignore[return-value]


LIST_COLUMNS = (
    "id",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "political_status",
    "current_title",
    "current_level",
    "current_post_since",
    "current_rank",
    "highest_education",
    "unit__name",
)


def cadre_history(*, user: User, cadre: Cadre) -> QuerySet[AuditEvent]:
    """The audit events of one cadre the user may see (through `audit.selectors`). Their payloads
    hold the values before and after each change: pages show them through `history_rows`."""
    return events_for_object(prefix=scope_path(user), object_type="cadres.cadre", object_id=str(cadre.pk))


# --- what a role sees ---------------------------------------------------------------------------
# One predicate decides: 身份证号 (whole) and family members are for roles with
# `cadres.view_sensitive` (组织部, 乡镇, 部门); everyone else sees the number masked and no family
# member, on every page, in the history, in exports and in search (home/tests/test_masking_walk.py
# walks every role × every page that shows a cadre).


def sees_sensitive(user: User) -> bool:
    return has_capability(user, "cadres.view_sensitive")


def mask_id_number(value: str | None) -> str:
    return rules.mask_id_number(value)


def visible_id_number(user: User, cadre: Cadre) -> str:
    if sees_sensitive(user):
        return cadre.id_number or ""
    return rules.mask_id_number(cadre.id_number)


def visible_payload(user: User, action: str, payload: Any) -> Any:
    """An audit payload as `user` may see it: whole for roles with `cadres.view_sensitive`;
    otherwise every 身份证号 masked and, for events about family members (`cadre.family.*`), every
    value of the record hidden."""
    if sees_sensitive(user):
        return payload
    return rules.mask_payload(payload, hide_records=action.startswith("cadre.family."))


def history_rows(user: User, events: Iterable[AuditEvent], *, full: bool = False) -> list[EventView]:
    """Audit events as `user` reads them, on a cadre's 修改记录 and on the 记实
    (`audit.catalogue.describe`): Chinese field names, before → after, code names, the person and
    role who acted; payloads masked for the reader's role (`visible_payload`). `full`: values not
    shortened (exports)."""
    events = list(events)
    actors = user_labels(e.actor_id for e in events if e.actor_id)
    codes = all_code_names()
    payloads = [visible_payload(user, e.action, e.payload) for e in events]
    # the units, accounts and cadres the payloads name by id or code: the 记实 shows no bare id
    wanted = set().union(*(referenced(e, payload=p) for e, p in zip(events, payloads, strict=True)))
    names = audit_names(wanted)
    cadres = Cadre.objects.filter(pk__in=[int(k) for kind, k in wanted if kind == "cadre" and k.isdigit()])
    names.update((("cadre", str(pk)), name) for pk, name in cadres.values_list("pk", "name"))
    return [
        describe(
            e,
            payload=payload,
            actor=actors.get(e.actor_id, e.actor_label) if e.actor_id else "系统",
            codes=codes,
            names=lambda kind, key: names.get((kind, key)),
            full=full,
        )
        for e, payload in zip(events, payloads, strict=True)
    ]


def cadre_detail_context(*, user: User, cadre: Cadre) -> dict[str, Any]:
    return {
        "educations": list(cadre.educations.all()),
        "appointments": list(cadre.appointments.select_related("unit", "post").order_by("started_on", "id")),
        "ranks": list(cadre.ranks.all()),
        "rewards": list(cadre.rewards.all()),
        "assessments": list(cadre.assessments.all()),
        "family": list(cadre.family.all()),
        # scored special evaluations written by other modules (e.g. 驻村考核), read-only here
        "evaluations": list(cadre.evaluations.order_by("-year", "kind")),
        "id_number": visible_id_number(user, cadre),
        "can_see_sensitive": sees_sensitive(user),
    }


def state_periods_on(as_of: date) -> QuerySet[StatePeriod]:
    """The state period (models.StatePeriod) of every cadre holding an appointment on `as_of`, at
    most one per cadre: unit, level, leader flag, rank and education on that date as
    `rules.derive_current` gives them, with the cadre's counted fields. Not scoped: the caller
    restricts `unit_id` (analytics does, by subtree). A cadre no longer 在职 is here only through
    appointments with an end date; callers that count "today or later" drop them."""
    return StatePeriod.objects.filter(valid_from__lte=as_of, valid_to__gt=as_of).order_by()


def state_periods_built() -> bool:
    """False when the periods have never been built although there is history to build them from
    (a database filled by bulk inserts without `services.state_periods_rebuild`)."""
    return StatePeriod.objects.exists() or not Appointment.objects.exists()


def cadre_by_id_number(id_number: str) -> Cadre | None:
    """The cadre with this 身份证号 (upper case), whoever asks: for imports and matching, which
    check scope themselves."""
    return Cadre.objects.select_related("unit").filter(id_number=id_number.strip().upper()).first()


def cadre_of_account(user: User) -> Cadre | None:
    """The cadre record whose own login `user` is, if any (a 驻村干部's account)."""
    if not user.is_authenticated:
        return None
    return Cadre.objects.select_related("unit").filter(account=user).first()


def cadres_of_accounts(user_ids: Iterable[int]) -> dict[int, Cadre]:
    """{account id: the cadre whose own login it is} for a page of accounts (one query)."""
    linked = Cadre.objects.select_related("unit").filter(account_id__in=list(user_ids))
    return {c.account_id: c for c in linked if c.account_id is not None}


def cadres_by_ids(ids: Iterable[int]) -> QuerySet[Cadre]:
    """Cadres by primary key, whoever asks (the caller got the ids from a scoped query)."""
    return Cadre.objects.filter(pk__in=list(ids)).select_related("unit")


def active_cadres_in_units(unit_ids: Iterable[int]) -> QuerySet[Cadre]:
    return Cadre.objects.filter(status=CadreStatus.ACTIVE, unit_id__in=list(unit_ids))


def active_cadres_in_scope(user: User) -> QuerySet[Cadre]:
    return cadres_in_scope(user).filter(status=CadreStatus.ACTIVE)


def cadres_search_in_scope(user: User | None, q: str, *, limit: int = 20, exact: bool = False) -> list[Cadre]:
    """Active cadres of the user's scope (None: the whole registry, for commands) for pickers in
    other apps (the ballot subjects), with `unit` loaded and `current_title` to tell namesakes
    apart, in stroke order, at most `limit`. `q` is matched as on the registry list: letters as
    the start of the full pinyin or the initials, other text as part of the name; with `exact`,
    the whole name only. An empty `q` lists the first `limit`."""
    qs = Cadre.objects.all() if user is None else cadres_in_scope(user)
    qs = qs.filter(status=CadreStatus.ACTIVE).select_related("unit")
    q = q.strip()
    if exact:
        qs = qs.filter(name=q)
    elif LETTERS.match(q):
        lowered = q.lower()
        qs = qs.filter(prefix_range("name_initials", lowered) | prefix_range("name_pinyin", lowered))
    elif q:
        qs = qs.filter(name__contains=q)
    return list(qs.order_by("stroke_key", "id")[:limit])


def cadre_for_account_or_in_scope(
    user: User, pk: int, *, also_visible: QuerySet[Cadre] | None = None
) -> Cadre | None:
    """One cadre the user may see: in their scope, or among `also_visible` (e.g. the cadres
    stationed in the user's villages, whose own unit lies elsewhere); None otherwise."""
    visible = Q(pk__in=cadres_in_scope(user).values("pk"))
    if also_visible is not None:
        visible |= Q(pk__in=also_visible.values("pk"))
    return Cadre.objects.select_related("unit").filter(visible, pk=pk).first()


@dataclass(frozen=True)
class Tenure:
    """A cadre's current main post and how long they have held it, and how long they have been
    in the same unit (place) without a break, on a date (the rotation rules: same post ≥ 5 years,
    same place ≥ 10 years)."""

    cadre_id: int
    unit_id: int
    title: str
    level: str
    post_since: date
    unit_since: date


def tenures(cadre_ids: Iterable[int], *, on: date) -> dict[int, Tenure]:
    """{cadre id: Tenure} for the cadres holding a main (primary) post on `on`. The time in the
    same unit runs back over consecutive appointments in that unit (a gap of more than a month
    ends it)."""
    rows = (
        Appointment.objects.filter(cadre_id__in=list(cadre_ids), is_primary=True, started_on__lte=on)
        .order_by("cadre_id", "-started_on", "-id")
        .values_list("cadre_id", "unit_id", "title", "level", "started_on", "ended_on")
    )
    result: dict[int, Tenure] = {}
    history: dict[int, list[tuple[int, date, date | None]]] = {}
    for cadre_id, unit_id, title, level, started, ended in rows:
        if cadre_id not in result:
            if ended is not None and ended < on:
                continue  # no main post on `on`
            result[cadre_id] = Tenure(cadre_id, unit_id, title, level, started, started)
        history.setdefault(cadre_id, []).append((unit_id, started, ended))
    for cadre_id, tenure in list(result.items()):
        since = tenure.post_since
        for unit_id, started, ended in history[cadre_id][1:]:
            if unit_id != tenure.unit_id or ended is None or (since - ended).days > 31:
                break
            since = min(since, started)
        result[cadre_id] = Tenure(
            tenure.cadre_id, tenure.unit_id, tenure.title, tenure.level, tenure.post_since, since
        )
    return result


# --- who holds a post (班子配备) -------------------------------------------------------------


@dataclass(frozen=True)
class PostHolder:
    """A cadre holding a post on a date; `level` is their main post's (current_level: the age cap)."""

    post_id: int
    cadre_id: int
    name: str
    gender: str
    birth_date: date
    personnel_category: str
    level: str
    title: str  # of the appointment to this post
    started_on: date
    is_primary: bool


def _held_posts(on: date) -> QuerySet[Appointment]:
    """Appointments to a post held on `on` by a cadre 在职 (the rule of `rules.held_appointments`)."""
    held = Q(ended_on__isnull=True) | Q(ended_on__gte=on)
    return Appointment.objects.filter(
        held, post__isnull=False, started_on__lte=on, cadre__status=CadreStatus.ACTIVE
    )


def post_holders(post_ids: Iterable[int], *, on: date) -> list[PostHolder]:
    """Who holds each post on `on`, by post and start (the registry refuses overlapping appointments
    of one cadre to one post, so each holder is there once); one query. Not scoped: the caller
    fetched the posts in the user's scope."""
    fields = ("name", "gender", "birth_date", "personnel_category", "current_level")
    rows = (
        _held_posts(on)
        .filter(post_id__in=list(post_ids))
        .order_by("post_id", "started_on", "id")
        .values_list(
            "post_id", "cadre_id", *(f"cadre__{f}" for f in fields), "title", "started_on", "is_primary"
        )
    )
    return [PostHolder(*row) for row in rows]


def post_holder_counts(posts: QuerySet[Any], *, on: date) -> dict[int, int]:
    """{post id: cadres holding it on `on`} for a queryset of posts (one query, its ids in a
    subquery). Not scoped: the caller scoped `posts`."""
    rows = _held_posts(on).filter(post_id__in=posts.values("id")).values("post_id").order_by()
    return dict(rows.annotate(n=Count("cadre_id", distinct=True)).values_list("post_id", "n"))


# --- the home page's to-dos ------------------------------------------------------------------------


def retiring_by(*, user: User, today: date, months: int) -> list[tuple[Cadre, rules.Retirement]]:
    """Active cadres of the user's scope whose statutory retirement month
    (`rules.statutory_retirement`) is at most `months` months after the month of `today`, those
    already past it included, soonest first. The birth dates are narrowed in SQL by the lowest
    age of each group (men 60, women cadres 55, women workers 50); the rule decides in Python."""
    last = today.year * 12 + today.month - 1 + months  # month index of the last month counted
    born_by = {}  # nobody born after this day reaches the group's lowest age by that month
    for base in (60, 55, 50):
        year, month = divmod(last - base * 12, 12)
        born_by[base] = date(year, month + 1, calendar.monthrange(year, month + 1)[1])
    women_cadres = Q(personnel_category__in=rules.WOMEN_CADRE_CATEGORIES)
    candidates = (
        active_cadres_in_scope(user)
        .filter(
            Q(gender="1", birth_date__lte=born_by[60])
            | (~Q(gender="1") & women_cadres & Q(birth_date__lte=born_by[55]))
            | (~Q(gender="1") & ~women_cadres & Q(birth_date__lte=born_by[50]))
        )
        .select_related("unit")
        .only("id", "name", "gender", "birth_date", "personnel_category", "current_title", "unit__name")
    )
    found = []
    for cadre in candidates:
        retirement = rules.statutory_retirement(
            cadre.birth_date, rules.retirement_group(cadre.gender, cadre.personnel_category)
        )
        if retirement.year * 12 + retirement.month - 1 <= last:
            found.append((cadre, retirement))
    found.sort(key=lambda pair: (pair[1].year, pair[1].month, pair[0].name))
    return found


def import_jobs_to_watch(user: User, *, failed_since: Any) -> QuerySet[Job]:
    """The registry import jobs of the user's scope still queued or running, and those that failed
    (errors or a crash) since `failed_since` (an aware datetime), newest first."""
    waiting = Q(status__in=[JobStatus.PENDING, JobStatus.RUNNING])
    failed = Q(status__in=[JobStatus.FAILED, JobStatus.CRASHED], created_at__gte=failed_since)
    return import_jobs(user).filter(waiting | failed)
