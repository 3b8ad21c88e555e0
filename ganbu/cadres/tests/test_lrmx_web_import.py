"""The LRMX import page (`/cadres/import/lrmx/`, issue 12): the national software's files imported by
clerks in the browser, one file or a zip of many, each all or nothing, every outcome listed with its
reason and the parser's warnings; hostile files become messages, never a 500; scope holds."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.cadres import lrmx_views
from ganbu.cadres.lrmx import MAX_BYTES
from ganbu.cadres.models import Cadre
from ganbu.cadres.tests.test_lrmx import minimal_lrmx
from ganbu.core.models import Job, JobStatus
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "lrmx_files"
NAMES = ["wang_wei.lrmx", "li_hong.lrmx", "zhao_gang.lrmx"]
PAGE = "cadres:lrmx_import"


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _fixture(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _zip(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _post(client: Client, unit: Any, files: list[tuple[str, bytes]], category: str = "1") -> Any:
    uploads = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post(
        reverse(PAGE), {"unit": unit.pk, "personnel_category": category, "uploads": uploads}, follow=True
    )


def _rows(response: Any) -> dict[str, dict[str, Any]]:
    """The result entries of the job page, by file name."""
    return {f["name"]: f for f in response.context["files"]}


def test_it_imports_one_lrmx_file_with_its_warning_shown(world: World) -> None:
    data = _fixture("li_hong.lrmx")
    response = _post(_client(world, "clerk_a"), world.town_a, [("李红.lrmx", data)], category="5")
    assert response.status_code == 200
    job = response.context["job"]
    assert response.redirect_chain == [(reverse("cadres:lrmx_import_job", kwargs={"pk": job.pk}), 302)]
    cadre = Cadre.objects.get()
    assert (cadre.name, cadre.unit, cadre.personnel_category) == ("李红", world.town_a, "5")
    row = _rows(response)["李红.lrmx"]
    assert (row["outcome"], row["cadre"]) == ("created", cadre.pk)
    html = response.content.decode()
    # 「201106；民盟」 is read as 中共党员 with a warning, shown on the page beside the file
    assert any("民盟" in w for w in row["warnings"])
    assert "提示：" in html and "民盟" in html
    assert "新增：<strong>1</strong>" in html
    job.refresh_from_db()
    assert (job.status, job.created_count, job.updated_count) == (JobStatus.SUCCEEDED, 1, 0)
    event = AuditEvent.objects.get(action="cadre.lrmx_import")
    assert event.actor_id == world.users["clerk_a"].pk
    assert event.payload["uploads"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.payload["files"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert event.payload["files"][0]["outcome"] == "created"
    assert AuditEvent.objects.filter(action="cadre.create", object_id=str(cadre.pk)).exists()


def test_a_zip_of_the_fixtures_imports_them_and_a_second_import_updates(world: World) -> None:
    archive = _zip({name: _fixture(name) for name in NAMES})
    client = _client(world, "clerk_a")
    first = _post(client, world.town_a, [("批量.zip", archive)])
    assert {n: r["outcome"] for n, r in _rows(first).items()} == dict.fromkeys(NAMES, "created")
    assert sorted(Cadre.objects.values_list("name", flat=True)) == sorted(["王伟", "李红", "赵刚"])
    assert set(Cadre.objects.values_list("unit", flat=True)) == {world.town_a.pk}
    assert all(r["archive"] == "批量.zip" for r in _rows(first).values())

    second = _post(client, world.town_a, [("批量.zip", archive)])
    assert {n: r["outcome"] for n, r in _rows(second).items()} == dict.fromkeys(NAMES, "updated")
    assert Cadre.objects.count() == 3  # matched by 身份证号, never duplicated
    assert second.context["counts"] == {"created": 0, "updated": 3, "failed": 0, "skipped": 0}
    # several .lrmx files chosen at once (in the request), again updates
    third = _post(client, world.town_a, [(n, _fixture(n)) for n in NAMES])
    assert {n: r["outcome"] for n, r in _rows(third).items()} == dict.fromkeys(NAMES, "updated")
    assert Cadre.objects.count() == 3


def test_bad_and_hostile_files_fail_with_their_reasons_while_the_good_ones_import(world: World) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<Person><XingMing>&lol2;</XingMing></Person>"
    )
    archive = _zip(
        {
            "wang_wei.lrmx": _fixture("wang_wei.lrmx"),
            "坏民族.lrmx": minimal_lrmx(MinZu="火星族"),
            "不是xml.lrmx": b"\x00\x01 this is not xml",
            "实体.lrmx": bomb,
            "gbk.lrmx": minimal_lrmx(XingMing="陈明").decode().encode("gbk"),
            "../../etc/穿越.lrmx": minimal_lrmx(ChuShengNianYue="abc"),
            "inner.zip": _zip({"li_hong.lrmx": _fixture("li_hong.lrmx")}),
            "巨大.lrmx": b"<Person>" + b" " * (MAX_BYTES + 10) + b"</Person>",
            "说明.txt": b"readme",
        }
    )
    response = _post(
        _client(world, "clerk_a"),
        world.town_a,
        [("批量.zip", archive), ("zhao_gang.lrmx", _fixture("zhao_gang.lrmx")), ("坏.zip", b"PK not a zip")],
    )
    assert response.status_code == 200
    rows = _rows(response)
    assert rows["wang_wei.lrmx"]["outcome"] == "created"
    assert rows["zhao_gang.lrmx"]["outcome"] == "created"
    failed = {n: r["message"] for n, r in rows.items() if r["outcome"] == "failed"}
    assert "MinZu（民族）「火星族」不在代码表中" in failed["坏民族.lrmx"]
    assert "ChuShengNianYue" in failed["../../etc/穿越.lrmx"]
    assert "DOCTYPE" in failed["实体.lrmx"]
    assert "UTF-8" in failed["gbk.lrmx"]
    assert failed["不是xml.lrmx"]
    assert "5 MB" in failed["巨大.lrmx"]
    assert "不是有效的 zip 压缩包" in failed["坏.zip"]
    assert {n for n, r in rows.items() if r["outcome"] == "skipped"} == {"inner.zip", "说明.txt"}
    # the clerk sees the failures first, the skipped files last
    order = [f["outcome"] for f in response.context["files"]]
    assert order == ["failed"] * 7 + ["created"] * 2 + ["skipped"] * 2
    # each file all or nothing: only the good ones are in
    assert sorted(Cadre.objects.values_list("name", flat=True)) == sorted(["王伟", "赵刚"])
    html = response.content.decode()
    assert "MinZu（民族）「火星族」不在代码表中" in html
    assert response.context["counts"] == {"created": 2, "updated": 0, "failed": 7, "skipped": 2}
    assert not Path("/etc/穿越.lrmx").exists()


def test_the_form_refuses_other_files_and_sizes_with_a_chinese_message(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _client(world, "clerk_a")
    cases = [
        ([("名单.xlsx", b"x")], "不是 .lrmx 文件或 .zip 压缩包"),
        ([("大.lrmx", b" " * (MAX_BYTES + 1))], "超过 5 MB"),
        ([], "请选择要导入的 .lrmx 文件或 .zip 压缩包"),
    ]
    for files, message in cases:
        response = _post(client, world.town_a, files)
        assert response.status_code == 200
        assert message in response.content.decode()
    monkeypatch.setattr(lrmx_views, "MAX_ZIP_BYTES", 1000)
    response = _post(client, world.town_a, [("批量.zip", _zip({"a.lrmx": b"x" * 5000}, zipfile.ZIP_STORED))])
    assert "超过 0 MB，请拆分" in response.content.decode()
    assert not Job.objects.exists() and not Cadre.objects.exists()


def test_too_many_files_at_once_is_refused_not_a_server_error(world: World) -> None:
    files = [(f"{i}.lrmx", b"x") for i in range(lrmx_views.MAX_FILES + 1)]
    response = _post(_client(world, "clerk_a"), world.town_a, files)
    assert response.status_code == 200
    # Django drops a body with more files than it reads (DATA_UPLOAD_MAX_NUMBER_FILES): the page says so
    assert lrmx_views.UNREADABLE in response.content.decode()
    assert not Job.objects.exists()


def test_a_township_clerk_imports_into_its_own_township_only(world: World) -> None:
    client = _client(world, "clerk_a")
    page = client.get(reverse(PAGE))
    assert list(page.context["form"].fields["unit"].queryset) == [world.town_a]  # no village, no 乙乡
    for unit in (world.town_b, world.village_a, world.county):
        response = _post(client, unit, [("li_hong.lrmx", _fixture("li_hong.lrmx"))])
        assert response.status_code == 200
        assert response.context["form"].errors["unit"]
    assert not Cadre.objects.exists() and not Job.objects.exists()


def test_a_clerk_cannot_update_a_cadre_of_another_township(world: World) -> None:
    data = _fixture("li_hong.lrmx")
    _post(_client(world, "clerk_b"), world.town_b, [("li_hong.lrmx", data)])
    cadre = Cadre.objects.get()
    response = _post(_client(world, "clerk_a"), world.town_a, [("li_hong.lrmx", data)])
    row = _rows(response)["li_hong.lrmx"]
    assert row["outcome"] == "failed" and row["message"] == lrmx_views.OUT_OF_SCOPE
    assert "cadre" not in row
    cadre.refresh_from_db()
    assert cadre.unit == world.town_b and Cadre.objects.count() == 1


def test_the_county_may_import_into_any_unit_but_a_village(world: World) -> None:
    client = _client(world, "county")
    units = list(client.get(reverse(PAGE)).context["form"].fields["unit"].queryset)
    assert world.town_b in units and world.dept in units
    assert world.village_a not in units and world.village_b not in units
    response = _post(client, world.town_b, [("zhao_gang.lrmx", _fixture("zhao_gang.lrmx"))])
    assert _rows(response)["zhao_gang.lrmx"]["outcome"] == "created"
    assert Cadre.objects.get().unit == world.town_b


def test_a_zip_runs_as_a_background_job_with_a_progress_page(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    monkeypatch.setattr(lrmx_views, "run_in_background", lambda fn, *a, **kw: started.append((fn, a, kw)))
    client = _client(world, "clerk_a")
    response = _post(client, world.town_a, [("批量.zip", _zip({n: _fixture(n) for n in NAMES}))])
    job = response.context["job"]
    assert job.status == JobStatus.PENDING and len(started) == 1
    assert 'hx-trigger="every 1s"' in response.content.decode()
    assert not Cadre.objects.exists()
    fn, args, kwargs = started[0]
    fn(*args, **kwargs)  # what the thread does
    polled = client.get(reverse("cadres:lrmx_import_job", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    assert "every 1s" not in polled.content.decode()
    assert polled.context["counts"]["created"] == 3 and Cadre.objects.count() == 3
    # a few .lrmx files chosen one by one are imported in the request
    _post(client, world.town_a, [("li_hong.lrmx", _fixture("li_hong.lrmx"))])
    assert len(started) == 1


def test_the_recent_imports_and_job_pages_stay_in_scope(world: World) -> None:
    _post(_client(world, "clerk_b"), world.town_b, [("乙乡的.lrmx", _fixture("zhao_gang.lrmx"))])
    job = Job.objects.get(kind=lrmx_views.LRMX_JOB)
    url = reverse("cadres:lrmx_import_job", kwargs={"pk": job.pk})
    clerk_a = _client(world, "clerk_a")
    assert "乙乡的.lrmx" not in clerk_a.get(reverse(PAGE)).content.decode()
    assert clerk_a.get(url).status_code == 404
    assert "乙乡的.lrmx" in _client(world, "county").get(reverse(PAGE)).content.decode()
    assert _client(world, "county").get(url).status_code == 200


def test_access_anonymous_wrong_role_and_wrong_method(world: World) -> None:
    response = Client().get(reverse(PAGE))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for role in ("committee", "village_cadre", "dept"):
        assert _client(world, role).get(reverse(PAGE)).status_code == 403
    assert _client(world, "clerk_a").put(reverse(PAGE)).status_code == 405
    _post(_client(world, "clerk_a"), world.town_a, [("li_hong.lrmx", _fixture("li_hong.lrmx"))])
    job = Job.objects.get()
    url = reverse("cadres:lrmx_import_job", kwargs={"pk": job.pk})
    assert _client(world, "clerk_a").post(url).status_code == 405


def test_the_excel_import_page_links_to_it(world: World) -> None:
    html = _client(world, "clerk_a").get(reverse("cadres:import")).content.decode()
    assert reverse(PAGE) in html
