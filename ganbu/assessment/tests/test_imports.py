"""The Excel import of a 完成率 indicator's actual values: the template lists the category's units
with their targets; a good file is written by the leading group; a bad one writes nothing and
names every problem by row and column."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ganbu.assessment import services
from ganbu.assessment.models import Cycle, Target
from ganbu.audit.models import AuditEvent
from ganbu.testing.world import World


def _signed(world: World, cycle: Cycle) -> None:
    office = world.users["county"]
    for p in cycle.participants.all():
        services.declare_targets(participant=p, actor=office, values={"A1": "400"})
        services.sign_targets(participant=p, actor=office)


def _upload(rows: list[list[object]]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "核定完成值"
    sheet.append(["单位", "目标值", "核定完成值", "说明"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("完成值.xlsx", out.getvalue())


def test_template_then_import_by_the_leading_group(world: World, cycle: Cycle) -> None:
    _signed(world, cycle)
    track = cycle.tracks.get()
    dept = Client()
    dept.force_login(world.users["dept"])
    template = dept.get(reverse("assessment:actuals_template", args=[track.pk, "A1"]))
    sheet = openpyxl.load_workbook(io.BytesIO(template.content))["核定完成值"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2, max_col=2)] == [
        ["甲镇", "400"],
        ["乙乡", "400"],
        ["丙镇", "400"],
    ]
    url = reverse("assessment:actuals_import", args=[track.pk, "A1"])
    good = dept.post(url, {"file": _upload([["甲镇", 400, 380], ["TB", 400, "420.5"], ["丙镇", 400, None]])})
    assert good.status_code == 302
    actual = dict(Target.objects.filter(leaf="A1").values_list("participant__unit__name", "actual"))
    assert actual == {"甲镇": 380, "乙乡": 420.5, "丙镇": None}  # blank: left as it was
    event = AuditEvent.objects.get(action="assessment.actual.import")
    assert len(event.payload["sha256"]) == 64 and event.payload["changed"] == 2


def test_a_bad_file_writes_nothing_and_names_every_problem(world: World, cycle: Cycle) -> None:
    _signed(world, cycle)
    track = cycle.tracks.get()
    office = Client()
    office.force_login(world.users["county"])
    url = reverse("assessment:actuals_import", args=[track.pk, "A1"])
    response = office.post(
        url,
        {"file": _upload([["甲镇", 400, 380], ["丁乡", 1, 1], ["甲镇", 400, 381], ["乙乡", 400, "很多"]])},
    )
    assert response.status_code == 400
    page = response.content.decode()
    for text in (
        "「丁乡」不是「乡镇」的参加考核单位",
        "「甲镇」与第2行重复",
        "应为不小于 0 的数字，不是「很多」",
        "未导入任何数据",
    ):
        assert text in page
    assert not Target.objects.filter(actual__isnull=False).exists()
    clerk = Client()
    clerk.force_login(world.users["clerk_a"])  # a township never enters its own score
    assert clerk.post(url, {"file": _upload([["甲镇", 400, 999]])}).status_code == 403
    assert not Target.objects.filter(actual__isnull=False).exists()
