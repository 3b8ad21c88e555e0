"""Work logs: the date and household rules, idempotent drafts, visits kept in sync, photo limits, the
edit window (cadre) and corrections (township), household search, and the log pages."""

from __future__ import annotations

import json
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.org.models import User
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World, make_user
from ganbu.villagework.models import (
    Assignment,
    Household,
    LogKind,
    LogPhoto,
    RequestCategory,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.selectors.logs import households_matching, week_of
from ganbu.villagework.selectors.rights import edit_right
from ganbu.villagework.services.logs import log_create, log_delete, log_update
from ganbu.villagework.services.settings import settings_update
from ganbu.villagework.tests.factories import VillageWorld, make_household, vw

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)  # a Tuesday
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100
GIF = b"GIF89a" + b"\x00" * 100


@pytest.fixture
def v(world: World) -> VillageWorld:
    return vw(world)


def _cadre_user(v: VillageWorld) -> User:
    return v.world.users["village_cadre"]


def _create(v: VillageWorld, **overrides: object) -> WorkLog:
    values: dict[str, object] = {
        "actor": _cadre_user(v),
        "cadre": v.cadre_a,
        "village": v.world.village_a,
        "logged_on": TODAY,
        "kind": LogKind.VISIT,
        "content": "走访了解生产情况",
        "household_ids": [v.households_a[0].pk, v.households_a[1].pk],
        "today": TODAY,
    }
    values.update(overrides)
    return log_create(**values)  # type: ignore[arg-type]


# --- create ------------------------------------------------------------------------------------


def test_create_stores_visits_requests_and_audit(v: VillageWorld) -> None:
    log = _create(
        v,
        requests=[
            {
                "category": RequestCategory.INFRASTRUCTURE,
                "description": "路灯坏了",
                "household_id": v.households_a[0].pk,
            },
            {"category": RequestCategory.POLICY, "description": "咨询养老保险", "due_on": "2026-03-31"},
        ],
    )
    visits = Visit.objects.filter(log=log).order_by("household_id")
    assert [(x.household_id, x.village_id, x.cadre_id, x.visited_on) for x in visits] == [
        (v.households_a[0].pk, v.world.village_a.pk, v.cadre_a.pk, TODAY),
        (v.households_a[1].pk, v.world.village_a.pk, v.cadre_a.pk, TODAY),
    ]
    assert log.assignment == v.assignment_a and log.created_by == _cadre_user(v)
    requests = list(VillagerRequest.objects.filter(source_log=log).order_by("id"))
    assert [(r.description, r.raised_on, r.cadre_id) for r in requests] == [
        ("路灯坏了", TODAY, v.cadre_a.pk),
        ("咨询养老保险", TODAY, v.cadre_a.pk),
    ]
    assert requests[0].due_on == TODAY + timedelta(days=15) and requests[1].due_on == date(2026, 3, 31)
    event = AuditEvent.objects.get(action="villagework.log.create")
    assert event.payload["household_ids"] == sorted([v.households_a[0].pk, v.households_a[1].pk])
    assert event.payload["request_ids"] == [r.pk for r in requests]


def test_client_key_makes_a_retried_submit_idempotent(v: VillageWorld) -> None:
    first = _create(v, client_key="draft-1", requests=[{"category": "other", "description": "x"}])
    again = _create(
        v, client_key="draft-1", content="重复提交", requests=[{"category": "other", "description": "x"}]
    )
    assert again.pk == first.pk
    assert (
        WorkLog.objects.count() == 1 and Visit.objects.count() == 2 and VillagerRequest.objects.count() == 1
    )
    assert AuditEvent.objects.filter(action="villagework.log.create").count() == 1


def test_a_concurrent_double_submit_is_caught_by_the_unique_key(v: VillageWorld) -> None:
    stored = _create(v, client_key="draft-2")
    # the second submit checked before the first committed: its pre-check saw nothing
    with mock.patch("ganbu.villagework.services.logs._existing", side_effect=[None, stored]):
        result = _create(v, client_key="draft-2", content="同一草稿第二次提交")
    assert result.pk == stored.pk
    assert WorkLog.objects.count() == 1 and Visit.objects.count() == 2


def test_a_client_key_of_another_cadre_is_refused(v: VillageWorld) -> None:
    WorkLog.objects.create(
        cadre=v.cadre_b, village=v.world.village_b, logged_on=TODAY, kind="visit", content="x", client_key="k"
    )
    with pytest.raises(ValidationError) as exc:
        _create(v, client_key="k")
    assert "草稿编号冲突" in exc.value.message_dict["client_key"][0]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"logged_on": TODAY + timedelta(days=1)}, "logged_on", "日期不能晚于今天"),
        ({"content": "   "}, "content", "工作内容不能为空"),
        ({"kind": "party"}, "kind", "请选择工作类型"),
        ({"requests": [{"category": "other", "description": ""}]}, "requests", "第1条诉求：诉求内容不能为空"),
        ({"requests": [{"category": "", "description": "x"}]}, "requests", "第1条诉求：请选择诉求类别"),
    ],
)
def test_create_validation_names_the_field(
    v: VillageWorld, overrides: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(v, **overrides)
    assert exc.value.message_dict[field] == [message]
    assert WorkLog.objects.count() == 0 and Visit.objects.count() == 0


def test_date_must_be_inside_the_assignment(v: VillageWorld) -> None:
    Assignment.objects.filter(pk=v.assignment_a.pk).update(started_on=date(2026, 3, 5))
    with pytest.raises(ValidationError) as exc:
        _create(v, logged_on=date(2026, 3, 4))
    assert exc.value.message_dict["logged_on"] == ["日期不能早于驻村开始日期（2026-03-05）"]
    _create(v, logged_on=date(2026, 3, 5))  # the first day counts
    Assignment.objects.filter(pk=v.assignment_a.pk).update(ended_on=date(2026, 3, 6))
    with pytest.raises(ValidationError) as exc:
        _create(v, logged_on=date(2026, 3, 7))
    assert "不在黄驻村驻甲村的期间内" in exc.value.message_dict["logged_on"][0]


def test_a_cadre_without_assignment_in_the_village_cannot_log_there(v: VillageWorld) -> None:
    with pytest.raises((PermissionDenied, ValidationError)):
        _create(v, village=v.world.village_b, household_ids=[])
    other = make_cadre(v.world.town_a, "无安排")
    with pytest.raises(PermissionDenied):
        _create(v, cadre=other)  # not the cadre linked to the login
    assert WorkLog.objects.count() == 0


def test_households_must_be_active_households_of_the_village(v: VillageWorld) -> None:
    with pytest.raises(ValidationError) as exc:
        _create(v, household_ids=[v.households_a[0].pk, v.households_b[0].pk])
    assert "不属于甲村" in exc.value.message_dict["households"][0]
    moved = make_household(v.world.village_a, "迁出户", is_active=False)
    with pytest.raises(ValidationError):
        _create(v, household_ids=[moved.pk])
    with pytest.raises(ValidationError):
        _create(v, household_ids=["abc"])
    assert WorkLog.objects.count() == 0


def test_cadre_may_back_date_only_inside_the_window(v: VillageWorld) -> None:
    settings_update(actor=None, edit_window_days=7)
    _create(v, logged_on=TODAY - timedelta(days=7))
    with pytest.raises(ValidationError) as exc:
        _create(v, logged_on=TODAY - timedelta(days=8))
    assert "请联系乡镇补录" in exc.value.message_dict["logged_on"][0]


def test_township_may_enter_an_old_log_with_a_reason(v: VillageWorld) -> None:
    old = TODAY - timedelta(days=40)
    clerk = v.world.users["clerk_a"]
    with pytest.raises(ValidationError) as exc:
        _create(v, actor=clerk, logged_on=old)
    assert exc.value.message_dict["reason"] == ["乡镇代为补录须填写原因"]
    log = _create(v, actor=clerk, logged_on=old, reason="纸质记录补录")
    event = AuditEvent.objects.get(action="villagework.log.create")
    assert (log.logged_on, event.payload["mode"], event.payload["reason"]) == (
        old,
        "correction",
        "纸质记录补录",
    )
    with pytest.raises(PermissionDenied):
        _create(v, actor=v.world.users["clerk_b"], reason="越权")


# --- photos --------------------------------------------------------------------------------------


def test_photos_are_stored_with_hash_and_size(v: VillageWorld) -> None:
    log = _create(v, photos=[PNG, JPEG])
    photos = list(log.photos.order_by("id"))
    assert [(p.size, p.image.name.rsplit(".", 1)[1]) for p in photos] == [
        (len(PNG), "png"),
        (len(JPEG), "jpg"),
    ]
    import hashlib

    assert photos[0].sha256 == hashlib.sha256(PNG).hexdigest()
    with photos[1].image.open("rb") as handle:
        assert handle.read() == JPEG


def test_photo_type_size_and_count_limits(v: VillageWorld) -> None:
    settings_update(actor=None, photo_max_kb=50, photos_per_log=2)
    with pytest.raises(ValidationError) as exc:
        _create(v, photos=[PNG, GIF])
    assert exc.value.message_dict["photos"] == ["第2张照片应为 JPG 或 PNG 格式"]
    big = b"\xff\xd8\xff" + b"\x00" * (50 * 1024)
    with pytest.raises(ValidationError) as exc:
        _create(v, photos=[big])
    assert "超过50KB的上限" in exc.value.message_dict["photos"][0]
    _create(v, photos=[b"\xff\xd8\xff" + b"\x00" * (50 * 1024 - 3)], client_key="exactly-50kb")
    with pytest.raises(ValidationError) as exc:
        _create(v, photos=[PNG, PNG, JPEG])
    assert exc.value.message_dict["photos"] == ["每条记录最多2张照片"]
    assert WorkLog.objects.count() == 1 and LogPhoto.objects.count() == 1


# --- edit window and corrections -----------------------------------------------------------------


def _update(log: WorkLog, actor: object, today: date, **overrides: object) -> WorkLog:
    values: dict[str, object] = {
        "log": log,
        "actor": actor,
        "logged_on": log.logged_on,
        "kind": log.kind,
        "content": log.content + "（补充）",
        "household_ids": list(log.visits.values_list("household_id", flat=True)),
        "today": today,
    }
    values.update(overrides)
    return log_update(**values)  # type: ignore[arg-type]


def test_the_cadre_edits_until_day_n_and_not_on_day_n_plus_1(v: VillageWorld) -> None:
    settings_update(actor=None, edit_window_days=7)
    log = _create(v)
    user = _cadre_user(v)
    last_day = TODAY + timedelta(days=7)
    assert edit_right(log, user, last_day).days_left == 0
    _update(log, user, last_day)
    log.refresh_from_db()
    assert log.content.endswith("（补充）")
    assert not edit_right(log, user, last_day + timedelta(days=1)).allowed
    with pytest.raises(PermissionDenied) as exc:
        _update(log, user, last_day + timedelta(days=1), content="过期修改")
    assert "请联系乡镇修改" in str(exc.value)
    with pytest.raises(PermissionDenied):
        log_delete(log=log, actor=user, today=last_day + timedelta(days=1))
    log.refresh_from_db()
    assert log.content == "走访了解生产情况（补充）"


def test_a_zero_day_window_allows_only_the_same_day(v: VillageWorld) -> None:
    settings_update(actor=None, edit_window_days=0)
    log = _create(v)
    assert edit_right(log, _cadre_user(v), TODAY).allowed
    assert not edit_right(log, _cadre_user(v), TODAY + timedelta(days=1)).allowed


def test_township_correction_needs_a_reason_and_is_audited(v: VillageWorld) -> None:
    log = _create(v)
    clerk = v.world.users["clerk_a"]
    later = TODAY + timedelta(days=30)
    with pytest.raises(ValidationError) as exc:
        _update(log, clerk, later, kind=LogKind.MEDIATION)
    assert exc.value.message_dict["reason"] == ["乡镇修改工作记录须填写修改原因"]
    _update(log, clerk, later, kind=LogKind.MEDIATION, reason="类型填错")
    event = AuditEvent.objects.get(action="villagework.log.update")
    assert event.payload["reason"] == "类型填错" and event.payload["mode"] == "correction"
    assert event.payload["changes"]["kind"] == ["visit", "mediation"]
    assert event.payload["changes"]["content"] == ["走访了解生产情况", "走访了解生产情况（补充）"]
    # inside the window the township still has to give a reason
    assert edit_right(log, clerk, TODAY).reason_required


def test_log_page_shows_its_audit_history_oldest_first_to_the_cadre_and_the_township(
    v: VillageWorld,
) -> None:
    log = _create(v)
    _update(log, v.world.users["clerk_a"], TODAY + timedelta(days=30), reason="类型填错")
    for user in (_cadre_user(v), v.world.users["clerk_a"]):
        page = _client(user).get(reverse("villagework:log", args=[log.pk])).content.decode()
        history = page.split("记实</h2>", 1)[1]
        assert history.index("填写") < history.index("修改：类型填错")


def test_nobody_else_edits_a_cadre_log(v: VillageWorld) -> None:
    log = _create(v)
    colleague_user = make_user("colleague", "village_cadre", v.world.village_a)
    colleague = make_cadre(v.world.town_a, "同村队员", account=colleague_user)
    Assignment.objects.create(cadre=colleague, village=v.world.village_a, started_on=date(2025, 1, 1))
    for user in (
        colleague_user,
        v.world.users["clerk_b"],
        v.world.users["supervision"],
        v.world.users["dept"],
    ):
        assert not edit_right(log, user, TODAY).allowed
        with pytest.raises(PermissionDenied):
            _update(log, user, TODAY, reason="试图修改")
        with pytest.raises(PermissionDenied):
            log_delete(log=log, actor=user, reason="试图删除", today=TODAY)
    log.refresh_from_db()
    assert log.content == "走访了解生产情况"
    # through the pages the colleague does not even see it
    colleague_client = _client(colleague_user)
    for name in ("villagework:log", "villagework:log_edit"):
        assert colleague_client.get(reverse(name, args=[log.pk])).status_code == 404
    assert colleague_client.post(reverse("villagework:log_delete", args=[log.pk])).status_code == 404
    assert "走访了解生产情况" not in colleague_client.get(reverse("villagework:log_list")).content.decode()


def test_update_keeps_visits_in_sync(v: VillageWorld) -> None:
    log = _create(v)
    a, _, c = v.households_a[0], v.households_a[1], v.households_a[2]
    new_date = TODAY - timedelta(days=1)
    _update(log, _cadre_user(v), TODAY, logged_on=new_date, household_ids=[a.pk, c.pk])
    visits = sorted(Visit.objects.filter(log=log).values_list("household_id", "visited_on"))
    assert visits == [(a.pk, new_date), (c.pk, new_date)]
    event = AuditEvent.objects.get(action="villagework.log.update")
    assert event.payload["changes"]["household_ids"] == [
        sorted([a.pk, v.households_a[1].pk]),
        sorted([a.pk, c.pk]),
    ]


def test_update_can_keep_a_household_that_has_moved_out(v: VillageWorld) -> None:
    log = _create(v)
    v.households_a[0].is_active = False
    v.households_a[0].save()
    _update(log, _cadre_user(v), TODAY)
    assert Visit.objects.filter(log=log).count() == 2


def test_update_photos_add_and_remove(v: VillageWorld) -> None:
    settings_update(actor=None, photos_per_log=2)
    log = _create(v, photos=[PNG, JPEG])
    first = log.photos.order_by("id").first()
    assert first is not None
    with pytest.raises(ValidationError):
        _update(log, _cadre_user(v), TODAY, add_photos=[PNG])  # would be 3
    _update(log, _cadre_user(v), TODAY, add_photos=[PNG], remove_photo_ids=[first.pk])
    assert log.photos.count() == 2 and not LogPhoto.objects.filter(pk=first.pk).exists()


def test_delete_keeps_requests_and_records_the_log(v: VillageWorld) -> None:
    log = _create(v, requests=[{"category": "other", "description": "保留的诉求"}])
    pk = log.pk
    log_delete(log=log, actor=_cadre_user(v), today=TODAY)
    assert not WorkLog.objects.filter(pk=pk).exists() and Visit.objects.count() == 0
    request = VillagerRequest.objects.get()
    assert request.source_log is None and request.description == "保留的诉求"
    event = AuditEvent.objects.get(action="villagework.log.delete")
    assert event.payload["before"]["content"] == "走访了解生产情况"
    with pytest.raises(ValidationError):
        log_delete(log=_create(v), actor=v.world.users["clerk_a"], today=TODAY)  # no reason


# --- household search ----------------------------------------------------------------------------


def test_household_matching_by_name_initials_pinyin_and_group(v: VillageWorld) -> None:
    base = Household.objects.filter(village=v.world.village_a)
    assert households_matching(base, "  ").count() == 5

    def names(q: str) -> set[str]:
        return set(households_matching(base, q).values_list("head_name", flat=True))

    assert names("建国") == {"王建国"}
    assert names("wjg") == {"王建国"}
    assert names("WJ") == {"王建国"}
    assert names("wangjian") == {"王建国"}
    assert names("l") == {"李秀英", "刘洋"}
    assert names("二组") == {"刘洋", "陈静"}
    assert names("zzz") == set()


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_household_search_view_returns_scoped_json(v: VillageWorld) -> None:
    today = timezone.localdate()
    log_create(
        actor=None,
        cadre=v.cadre_a,
        village=v.world.village_a,
        logged_on=today,
        kind=LogKind.VISIT,
        content="x",
        household_ids=[v.households_a[0].pk],
    )
    url = reverse("villagework:household_search", args=[v.world.village_a.pk])
    data = _client(_cadre_user(v)).get(url, {"q": "wjg"}).json()
    assert data["results"] == [
        {
            "id": v.households_a[0].pk,
            "head_name": "王建国",
            "group_name": "一组",
            "category": "general",
            "category_label": "一般户",
            "visited": True,
        }
    ]
    unvisited_first = _client(_cadre_user(v)).get(url).json()["results"]
    assert [r["head_name"] for r in unvisited_first][-1] == "王建国"
    assert len(unvisited_first) == 5
    # 乙村 is not the cadre's village and not in 甲镇: 404, and 甲村 results never hold 乙村 households
    url_b = reverse("villagework:household_search", args=[v.world.village_b.pk])
    assert _client(_cadre_user(v)).get(url_b, {"q": "z"}).status_code == 404
    assert _client(v.world.users["clerk_a"]).get(url_b, {"q": "z"}).status_code == 404
    all_a = _client(v.world.users["clerk_a"]).get(url, {"q": "z"}).json()["results"]
    assert {r["head_name"] for r in all_a} == {"张伟"}  # 赵敏/周杰 of 乙村 match "z" but are out of scope
    assert _client(v.world.users["clerk_b"]).get(url_b, {"q": "z"}).json()["results"]


def test_household_search_limit(v: VillageWorld) -> None:
    for i in range(25):
        make_household(v.world.village_a, f"王{i}号", "三组")
    url = reverse("villagework:household_search", args=[v.world.village_a.pk])
    assert len(_client(_cadre_user(v)).get(url, {"q": "三组"}).json()["results"]) == 20


# --- pages ---------------------------------------------------------------------------------------


def test_week_is_monday_to_sunday() -> None:
    assert week_of(date(2026, 3, 10)) == (date(2026, 3, 9), date(2026, 3, 15))
    assert week_of(date(2026, 3, 15)) == (date(2026, 3, 9), date(2026, 3, 15))
    assert week_of(date(2026, 3, 16)) == (date(2026, 3, 16), date(2026, 3, 22))


def test_my_work_shows_the_week_against_the_quota(v: VillageWorld) -> None:
    settings_update(actor=None, weekly_visit_quota=4)
    today = timezone.localdate()
    monday, _ = week_of(today)
    log_create(
        actor=None,
        cadre=v.cadre_a,
        village=v.world.village_a,
        logged_on=monday,
        kind=LogKind.VISIT,
        content="本周走访",
        household_ids=[h.pk for h in v.households_a[:3]],
    )
    log_create(
        actor=None,
        cadre=v.cadre_a,
        village=v.world.village_a,
        logged_on=monday - timedelta(days=1),  # last week's Sunday: not counted this week
        kind=LogKind.VISIT,
        content="上周走访",
        household_ids=[v.households_a[4].pk],
    )
    text = _client(_cadre_user(v)).get(reverse("villagework:my_work")).content.decode()
    assert "3 / 4 户次" in text and "还差 1 户次" in text
    visited_this_year = 4 if (monday - timedelta(days=1)).year == today.year else 3
    assert f"{visited_this_year} / 5 户" in text
    assert "写工作记录" in text and "当好农村实情的调查员" in text


def test_my_work_without_a_linked_cadre(world: World) -> None:
    text = _client(world.users["village_cadre"]).get(reverse("villagework:my_work")).content.decode()
    assert "请联系乡镇组织委员关联账号" in text
    response = _client(world.users["village_cadre"]).get(reverse("villagework:log_create"))
    assert response.status_code == 302
    assert _client(world.users["clerk_a"]).get(reverse("villagework:my_work")).status_code == 403


def _post_log(client: Client, v: VillageWorld, **extra: object) -> object:
    data: dict[str, object] = {
        "logged_on": timezone.localdate().isoformat(),
        "village": v.world.village_a.pk,
        "kind": LogKind.VISIT,
        "content": "入户走访",
        "households": [v.households_a[0].pk, v.households_a[3].pk],
        "client_key": "abc123",
        "req_category": [RequestCategory.WELFARE, ""],
        "req_description": ["申请危房改造", ""],
        "req_household": [str(v.households_a[3].pk), ""],
    }
    data.update(extra)
    return client.post(reverse("villagework:log_create"), data, HTTP_X_REQUESTED_WITH="fetch")


def test_log_create_page_and_fetch_submit(v: VillageWorld) -> None:
    client = _client(_cadre_user(v))
    page = client.get(reverse("villagework:log_create")).content.decode()
    assert "写工作记录" in page and 'name="client_key"' in page and "log.js" in page
    assert "王建国" in page  # the no-JavaScript checkboxes
    response = _post_log(client, v)
    data = json.loads(response.content)  # type: ignore[attr-defined]
    assert data["ok"] and data["url"] == reverse("villagework:my_work")
    log = WorkLog.objects.get()
    assert log.client_key == "abc123" and log.visits.count() == 2
    request = VillagerRequest.objects.get()
    assert (request.household, request.source_log) == (v.households_a[3], log)
    again = json.loads(_post_log(client, v).content)  # type: ignore[attr-defined]
    assert again["ok"] and again["log"] == log.pk and WorkLog.objects.count() == 1


def test_log_create_fetch_errors_are_json(v: VillageWorld) -> None:
    client = _client(_cadre_user(v))
    response = _post_log(client, v, content="", households=[v.households_b[0].pk], client_key="e1")
    assert response.status_code == 400  # type: ignore[attr-defined]
    errors = json.loads(response.content)["errors"]  # type: ignore[attr-defined]
    assert errors["content"] == ["工作内容不能为空"] and "households" in errors
    plain = client.post(
        reverse("villagework:log_create"),
        {"logged_on": "2026-02-30", "village": v.world.village_a.pk, "kind": "visit", "content": "x"},
    )
    assert "日期格式应为 YYYY-MM-DD" in plain.content.decode()
    assert WorkLog.objects.count() == 0


def test_log_create_with_photo_upload(v: VillageWorld) -> None:
    client = _client(_cadre_user(v))
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    response = _post_log(client, v, photos=[photo], client_key="with-photo")
    assert json.loads(response.content)["ok"]  # type: ignore[attr-defined]
    log = WorkLog.objects.get()
    photo_row = log.photos.get()
    served = client.get(reverse("villagework:log_photo", args=[log.pk, photo_row.pk]))
    assert served.status_code == 200 and served["Cache-Control"] == "no-store"
    assert served["Content-Type"] == "image/png" and served.content == PNG
    assert client.get(reverse("villagework:log_photo", args=[log.pk, photo_row.pk + 99])).status_code == 404


def test_log_pages_scope_and_edit_rights(v: VillageWorld) -> None:
    settings_update(actor=None, edit_window_days=3)
    today = timezone.localdate()
    recent = _create(v, logged_on=today, today=today)
    old = log_create(
        actor=None,
        cadre=v.cadre_a,
        village=v.world.village_a,
        logged_on=today - timedelta(days=10),
        kind=LogKind.CLINIC,
        content="旧记录",
    )
    cadre = _client(_cadre_user(v))
    assert "还可修改3天" in cadre.get(reverse("villagework:my_work")).content.decode()
    assert cadre.get(reverse("villagework:log_edit", args=[recent.pk])).status_code == 200
    assert cadre.get(reverse("villagework:log_edit", args=[old.pk])).status_code == 403
    assert cadre.post(reverse("villagework:log_delete", args=[old.pk])).status_code == 403
    # the cadre edits their recent log through the page
    response = cadre.post(
        reverse("villagework:log_edit", args=[recent.pk]),
        {
            "logged_on": today.isoformat(),
            "kind": LogKind.POLICY,
            "content": "宣传医保政策",
            "households": [v.households_a[4].pk],
        },
    )
    assert response.status_code == 302
    recent.refresh_from_db()
    assert recent.kind == LogKind.POLICY and list(recent.visits.values_list("household_id", flat=True)) == [
        v.households_a[4].pk
    ]
    # the township corrects the old one, with a reason
    clerk = _client(v.world.users["clerk_a"])
    edit_url = reverse("villagework:log_edit", args=[old.pk])
    assert "修改原因" in clerk.get(edit_url).content.decode()
    refused = clerk.post(
        edit_url, {"logged_on": old.logged_on.isoformat(), "kind": "clinic", "content": "更正"}
    )
    assert "须填写修改原因" in refused.content.decode()
    clerk.post(
        edit_url,
        {"logged_on": old.logged_on.isoformat(), "kind": "clinic", "content": "更正", "reason": "笔误"},
    )
    old.refresh_from_db()
    assert old.content == "更正"
    # other township: nothing
    clerk_b = _client(v.world.users["clerk_b"])
    for name in ("villagework:log", "villagework:log_edit"):
        assert clerk_b.get(reverse(name, args=[old.pk])).status_code == 404
    assert "更正" not in clerk_b.get(reverse("villagework:log_list")).content.decode()


def test_log_list_filters(v: VillageWorld) -> None:
    today = timezone.localdate()
    for kind, content, day in (
        (LogKind.VISIT, "走访甲", today),
        (LogKind.CLINIC, "坐诊乙", today - timedelta(days=1)),
    ):
        log_create(
            actor=None, cadre=v.cadre_a, village=v.world.village_a, logged_on=day, kind=kind, content=content
        )
    log_create(
        actor=None,
        cadre=v.cadre_b,
        village=v.world.village_b,
        logged_on=today,
        kind="visit",
        content="乙村记录",
    )
    county = _client(v.world.users["county"])
    text = county.get(reverse("villagework:log_list")).content.decode()
    assert "走访甲" in text and "坐诊乙" in text and "乙村记录" in text
    text = county.get(reverse("villagework:log_list"), {"kind": "clinic"}).content.decode()
    assert "坐诊乙" in text and "走访甲" not in text
    text = county.get(reverse("villagework:log_list"), {"township": v.world.town_b.pk}).content.decode()
    assert "乙村记录" in text and "走访甲" not in text
    text = county.get(reverse("villagework:log_list"), {"start": today.isoformat()}).content.decode()
    assert "走访甲" in text and "坐诊乙" not in text
    own = _client(_cadre_user(v)).get(reverse("villagework:log_list")).content.decode()
    assert "走访甲" in own and "乙村记录" not in own


def test_list_pages_use_a_fixed_number_of_queries(v: VillageWorld) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ganbu.villagework.services.requests import request_create

    today = timezone.localdate()
    county = _client(v.world.users["county"])

    def add(n: int) -> None:
        for i in range(n):
            log = log_create(
                actor=None,
                cadre=v.cadre_a,
                village=v.world.village_a,
                logged_on=today - timedelta(days=i % 5),
                kind=LogKind.VISIT,
                content=f"记录{i}",
                household_ids=[v.households_a[i % 5].pk],
            )
            request_create(
                actor=None,
                village=v.world.village_a,
                category="other",
                description=f"诉求{i}",
                household=v.households_a[i % 5],
                source_log=log,
            )

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert county.get(url).status_code == 200
        return len(captured)

    add(3)
    few = (count(reverse("villagework:log_list")), count(reverse("villagework:request_list")))
    add(12)
    many = (count(reverse("villagework:log_list")), count(reverse("villagework:request_list")))
    assert few == many
    assert many[0] <= 20 and many[1] <= 20


def test_the_log_list_counts_each_logs_visits_and_requests(v: VillageWorld) -> None:
    from ganbu.villagework.selectors.logs import log_list

    busy = _create(
        v,
        household_ids=[h.pk for h in v.households_a[:3]],
        requests=[
            {"category": RequestCategory.POLICY, "description": "咨询医保"},
            {"category": RequestCategory.POLICY, "description": "咨询低保"},
        ],
    )
    quiet = _create(v, kind=LogKind.POLICY, household_ids=[], logged_on=TODAY - timedelta(days=1))
    listed = log_list(v.world.users["county"])
    rows = {log.pk: (getattr(log, "visit_count"), getattr(log, "request_count")) for log in listed}  # noqa: B009
    assert rows[busy.pk] == (3, 2) and rows[quiet.pk] == (0, 0)
