"""Every validation rule of the registry has a failing case, with a Chinese message naming the field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ganbu.audit.models import AuditEvent
from ganbu.cadres import services
from ganbu.cadres.models import Cadre
from ganbu.cadres.rules import id_check_char, make_id_number, parse_id_number
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

BORN = date(1985, 3, 4)
GOOD_ID = make_id_number("469099", BORN, 12, "1")


def _data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "张三",
        "gender": "1",
        "ethnicity": "01",
        "birth_date": BORN,
        "id_number": GOOD_ID,
        "political_status": "01",
        "party_joined_on": date(2006, 7, 1),
        "work_started_on": date(2007, 7, 1),
        "personnel_category": "1",
    }
    data.update(overrides)
    return data


def _errors(world: World, **overrides: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        services.cadre_create(data=_data(**overrides), unit=world.town_a, actor=world.users["clerk_a"])
    return exc.value.message_dict


def test_a_valid_record_is_created_and_audited(world: World) -> None:
    cadre = services.cadre_create(data=_data(), unit=world.town_a, actor=world.users["clerk_a"])
    assert cadre.name_pinyin == "zhangsan" and cadre.name_initials == "zs"
    event = AuditEvent.objects.get(action="cadre.create")
    assert event.object_id == str(cadre.pk)
    assert GOOD_ID not in str(event.payload)  # the ID number stays out of the log


def test_id_checksum(world: World) -> None:
    bad = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
    assert "校验位" in _errors(world, id_number=bad)["id_number"][0]


def test_id_format(world: World) -> None:
    assert "18位" in _errors(world, id_number="12345")["id_number"][0]


def test_id_invalid_date(world: World) -> None:
    first17 = "46909919850230123"
    assert "不是有效日期" in _errors(world, id_number=first17 + id_check_char(first17))["id_number"][0]


def test_id_must_match_birth_date(world: World) -> None:
    assert "出生日期" in _errors(world, birth_date=date(1985, 3, 5))["id_number"][0]


def test_id_must_match_gender(world: World) -> None:
    message = _errors(world, gender="2")["id_number"][0]
    assert "性别" in message


def test_id_must_be_unique(world: World) -> None:
    services.cadre_create(data=_data(), unit=world.town_a, actor=None)
    assert "已存在" in _errors(world)["id_number"][0]


def test_lowercase_x_is_accepted() -> None:
    for seq in range(60):
        number = make_id_number("110101", date(1990, 1, 1), seq, "1")
        if number.endswith("X"):
            assert parse_id_number(number.lower()).gender == "1"
            return
    pytest.skip("no X check digit in the range")


def test_work_must_start_after_birth(world: World) -> None:
    assert (
        "参加工作时间应晚于出生日期" in _errors(world, work_started_on=date(1980, 1, 1))["work_started_on"][0]
    )


def test_party_at_18_or_later(world: World) -> None:
    assert "年满18周岁" in _errors(world, party_joined_on=date(2003, 3, 3))["party_joined_on"][0]


def test_party_date_only_for_party_members(world: World) -> None:
    assert "不应填写入党时间" in _errors(world, political_status="13")["party_joined_on"][0]


def test_party_member_needs_a_party_date(world: World) -> None:
    assert "应填写入党时间" in _errors(world, party_joined_on=None)["party_joined_on"][0]


def test_code_values_only(world: World) -> None:
    errors = _errors(world, ethnicity="99", personnel_category="Z")
    assert "民族「99」不在代码表中" in errors["ethnicity"][0]
    assert "人员类别" in errors["personnel_category"][0]


def test_birth_in_the_future(world: World) -> None:
    assert "早于今天" in _errors(world, birth_date=date(2099, 1, 1), id_number="")["birth_date"][0]


def test_name_required(world: World) -> None:
    assert "姓名不能为空" in _errors(world, name=" ")["name"][0]


def test_out_of_scope_unit_is_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.cadre_create(data=_data(), unit=world.town_b, actor=world.users["clerk_a"])
    assert not Cadre.objects.exists()


# --- sub-records ----------------------------------------------------------------------------


@pytest.fixture
def cadre(world: World) -> Cadre:
    return services.cadre_create(data=_data(), unit=world.town_a, actor=None)


def _record_errors(cadre: Cadre, record_kind: str, **data: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        services.record_save(cadre=cadre, kind=record_kind, data=data, actor=None)
    return exc.value.message_dict


def _appointment(world: World, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "unit": world.town_a,
        "title": "甲镇党政办科员",
        "level": "1A50",
        "started_on": date(2008, 1, 1),
        "ended_on": None,
    }
    data.update(overrides)
    return data


def test_appointment_before_work_start_is_refused(world: World, cadre: Cadre) -> None:
    errors = _record_errors(cadre, "appointment", **_appointment(world, started_on=date(2006, 1, 1)))
    assert "参加工作时间" in errors["started_on"][0]


def test_appointment_end_before_start_is_refused(world: World, cadre: Cadre) -> None:
    errors = _record_errors(cadre, "appointment", **_appointment(world, ended_on=date(2007, 12, 1)))
    assert "免职时间应不早于任职时间" in errors["ended_on"][0]


def test_overlapping_appointments_to_the_same_post_are_refused(world: World, cadre: Cadre) -> None:
    from ganbu.org import services as org_services

    post = org_services.post_create(unit=world.town_a, team=None, name="镇长", level="1A41", actor=None)
    services.record_save(
        cadre=cadre,
        kind="appointment",
        data=_appointment(
            world, post=post, title="甲镇镇长", started_on=date(2015, 1, 1), ended_on=date(2018, 1, 1)
        ),
        actor=None,
    )
    errors = _record_errors(
        cadre, "appointment", **_appointment(world, post=post, title="甲镇镇长", started_on=date(2017, 6, 1))
    )
    assert "时间重叠" in errors["started_on"][0]
    # back-to-back is fine
    services.record_save(
        cadre=cadre,
        kind="appointment",
        data=_appointment(world, post=post, title="甲镇镇长", started_on=date(2018, 1, 2)),
        actor=None,
    )


def test_appointment_level_must_be_a_code(world: World, cadre: Cadre) -> None:
    assert "职务层次" in _record_errors(cadre, "appointment", **_appointment(world, level="9Z"))["level"][0]


def test_current_fields_are_derived_from_appointments(world: World, cadre: Cadre) -> None:
    services.record_save(
        cadre=cadre, kind="appointment", data=_appointment(world, ended_on=date(2015, 12, 31)), actor=None
    )
    services.record_save(
        cadre=cadre,
        kind="appointment",
        data=_appointment(
            world,
            unit=world.village_a,
            title="甲村第一书记",
            level="1A42",
            is_leadership=True,
            started_on=date(2016, 1, 1),
        ),
        actor=None,
    )
    cadre.refresh_from_db()
    assert cadre.current_title == "甲村第一书记"
    assert cadre.current_level == "1A42" and cadre.is_leader
    assert cadre.current_post_since == date(2016, 1, 1)
    assert cadre.unit_id == world.village_a.pk


def test_education_rules(world: World, cadre: Cadre) -> None:
    errors = _record_errors(
        cadre,
        "education",
        kind="fulltime",
        education="21",
        started_on=date(2005, 9, 1),
        ended_on=date(2004, 7, 1),
    )
    assert "毕业时间应晚于入学时间" in errors["ended_on"][0]
    assert "学历「99」" in _record_errors(cadre, "education", kind="fulltime", education="99")["education"][0]
    services.record_save(
        cadre=cadre,
        kind="education",
        data={"kind": "fulltime", "education": "21", "degree": "4", "ended_on": date(2007, 7, 1)},
        actor=None,
    )
    services.record_save(
        cadre=cadre,
        kind="education",
        data={"kind": "inservice", "education": "11", "degree": "3", "ended_on": date(2012, 7, 1)},
        actor=None,
    )
    cadre.refresh_from_db()
    assert (cadre.fulltime_education, cadre.highest_education, cadre.highest_degree) == ("21", "11", "3")


def test_assessment_one_per_year(world: World, cadre: Cadre) -> None:
    services.record_save(cadre=cadre, kind="assessment", data={"year": 2020, "grade": "1"}, actor=None)
    assert "已存在" in _record_errors(cadre, "assessment", year=2020, grade="2")["year"][0]
    assert "考核结果" in _record_errors(cadre, "assessment", year=2021, grade="9")["grade"][0]


def test_rank_and_family_codes(world: World, cadre: Cadre) -> None:
    assert "职级" in _record_errors(cadre, "rank", rank="ZZ", started_on=date(2020, 1, 1))["rank"][0]
    assert "称谓" in _record_errors(cadre, "family", relation="99", name="张父")["relation"][0]


def test_update_audits_before_and_after(world: World, cadre: Cadre) -> None:
    services.cadre_update(cadre=cadre, data={"health": "良好", "name": "张叁"}, actor=world.users["clerk_a"])
    cadre.refresh_from_db()
    assert cadre.name_pinyin == "zhangsan" and cadre.name == "张叁"
    event = AuditEvent.objects.filter(action="cadre.update").latest("seq")
    assert event.payload["before"]["name"] == "张三" and event.payload["after"]["name"] == "张叁"


def test_daily_refresh_makes_a_post_entered_in_advance_current(world: World, cadre: Cadre) -> None:
    import time_machine
    from django.core.management import call_command

    services.record_save(
        cadre=cadre, kind="appointment", data=_appointment(world, ended_on=date(2030, 5, 31)), actor=None
    )
    services.record_save(
        cadre=cadre,
        kind="appointment",
        data=_appointment(
            world, title="甲镇副镇长", level="1A42", is_leadership=True, started_on=date(2030, 6, 1)
        ),
        actor=None,
    )
    cadre.refresh_from_db()
    assert cadre.current_title == "甲镇党政办科员"  # the new post is still in the future
    with time_machine.travel(date(2030, 6, 1), tick=False):
        call_command("refresh_cadres")
    cadre.refresh_from_db()
    assert cadre.current_title == "甲镇副镇长" and cadre.is_leader
    assert AuditEvent.objects.filter(action="cadre.refresh_derived").exists()
