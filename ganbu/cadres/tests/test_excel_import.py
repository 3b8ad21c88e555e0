"""Excel import of the registry: formats, every error reported, all-or-nothing, re-import updates."""

from __future__ import annotations

import functools
import io
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import verify_chain
from ganbu.cadres import documents, imports
from ganbu.cadres.imports import HEADERS, import_file, run_import
from ganbu.cadres.models import (
    Appointment,
    Cadre,
    Education,
    EducationKind,
    RankRecord,
)
from ganbu.cadres.rules import make_id_number
from ganbu.core import spreadsheet
from ganbu.core.jobs import job_create
from ganbu.core.models import Job, JobStatus
from ganbu.core.spreadsheet import RowError, parse_date
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def person(seq: int = 1, **overrides: Any) -> dict[str, Any]:
    """One valid row (header → cell value); the 身份证号 follows 出生日期/性别 unless given."""
    born = overrides.pop("born", date(1985, 3, 4))
    gender = overrides.pop("gender_code", "1")
    row: dict[str, Any] = {
        "姓名": "张三",
        "性别": "男" if gender == "1" else "女",
        "民族": "汉族",
        "出生日期": born,
        "身份证号": make_id_number("469099", born, seq, gender),
        "政治面貌": "中共党员",
        "入党时间": date(born.year + 20, 7, 1),
        "参加工作时间": date(born.year + 22, 7, 1),
        "全日制学历": "大学本科",
        "全日制学位": "学士",
        "最高学历": "研究生",
        "最高学位": "硕士",
        "单位代码": "TA",
        "职务": "甲镇党政办科员",
        "职务层次": "科员",
        "任职时间": date(born.year + 22, 7, 1),
        "职级": "一级科员",
        "人员类别": "公务员",
    }
    row.update(overrides)
    return row


def xlsx(
    rows: list[dict[str, Any]], headers: tuple[str, ...] | list[str] = HEADERS, *, title: str = ""
) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append(list(headers))
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def run(world: World, content: bytes, *, actor_key: str | None = None, **kwargs: Any) -> imports.ImportResult:
    actor = world.users[actor_key] if actor_key else None
    unit = kwargs.pop("unit", actor.scope_unit if actor else world.county)
    return import_file(content, unit=unit, actor=actor, filename="干部.xlsx", **kwargs)


def where(result: imports.ImportResult) -> set[tuple[int | None, str]]:
    return {(e.row, e.column) for e in result.errors}


def snapshot() -> tuple[int, int, int, int, int]:
    return (
        Cadre.objects.count(),
        Appointment.objects.count(),
        RankRecord.objects.count(),
        Education.objects.count(),
        AuditEvent.objects.count(),
    )


# --- a good file -----------------------------------------------------------------------------


def test_a_good_file_imports_with_records_derived_fields_and_one_audit_event(world: World) -> None:
    rows = [
        person(1),
        person(
            2,
            姓名="李四",
            性别="女",
            gender_code="2",
            单位代码="VA",
            职务="甲村党支部书记",
            职务层次="乡科级正职",
        ),
        person(
            3, 姓名="王五", 政治面貌="群众", 入党时间=None, 职务=None, 职务层次=None, 任职时间=None, 职级=None
        ),
    ]
    events_before = AuditEvent.objects.count()
    result = run(world, xlsx(rows), actor_key="clerk_a")
    assert result.ok, result.errors
    assert (result.created, result.updated, result.total_rows) == (3, 0, 3)
    assert result.summary == "导入成功：新增 3 名，更新 0 名"

    zhang = Cadre.objects.get(name="张三")
    assert (zhang.gender, zhang.ethnicity, zhang.political_status, zhang.personnel_category) == (
        "1",
        "01",
        "01",
        "1",
    )
    assert zhang.birth_date == date(1985, 3, 4) and zhang.party_joined_on == date(2005, 7, 1)
    assert zhang.unit == world.town_a
    assert zhang.current_title == "甲镇党政办科员" and zhang.current_level == "1A50"
    assert zhang.current_post_since == date(2007, 7, 1)
    assert zhang.current_rank == "1B"
    assert (zhang.fulltime_education, zhang.fulltime_degree) == ("21", "4")
    assert (zhang.highest_education, zhang.highest_degree) == ("11", "3")
    assert zhang.name_pinyin == "zhangsan" and zhang.stroke_key
    kinds = sorted(zhang.educations.values_list("kind", "education", "degree"))
    assert kinds == [(EducationKind.FULL_TIME, "21", "4"), (EducationKind.IN_SERVICE, "11", "3")]

    li = Cadre.objects.get(name="李四")
    assert li.unit == world.village_a and li.is_leader and li.gender == "2"
    wang = Cadre.objects.get(name="王五")
    assert wang.unit == world.town_a and wang.current_title == "" and not wang.appointments.exists()

    assert AuditEvent.objects.count() == events_before + 1
    event = AuditEvent.objects.get(action="cadre.import")
    assert event.actor_id == world.users["clerk_a"].pk
    assert event.payload["created"] == 3 and event.payload["updated"] == 0
    assert event.payload["filename"] == "干部.xlsx" and len(event.payload["sha256"]) == 64
    assert sorted(event.payload["cadre_ids"]) == sorted(Cadre.objects.values_list("pk", flat=True))
    assert zhang.id_number and zhang.id_number not in str(event.payload)
    assert verify_chain().ok


def test_columns_in_any_order_extra_columns_and_a_title_row(world: World) -> None:
    headers = list(reversed(HEADERS))
    headers.insert(3, "备注")
    content = xlsx([person(1, 备注="随便写")], headers, title="甲镇干部信息表")
    result = run(world, content)
    assert result.ok, result.errors
    cadre = Cadre.objects.get()
    assert cadre.current_title == "甲镇党政办科员" and cadre.ethnicity == "01"


def test_headers_with_spaces_and_codes_instead_of_names(world: World) -> None:
    headers = [f" {h[0]} {h[1:]} " for h in HEADERS]
    row = person(1, 性别="1", 民族=1, 政治面貌="01", 全日制学历=21, 职务层次="1A50", 人员类别=1, 职级="1B")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    ws.append([row[h] for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = run(world, buffer.getvalue())
    assert result.ok, result.errors
    cadre = Cadre.objects.get()
    assert (cadre.ethnicity, cadre.fulltime_education, cadre.current_rank) == ("01", "21", "1B")


def test_code_names_match_in_either_width_of_punctuation(world: World) -> None:
    """The code table writes 村（社区）干部; a file may write it with half-width brackets (or the
    cell's full-width brackets are normalised away): both are the code 4."""
    rows = [
        person(1, 人员类别="村（社区）干部", 职级=None),
        person(2, 人员类别="村(社区)干部", 职级=None),  # half-width: what a file may hold
    ]
    result = run(world, xlsx(rows))
    assert result.ok, result.errors
    assert set(Cadre.objects.values_list("personnel_category", flat=True)) == {"4"}


EXPECTED = date(1980, 5, 3)
MONTH_ONLY = date(1980, 5, 1)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (date(1980, 5, 3), EXPECTED),
        (datetime(1980, 5, 3, 0, 0), EXPECTED),
        ((EXPECTED - date(1899, 12, 30)).days, EXPECTED),  # an Excel serial number
        ("1980-05-03", EXPECTED),
        ("1980/5/3", EXPECTED),
        ("1980.05", MONTH_ONLY),
        ("1980.5", MONTH_ONLY),
        (1980.05, MONTH_ONLY),  # typed into a number cell
        ("1980年5月", MONTH_ONLY),
        ("1980年5月3日", EXPECTED),
        ("198005", MONTH_ONLY),
        ("19800503", EXPECTED),
        (19800503, EXPECTED),
        ("1980-05-03 00:00:00", EXPECTED),
        ("１９８０．５．３", EXPECTED),
    ],
)
def test_each_date_format(world: World, cell: Any, expected: date) -> None:
    row = person(1, born=expected, 入党时间="2001.07", 参加工作时间="2002年7月", 任职时间="2002-07-01")
    row["出生日期"] = cell
    result = run(world, xlsx([row]))
    assert result.ok, result.errors
    cadre = Cadre.objects.get()
    assert cadre.birth_date == expected
    assert cadre.party_joined_on == date(2001, 7, 1) and cadre.work_started_on == date(2002, 7, 1)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1980-13-01", "不是有效日期"),
        ("五月", "不是有效日期"),
        (1980.1, "有歧义"),
        (1980, "只有年份"),
        ("1850-01-01", "年份不合理"),
    ],
)
def test_bad_dates_are_reported(cell: Any, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_date(cell)


# --- all or nothing, every error -------------------------------------------------------------


def test_one_bad_row_among_good_rows_writes_nothing(world: World) -> None:
    existing = make_cadre(world.town_a, "赵六", birth_date=date(1979, 1, 2))
    existing_values = Cadre.objects.filter(pk=existing.pk).values().get()
    before = snapshot()
    rows = [person(seq) for seq in range(1, 6)]
    bad_id = rows[2]["身份证号"]
    rows[2]["身份证号"] = bad_id[:17] + ("0" if bad_id[17] != "0" else "1")
    # the good rows also update the existing cadre: that must be rolled back too
    rows.append(person(9, 姓名="赵六改", 身份证号=existing.id_number, born=existing.birth_date))
    result = run(world, xlsx(rows))
    assert not result.ok
    assert result.errors == [RowError(4, "身份证号", result.errors[0].message)]
    assert "校验位错误" in result.errors[0].message
    assert snapshot() == before
    assert Cadre.objects.filter(pk=existing.pk).values().get() == existing_values


def test_several_errors_in_several_rows_are_all_reported(world: World) -> None:
    rows = [
        person(1),
        person(2, 姓名="", 民族="火星族"),  # row 3: two errors
        person(3, 出生日期="1985-02-30"),  # row 4
        person(4, 政治面貌="群众"),  # row 5: 入党时间 for a non-member
        person(5, 职务="副镇长", 任职时间=None),  # row 6
        person(6, 任职时间=date(2000, 1, 1)),  # row 7: before 参加工作时间
        person(7, 职级="五级科员", 人员类别=""),  # row 8: two errors
        person(8, 最高学历="高中"),  # row 9: below 全日制学历
        person(9, 职务=None, 职务层次="科员", 任职时间=None),  # row 10
        person(10, 单位代码="NOPE"),  # row 11
        person(11, 参加工作时间=timezone.localdate() + timedelta(days=30)),  # row 12
    ]
    before = snapshot()
    result = run(world, xlsx(rows))
    assert where(result) == {
        (3, "姓名"),
        (3, "民族"),
        (4, "出生日期"),
        (5, "入党时间"),
        (6, "任职时间"),
        (7, "任职时间"),
        (8, "职级"),
        (8, "人员类别"),
        (9, "最高学历"),
        (10, "职务"),
        (11, "单位代码"),
        (12, "参加工作时间"),
    }
    assert result.error_count == len(result.errors) == 12
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(3, "民族")] == "民族「火星族」不在代码表中"
    assert "不是有效日期" in messages[(4, "出生日期")]
    assert messages[(7, "任职时间")].startswith("任职时间应不早于参加工作时间")
    assert messages[(8, "人员类别")] == "人员类别不能为空"
    assert [e.row for e in result.errors] == sorted(e.row or 0 for e in result.errors)
    assert snapshot() == before


def test_missing_required_headers_is_one_file_error(world: World) -> None:
    headers = [h for h in HEADERS if h not in ("身份证号", "单位代码")]
    result = run(world, xlsx([person(1)], headers))
    assert len(result.errors) == 1
    assert result.errors[0].column == "表头"
    assert "身份证号" in result.errors[0].message and "单位代码" in result.errors[0].message


def test_unreadable_and_empty_files(world: World) -> None:
    assert "无法读取" in run(world, b"not a workbook").errors[0].message
    assert run(world, xlsx([])).errors[0].message == "文件中没有数据行"
    assert "未找到表头" in run(world, xlsx([], ["甲", "乙"])).errors[0].message


def test_error_list_can_be_capped_but_counts_everything(world: World) -> None:
    rows = [person(seq, 民族="火星族") for seq in range(1, 8)]
    result = run(world, xlsx(rows), max_errors=3)
    assert len(result.errors) == 3 and result.error_count == 7
    assert "仅列出前 3 处" in result.summary


# --- identity: 身份证号 ------------------------------------------------------------------------


def test_duplicate_id_in_the_file_is_an_error_on_the_later_row(world: World) -> None:
    rows = [person(1), person(2), person(1, 姓名="张三重")]
    result = run(world, xlsx(rows))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(4, "身份证号", "身份证号与第2行重复")]
    assert not Cadre.objects.exists()


def test_id_number_is_required(world: World) -> None:
    result = run(world, xlsx([person(1, 身份证号="")]))
    assert where(result) == {(2, "身份证号")}
    assert "不能为空" in result.errors[0].message


def test_id_number_must_match_birth_date_and_gender(world: World) -> None:
    rows = [person(1, 出生日期=date(1985, 3, 5)), person(2, 性别="女")]
    result = run(world, xlsx(rows))
    messages = {e.row: e.message for e in result.errors}
    assert "出生日期" in messages[2] and "性别" in messages[3]


def test_numeric_id_number_that_lost_digits_is_reported(world: World) -> None:
    row = person(1)
    row["身份证号"] = int(row["身份证号"])  # stored as a number: Excel keeps 15 digits
    result = run(world, xlsx([row]))
    assert where(result) == {(2, "身份证号")}
    assert "文本" in result.errors[0].message and "15位" in result.errors[0].message


def test_id_number_text_is_normalised(world: World) -> None:
    born = date(1985, 3, 4)
    id_number = next(
        make_id_number("469099", born, seq, "1")
        for seq in range(500)
        if make_id_number("469099", born, seq, "1").endswith("X")
    )
    row = person(1, 身份证号=" " + id_number[:-1] + "x ")
    result = run(world, xlsx([row]))
    assert result.ok, result.errors
    assert Cadre.objects.get().id_number == id_number


def test_numeric_id_cells_are_handled_carefully() -> None:
    with pytest.raises(ValueError, match="文本"):
        imports.parse_id_cell(4.69099198503041e17)
    with pytest.raises(ValueError, match="文本"):
        imports.parse_id_cell(469099198503041000)
    assert imports.parse_id_cell(469099198503041234) == "469099198503041234"  # an exact integer
    assert imports.parse_id_cell(" 46909919850304123x ") == "46909919850304123X"


# --- scope ---------------------------------------------------------------------------------------


def test_out_of_scope_unit_code_is_rejected(world: World) -> None:
    rows = [person(1), person(2, 单位代码="TB"), person(3, 单位代码="VB")]
    result = run(world, xlsx(rows), actor_key="clerk_a")
    assert where(result) == {(3, "单位代码"), (4, "单位代码")}
    assert result.errors[0].message == "单位代码「TB」不存在或不在您的数据范围内"
    assert not Cadre.objects.exists()
    # the county sees both townships
    assert run(world, xlsx(rows), actor_key="county").ok


def test_command_unit_limits_the_scope_too(world: World) -> None:
    result = run(world, xlsx([person(1, 单位代码="TB")]), unit=world.town_a)
    assert where(result) == {(2, "单位代码")}


def test_an_existing_cadre_of_another_township_cannot_be_taken_over(world: World) -> None:
    other = make_cadre(world.town_b, "钱七", birth_date=date(1979, 1, 3))
    row = person(1, 姓名="钱七", 身份证号=other.id_number, born=other.birth_date)
    result = run(world, xlsx([row]), actor_key="clerk_a")
    assert where(result) == {(2, "身份证号")}
    assert "不在您的数据范围内" in result.errors[0].message
    other.refresh_from_db()
    assert other.unit == world.town_b


# --- re-import -----------------------------------------------------------------------------------


def test_reimport_updates_instead_of_duplicating_and_keeps_the_appointment_history(world: World) -> None:
    first = person(1)
    assert run(world, xlsx([first])).ok
    cadre = Cadre.objects.get()
    old_appointment = cadre.appointments.get()

    second = person(
        1,
        姓名="张叁",
        职务="甲镇党委委员",
        职务层次="乡科级副职",
        任职时间=date(2020, 3, 1),
        职级="二级主任科员",
        最高学历="研究生",
        最高学位="博士",
    )
    result = run(world, xlsx([second]))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    assert Cadre.objects.count() == 1
    cadre.refresh_from_db()
    assert cadre.name == "张叁" and cadre.name_pinyin == "zhangsan"
    old_appointment.refresh_from_db()
    assert old_appointment.ended_on == date(2020, 2, 29)
    new_appointment = cadre.appointments.get(ended_on__isnull=True)
    assert (new_appointment.title, new_appointment.level, new_appointment.started_on) == (
        "甲镇党委委员",
        "1A42",
        date(2020, 3, 1),
    )
    assert new_appointment.is_leadership and cadre.is_leader
    assert cadre.current_title == "甲镇党委委员" and cadre.current_post_since == date(2020, 3, 1)
    # rank: the old one ends, the new one starts today
    assert cadre.current_rank == "18" and cadre.current_rank_since == timezone.localdate()
    assert cadre.ranks.count() == 2 and cadre.ranks.filter(ended_on__isnull=True).count() == 1
    # education: the in-service record is updated, not stacked
    assert cadre.educations.count() == 2
    assert cadre.educations.get(kind=EducationKind.IN_SERVICE).degree == "2"
    assert cadre.highest_degree == "2"

    # the same file again changes nothing
    again = run(world, xlsx([second]))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert (cadre.appointments.count(), cadre.ranks.count(), cadre.educations.count()) == (2, 2, 2)


def test_reimport_with_a_date_correction_fixes_the_current_post_in_place(world: World) -> None:
    assert run(world, xlsx([person(1)])).ok
    assert run(world, xlsx([person(1, 任职时间=date(2008, 1, 1))])).ok
    appointment = Appointment.objects.get()
    assert appointment.started_on == date(2008, 1, 1) and appointment.ended_on is None


def test_reimport_moving_to_a_new_post_needs_a_later_date(world: World) -> None:
    assert run(world, xlsx([person(1)])).ok
    result = run(world, xlsx([person(1, 职务="副镇长", 任职时间=date(2007, 7, 1))]))
    assert where(result) == {(2, "任职时间")}
    assert "现任职务" in result.errors[0].message


def test_reimport_without_post_cannot_move_the_unit_silently(world: World) -> None:
    assert run(world, xlsx([person(1)])).ok
    result = run(world, xlsx([person(1, 单位代码="VA", 职务=None, 职务层次=None, 任职时间=None)]))
    assert where(result) == {(2, "单位代码")}
    assert "甲镇" in result.errors[0].message


def test_reimport_with_absent_columns_keeps_stored_values(world: World) -> None:
    assert run(world, xlsx([person(1)])).ok
    headers = [
        h for h in HEADERS if h not in ("入党时间", "参加工作时间", "职务", "职务层次", "任职时间", "职级")
    ]
    result = run(world, xlsx([person(1, 姓名="张三丰")], headers))
    assert result.ok, result.errors
    cadre = Cadre.objects.get()
    assert cadre.name == "张三丰" and cadre.party_joined_on == date(2005, 7, 1)
    assert cadre.current_title == "甲镇党政办科员" and cadre.current_rank == "1B"


# --- runner, dry run, command ---------------------------------------------------------------------


def _job(world: World, content: bytes, user_key: str = "clerk_a") -> Job:
    user = world.users[user_key]
    assert user.scope_unit is not None
    return job_create(
        kind="cadres.import",
        scope_path=user.scope_unit.path,
        actor=user,
        filename="干部.xlsx",
        content=content,
        stored_name="test-import.xlsx",
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_run_import_succeeds_with_counts_and_progress(world: World, media: Path) -> None:
    job = _job(world, xlsx([person(seq) for seq in range(1, 121)]))
    calls: list[tuple[int, int]] = []
    run_import(job, actor=world.users["clerk_a"], progress=lambda done, total: calls.append((done, total)))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert (job.total_rows, job.processed_rows, job.created_count, job.updated_count) == (120, 120, 120, 0)
    assert job.percent == 100 and job.finished_at is not None and job.errors == []
    assert calls and all(total == 120 for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert len(calls) <= 110  # about every 2%, per pass
    event = AuditEvent.objects.get(action="cadre.import")
    assert event.object_type == "core.job" and event.object_id == str(job.pk)


def test_run_import_failed_stores_errors(world: World, media: Path) -> None:
    job = _job(world, xlsx([person(1), person(2, 民族="火星族"), person(3, 单位代码="TB")]))
    run_import(job, actor=world.users["clerk_a"])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.errors == [
        {"row": 3, "column": "民族", "message": "民族「火星族」不在代码表中"},
        {"row": 4, "column": "单位代码", "message": "单位代码「TB」不存在或不在您的数据范围内"},
    ]
    assert not Cadre.objects.exists()


def test_run_import_caps_stored_errors(world: World, media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ganbu.cadres.imports.entry.MAX_STORED_ERRORS", 2)
    job = _job(world, xlsx([person(seq, 民族="火星族") for seq in range(1, 6)]))
    run_import(job, actor=world.users["clerk_a"])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and len(job.errors) == 2
    assert "共 5 处错误，仅保存前 2 处" in job.message


def test_run_import_crash_writes_nothing(world: World, media: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = snapshot()

    def boom(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("ganbu.cadres.imports.importer.update_many", boom)  # after the cadres were inserted
    job = _job(world, xlsx([person(1), person(2)]))
    run_import(job, actor=world.users["clerk_a"])
    job.refresh_from_db()
    assert job.status == JobStatus.CRASHED
    assert "disk on fire" in job.message
    assert snapshot() == before


def test_the_import_page_creates_the_job_through_the_import_service(world: World, media: Path) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.users["clerk_a"])
    upload = SimpleUploadedFile("干部.xlsx", xlsx([person(1)]))
    response = client.post(reverse("cadres:import"), {"file": upload})
    job = Job.objects.get(kind="cadres.import")
    assert response.status_code == 302 and response["Location"] == reverse(
        "cadres:import_job", kwargs={"pk": job.pk}
    )
    assert job.status == JobStatus.SUCCEEDED and job.created_count == 1  # run inline in tests
    upload_event = AuditEvent.objects.get(action="cadre.import.upload")
    assert upload_event.object_id == str(job.pk) and upload_event.payload["dry_run"] is False
    assert AuditEvent.objects.get(action="cadre.import").actor_id == world.users["clerk_a"].pk
    assert client.get(reverse("cadres:import_job", kwargs={"pk": job.pk})).status_code == 200
    other = Client()
    other.force_login(world.users["clerk_b"])
    assert other.get(reverse("cadres:import_job", kwargs={"pk": job.pk})).status_code == 404


def test_dry_run_validates_and_writes_nothing(world: World, media: Path) -> None:
    existing = make_cadre(world.town_a, "赵六", birth_date=date(1979, 1, 2))
    before = snapshot()
    rows = [person(1), person(9, 姓名="赵六", 身份证号=existing.id_number, born=existing.birth_date)]
    result = run(world, xlsx(rows), dry_run=True)
    assert result.ok and (result.created, result.updated) == (1, 1)
    assert result.summary == "校验通过：新增 1 名，更新 1 名（试运行，未写入）"
    job = _job(world, xlsx(rows))
    run_import(job, actor=world.users["clerk_a"], dry_run=True)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.message == "校验通过（试运行，未写入）"
    assert snapshot() == before


def test_openpyxl_fallback_reads_the_same(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self: Any, source: Any) -> None:
        raise ValueError("calamine cannot read this")

    monkeypatch.setattr(spreadsheet.CalamineReader, "__init__", broken)
    content = xlsx([person(1), person(2, 民族="火星族")], title="标题行")
    result = run(world, content)
    assert where(result) == {(4, "民族")}
    assert run(world, xlsx([person(1)])).ok


def test_very_large_files_are_streamed_with_openpyxl(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # (the threshold is read by the module that defines the readers)
    reading = sys.modules[spreadsheet.OpenpyxlReader.__module__]
    monkeypatch.setattr(reading, "STREAM_ABOVE_BYTES", 0)
    engines: list[str] = []
    real = spreadsheet.OpenpyxlReader.__init__

    def spy(self: Any, source: Any) -> None:
        engines.append("openpyxl")
        real(self, source)

    monkeypatch.setattr(spreadsheet.OpenpyxlReader, "__init__", spy)
    # the engine is chosen where the workbook is parsed: in this process, so the spy sees it
    # (uploads are parsed in a sandboxed child, core.spreadsheet.open_workbook)
    direct = functools.partial(spreadsheet.open_workbook, sandboxed=False)
    monkeypatch.setattr("ganbu.cadres.imports.entry.open_workbook", direct)
    result = run(world, xlsx([person(1), person(2, 民族="火星族")], title="标题行"))
    assert engines == ["openpyxl"] and where(result) == {(4, "民族")}


def test_command_success_and_dry_run(world: World, tmp_path: Path) -> None:
    path = tmp_path / "干部.xlsx"
    path.write_bytes(xlsx([person(1), person(2)]))
    out = io.StringIO()
    call_command("import_cadres", str(path), "--dry-run", stdout=out)
    assert out.getvalue().strip() == "校验通过：新增 2 名，更新 0 名（试运行，未写入）"
    assert not Cadre.objects.exists()
    out = io.StringIO()
    call_command("import_cadres", str(path), stdout=out)
    assert out.getvalue().strip() == "导入成功：新增 2 名，更新 0 名"
    assert Cadre.objects.count() == 2
    event = AuditEvent.objects.get(action="cadre.import")
    assert event.actor_id is None and event.actor_label == "系统"


def test_command_failure_prints_every_bad_row_and_exits_non_zero(world: World, tmp_path: Path) -> None:
    rows = [person(1), person(2), person(3, 民族="火星族", 单位代码="NOPE")]
    bad_id = rows[1]["身份证号"]
    rows[1]["身份证号"] = bad_id[:17] + ("0" if bad_id[17] != "0" else "1")
    path = tmp_path / "干部.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()
    with pytest.raises(CommandError, match="3 处错误"):
        call_command("import_cadres", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("第3行 [身份证号] 身份证号校验位错误")
    assert lines[1:] == [
        "第4行 [民族] 民族「火星族」不在代码表中",
        "第4行 [单位代码] 单位代码「NOPE」不存在或不在您的数据范围内",
    ]
    assert not Cadre.objects.exists()


def test_command_unit_option(world: World, tmp_path: Path) -> None:
    path = tmp_path / "干部.xlsx"
    path.write_bytes(xlsx([person(1, 单位代码="TB")]))
    with pytest.raises(CommandError):
        call_command("import_cadres", str(path), "--unit", "TA", stdout=io.StringIO())
    with pytest.raises(CommandError, match="未找到单位"):
        call_command("import_cadres", str(path), "--unit", "XX", stdout=io.StringIO())
    call_command("import_cadres", str(path), "--unit", "TB", stdout=io.StringIO())
    assert Cadre.objects.get().unit == world.town_b


# --- workbooks we hand out ----------------------------------------------------------------------


def test_error_report_has_the_rows(world: World) -> None:
    result = run(world, xlsx([person(1, 民族="火星族"), person(2, 单位代码="NOPE")]))
    content = spreadsheet.error_report_xlsx(result.errors)
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert rows == [
        ("行号", "列名", "原因"),
        (2, "民族", "民族「火星族」不在代码表中"),
        (3, "单位代码", "单位代码「NOPE」不存在或不在您的数据范围内"),
    ]
    # job.errors (dicts) work the same
    assert spreadsheet.error_report_xlsx([e.as_dict() for e in result.errors]) is not None


def test_template_has_the_headers_instructions_and_imports_when_filled(world: World) -> None:
    content = documents.import_template()
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:2] == ["干部信息", "填写说明"]
    ws = wb["干部信息"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert ws.data_validations.dataValidation  # dropdowns for the coded columns
    help_text = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "01 汉族" in help_text and "1980年5月3日" in help_text and "身份证号" in help_text
    # the empty template is a (file-level) error; filled in, it imports
    assert run(world, content).errors[0].message == "文件中没有数据行"
    row = person(1)
    ws.append([row[h] for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert run(world, buffer.getvalue()).ok


def test_a_hostile_workbook_ends_its_job_failed_with_the_reason(world: World, media: Path) -> None:
    from ganbu.core.tests.test_hostile_workbooks import bomb_workbook, far_cell_workbook

    for content, reason in ((far_cell_workbook(), "数据区域过大"), (bomb_workbook(64), "压缩比异常")):
        job = _job(world, content)
        run_import(job, actor=world.users["clerk_a"])
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED, reason
        assert len(job.errors) == 1 and reason in job.errors[0]["message"]
        assert job.errors[0]["column"] == "文件"
    assert not Cadre.objects.exists()


def test_clerks_shorthand_is_taken_and_ambiguous_values_name_the_choices(world: World) -> None:
    ok = run(
        world,
        xlsx([person(1, 民族="汉", 政治面貌="党员"), person(2, 民族="回", 政治面貌="群众", 入党时间="")]),
    )
    assert ok.ok, ok.errors
    assert sorted(Cadre.objects.values_list("ethnicity", "political_status")) == [("01", "01"), ("03", "13")]
    result = run(world, xlsx([person(3, 职务层次="科级"), person(4, 职级="主任科员")]))
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(2, "职务层次")] == "职务层次「科级」不明确，请填写「乡科级正职」或「乡科级副职」"
    assert messages[(3, "职级")] == (
        "职级「主任科员」不明确，请填写「一级主任科员」或「二级主任科员」或「三级主任科员」或「四级主任科员」"
    )


def test_the_result_says_whom_it_added_changed_and_left_unchanged(world: World, media: Path) -> None:
    rows = [person(1), person(2)]
    run_import(_job(world, xlsx(rows)), actor=world.users["clerk_a"])
    rows[1] = {**rows[1], "姓名": rows[1]["姓名"] + "新"}
    job = _job(world, xlsx([*rows, person(3)]))
    run_import(job, actor=world.users["clerk_a"])
    job.refresh_from_db()
    outcomes = [(o["row"], o["outcome"]) for o in job.result["outcomes"]]
    assert outcomes == [(2, "无变化"), (3, "更新"), (4, "新增")]
    client = Client()
    client.force_login(world.users["clerk_a"])
    page = client.get(reverse("cadres:import_job", args=[job.pk])).content.decode()
    assert "新增 1 名，更新 1 名，无变化 1 名" in page


def test_the_template_lists_the_unit_codes_in_scope(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("cadres:import_template")).content))
    help_text = "\n".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
    assert "TA 甲镇" in help_text and "VA 甲村" in help_text
    assert "TB" not in help_text  # another township's units are not listed
