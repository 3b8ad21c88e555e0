"""Excel import of the household register: all-or-nothing, row+column errors, updates of existing
households, duplicates in the file, limits, the command's exit codes, and the upload page."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.testing.world import World
from ganbu.villagework import imports
from ganbu.villagework.imports import import_households, template_xlsx
from ganbu.villagework.models import Household
from ganbu.villagework.tests.factories import make_household

pytestmark = pytest.mark.django_db

HEADERS = ["户主", "村民小组", "人口", "联系电话", "类别", "住址", "备注"]


def workbook(rows: list[list[Any]], headers: list[str] = HEADERS, *, title: str | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def errors_of(result: imports.HouseholdImportResult) -> list[tuple[int | None, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


GOOD_ROWS: list[list[Any]] = [
    ["王建国", "一组", 4, "13800138000", "脱贫户", "一组12号", ""],
    ["李秀英", "一组", "3", "0898-1234567", "", "", "独居老人的女儿在外务工"],
    ["张伟", "二组", 5.0, None, "低保户", None, None],
]


def test_a_good_file_creates_every_household_with_one_audit_event(world: World) -> None:
    result = import_households(workbook(GOOD_ROWS), village=world.village_a, actor=world.users["clerk_a"])
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.total_rows) == (3, 0, 3)
    assert result.summary == "导入成功：新增 3 户，更新 0 户"
    rows = {h.head_name: h for h in Household.objects.filter(village=world.village_a)}
    assert set(rows) == {"王建国", "李秀英", "张伟"}
    assert (rows["王建国"].category, rows["王建国"].members, rows["王建国"].head_initials) == (
        "lifted",
        4,
        "wjg",
    )
    assert (rows["李秀英"].category, rows["李秀英"].phone) == ("general", "0898-1234567")
    assert (rows["张伟"].category, rows["张伟"].members, rows["张伟"].group_name) == ("dibao", 5, "二组")
    event = AuditEvent.objects.get(action="villagework.household.import")
    assert event.payload["created"] == 3 and event.payload["updated"] == 0
    assert event.unit_path == world.village_a.path and event.actor_id == world.users["clerk_a"].pk


def test_one_bad_row_writes_nothing_and_every_error_names_row_and_column(world: World) -> None:
    rows = [
        GOOD_ROWS[0],
        ["", "一组", 0, "12", "贫困户", "", ""],  # row 3: four problems
        GOOD_ROWS[1],
        ["张伟", "二组", 120, "13800138000", "一般户", "", ""],  # row 5
    ]
    result = import_households(workbook(rows), village=world.village_a, actor=world.users["clerk_a"])
    assert not result.ok
    assert errors_of(result) == [
        (3, "户主", "户主不能为空"),
        (3, "人口", "人口「0」应为1到99之间的整数"),
        (3, "联系电话", "联系电话「12」应为7到20位数字，可用“-”分隔"),
        (3, "类别", "类别「贫困户」不正确，应为 一般户、脱贫户、监测户、低保户、五保户 之一"),
        (5, "人口", "人口「120」应为1到99之间的整数"),
    ]
    assert result.summary == "文件中有 5 处错误，未导入任何数据"
    assert not Household.objects.exists()
    assert not AuditEvent.objects.filter(action="villagework.household.import").exists()


def test_duplicate_rows_in_the_file_are_errors_naming_both_rows(world: World) -> None:
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1],
        ["王建国", "一组", 2, "", "", "", ""],
        ["王建国", "二组", 2, "", "", "", ""],
    ]
    result = import_households(workbook(rows), village=world.village_a, actor=None)
    assert errors_of(result) == [
        (4, "户主", "第4行与第2行重复（户主「王建国」、村民小组「一组」），同一户只能出现一次")
    ]
    assert not Household.objects.exists()


def test_a_row_matching_a_household_updates_it_and_absent_columns_keep_their_value(world: World) -> None:
    kept = make_household(world.village_a, "王建国", "一组", phone="13900000000", address="老屋", members=2)
    moved_out = make_household(world.village_a, "李秀英", "一组", is_active=False)
    untouched = make_household(world.village_a, "赵六", "三组")
    same = make_household(world.village_a, "张伟", "二组", members=5)
    rows = [
        ["一组", "王建国", 6, "低保户"],
        ["一组", "李秀英", 3, ""],
        ["二组", "张伟", 5, ""],
        ["一组", "新户", 1, ""],
    ]
    result = import_households(
        workbook(rows, ["村民小组", "户主", "人口", "类别"]), village=world.village_a, actor=None
    )
    assert result.ok, errors_of(result)
    assert (result.created, result.updated, result.unchanged, result.restored) == (1, 3, 1, 1)
    assert result.summary == "导入成功：新增 1 户，更新 3 户（其中恢复在册 1 户）"
    kept.refresh_from_db()
    assert (kept.members, kept.category, kept.phone, kept.address) == (6, "dibao", "13900000000", "老屋")
    moved_out.refresh_from_db()
    assert moved_out.is_active
    untouched.refresh_from_db()
    same.refresh_from_db()
    assert untouched.is_active and same.members == 5
    assert Household.objects.filter(village=world.village_a).count() == 5


def test_header_after_a_title_row_and_unknown_columns_are_accepted(world: World) -> None:
    rows = [["王建国", "序号1", "一组", 4]]
    result = import_households(
        workbook(rows, ["户主", "序号", "村民小组", "人口"], title="甲村农户花名册"),
        village=world.village_a,
        actor=None,
    )
    assert result.ok, errors_of(result)
    assert Household.objects.get().group_name == "一组"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            workbook([["王建国", 4]], ["户主", "人口"]),
            [(1, "表头", "缺少必填列：村民小组（请使用导入模板）")],
        ),
        (workbook([["王建国", "一组", 4]], ["姓名", "组", "人数"]), None),
        (workbook([], HEADERS), [(None, "文件", "文件中没有农户数据（表头下面是空的）")]),
        (
            b"not an excel file",
            [(None, "文件", "无法读取文件：请上传 Excel 工作簿（.xlsx），建议使用导入模板")],
        ),
        (
            workbook([["王建国", "一组", 4, "一组"]], ["户主", "村民小组", "人口", "村民小组"]),
            [(1, "村民小组", "表头中「村民小组」列重复出现")],
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused(world: World, content: bytes, expected: Any) -> None:
    result = import_households(content, village=world.village_a, actor=None)
    assert not result.ok
    if expected is None:
        assert result.errors[0].column == "表头" and result.errors[0].message.startswith("未找到表头")
    else:
        assert errors_of(result) == expected
    assert not Household.objects.exists()


def test_limits_on_rows_and_size(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    result = import_households(workbook(GOOD_ROWS), village=world.village_a, actor=None)
    assert errors_of(result) == [(None, "文件", "数据超过 2 行，一个村的花名册请不要超过 2 户")]
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", 1024)
    result = import_households(workbook(GOOD_ROWS), village=world.village_a, actor=None)
    assert result.errors[0].message.startswith("文件超过 0MB")
    assert not Household.objects.exists()


def test_dry_run_counts_but_writes_nothing(world: World) -> None:
    make_household(world.village_a, "王建国", "一组")
    result = import_households(workbook(GOOD_ROWS), village=world.village_a, actor=None, dry_run=True)
    assert result.ok
    assert result.summary == "校验通过：新增 2 户，更新 1 户（试运行，未写入）"
    assert Household.objects.count() == 1


def test_a_file_on_disk_is_read_and_fingerprinted_like_its_bytes(world: World, tmp_path: Path) -> None:
    content = workbook(GOOD_ROWS)
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(content)
    result = import_households(path, village=world.village_a, actor=None)
    assert result.ok, errors_of(result)
    assert result.filename == "花名册.xlsx" and result.created == 3
    assert result.sha256 == hashlib.sha256(content).hexdigest()
    assert AuditEvent.objects.get(action="villagework.household.import").payload["sha256"] == result.sha256


def test_a_household_added_meanwhile_refuses_the_whole_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def clash(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(Household.objects, "bulk_create", clash)
    result = import_households(workbook(GOOD_ROWS), village=world.village_a, actor=None, filename="a.xlsx")
    assert not result.ok
    assert errors_of(result) == [(None, "文件", "导入时花名册被他人同时修改，未导入任何数据，请重新导入")]
    assert (result.created, result.updated, result.filename) == (0, 0, "a.xlsx")
    assert not AuditEvent.objects.filter(action="villagework.household.import").exists()


def test_the_template_round_trips(world: World) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx()))
    ws = wb["农户花名册"]
    assert [c.value for c in ws[1]] == HEADERS
    assert "填写说明" in wb.sheetnames
    ws.append(["王建国", "一组", 4, "13800138000", "监测户", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    result = import_households(buffer.getvalue(), village=world.village_a, actor=None)
    assert result.ok, errors_of(result)
    assert Household.objects.get().category == "monitored"


# --- command ----------------------------------------------------------------------------------


def test_command_imports_and_prints_the_summary(world: World, tmp_path: Path) -> None:
    path = tmp_path / "households.xlsx"
    path.write_bytes(workbook(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_households", str(path), village="VA", stdout=out)
    assert out.getvalue().strip() == "甲村：导入成功：新增 3 户，更新 0 户"
    assert Household.objects.filter(village=world.village_a).count() == 3
    assert AuditEvent.objects.get(action="villagework.household.import").actor_label == "系统"


def test_command_prints_the_errors_and_exits_1(world: World, tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook([GOOD_ROWS[0], ["李四", "一组", "x", "", "", "", ""]]))
    out = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_households", str(path), village="VA", stdout=out)
    assert exc.value.returncode == 1
    assert str(exc.value) == "甲村：文件中有 1 处错误，未导入任何数据"
    assert out.getvalue().strip() == "第3行 [人口] 人口「x」应为1到99之间的整数"
    assert not Household.objects.exists()


def test_command_dry_run_and_bad_arguments(world: World, tmp_path: Path) -> None:
    path = tmp_path / "households.xlsx"
    path.write_bytes(workbook(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_households", str(path), village="VA", dry_run=True, stdout=out)
    assert "试运行，未写入" in out.getvalue()
    assert not Household.objects.exists()
    with pytest.raises(CommandError, match="未找到单位代码为 NOPE"):
        call_command("import_households", str(path), village="NOPE")
    with pytest.raises(CommandError, match="不是村或社区"):
        call_command("import_households", str(path), village="TA")
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_households", str(tmp_path / "missing.xlsx"), village="VA")


# --- upload page ------------------------------------------------------------------------------


def _upload(client: Client, village_pk: int, content: bytes, **extra: Any) -> Any:
    upload = io.BytesIO(content)
    upload.name = "花名册.xlsx"
    return client.post(reverse("villagework:household_import", args=[village_pk]), {"file": upload, **extra})


def test_upload_page_shows_row_errors_and_offers_the_error_report(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    response = _upload(client, world.village_a.pk, workbook([GOOD_ROWS[0], ["", "一组", 2, "", "", "", ""]]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<td>3</td><td>户主</td>" in body and "户主不能为空" in body
    assert "未导入任何数据" in body
    assert not Household.objects.exists()
    report = client.get(reverse("villagework:household_import_errors", args=[world.village_a.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(report.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[2]] == [3, "户主", "户主不能为空"]


def test_upload_page_imports_and_redirects_to_the_village(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    response = _upload(client, world.village_a.pk, workbook(GOOD_ROWS), dry_run="on")
    assert "校验通过：新增 3 户" in response.content.decode()
    assert not Household.objects.exists()
    response = _upload(client, world.village_a.pk, workbook(GOOD_ROWS))
    assert response.status_code == 302
    assert response["Location"] == reverse("villagework:village", args=[world.village_a.pk])
    assert Household.objects.filter(village=world.village_a).count() == 3


def test_upload_refuses_other_formats_and_roles(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    upload = io.BytesIO(b"a,b")
    upload.name = "households.csv"
    response = client.post(
        reverse("villagework:household_import", args=[world.village_a.pk]), {"file": upload}
    )
    assert "请上传 .xlsx 格式的 Excel 文件" in response.content.decode()
    cadre = Client()
    cadre.force_login(world.users["village_cadre"])
    assert _upload(cadre, world.village_a.pk, workbook(GOOD_ROWS)).status_code == 403
    other = Client()
    other.force_login(world.users["clerk_b"])
    assert _upload(other, world.village_a.pk, workbook(GOOD_ROWS)).status_code == 404
    assert not Household.objects.exists()


def test_template_download(world: World) -> None:
    client = Client()
    client.force_login(world.users["clerk_a"])
    response = client.get(reverse("villagework:household_template"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["农户花名册"]
    assert [c.value for c in sheet[1]] == HEADERS
