"""Registry pages as users would use them: search, filters, order, detail, edits, scope, masking."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.audit.models import AuditEvent
from ganbu.cadres.models import Appointment, Cadre, FamilyMember
from ganbu.cadres.rules import make_id_number
from ganbu.cadres.tests.test_appointment_form import tiny_png
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _names(response: object) -> list[str]:
    return [c.name for c in response.context["page"].object_list]  # type: ignore[attr-defined]


@pytest.fixture
def people(world: World) -> dict[str, Cadre]:
    return {
        "张三": make_cadre(world.town_a, "张三", birth_date=date(1990, 5, 1)),
        "赵四": make_cadre(world.town_a, "赵四", birth_date=date(1970, 5, 1), gender="2"),
        "黄五": make_cadre(world.village_a, "黄五", ethnicity="19", political_status="13"),
        "丁一": make_cadre(world.town_a, "丁一", highest_education="11"),
        "王二": make_cadre(world.town_b, "王二"),
    }


def test_default_order_is_by_surname_strokes(world: World, people: dict[str, Cadre]) -> None:
    response = _client(world, "county").get(reverse("cadres:list"))
    assert _names(response) == ["丁一", "王二", "张三", "赵四", "黄五"]


def test_township_user_sees_only_their_township(world: World, people: dict[str, Cadre]) -> None:
    response = _client(world, "clerk_a").get(reverse("cadres:list"))
    assert set(_names(response)) == {"丁一", "张三", "赵四", "黄五"}
    assert (
        _client(world, "clerk_a").get(reverse("cadres:detail", kwargs={"pk": people["王二"].pk})).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zs", ["张三", "赵四"]),
        ("zsan", []),
        ("zhangsan", ["张三"]),
        ("ZHANG", ["张三"]),
        ("赵", ["赵四"]),
        ("h", ["黄五"]),
    ],
)
def test_search_by_name_pinyin_and_initials(
    world: World, people: dict[str, Cadre], query: str, expected: list[str]
) -> None:
    assert _names(_client(world, "county").get(reverse("cadres:list"), {"q": query})) == expected


def test_search_by_id_number(world: World, people: dict[str, Cadre]) -> None:
    number = people["赵四"].id_number
    assert number
    assert _names(_client(world, "county").get(reverse("cadres:list"), {"q": number})) == ["赵四"]
    assert "赵四" in _names(_client(world, "county").get(reverse("cadres:list"), {"q": number[:10]}))


def test_filters(world: World, people: dict[str, Cadre]) -> None:
    client = _client(world, "county")
    url = reverse("cadres:list")
    assert _names(client.get(url, {"gender": "2"})) == ["赵四"]
    assert _names(client.get(url, {"ethnicity": "少数民族"})) == ["黄五"]
    assert _names(client.get(url, {"political": "党外"})) == ["黄五"]
    assert _names(client.get(url, {"education": "研究生"})) == ["丁一"]
    assert _names(client.get(url, {"unit": world.town_b.pk})) == ["王二"]
    assert set(_names(client.get(url, {"unit": world.town_a.pk}))) == {"丁一", "张三", "赵四", "黄五"}
    today = timezone.localdate()  # the app counts ages in Asia/Shanghai
    age_zhao = today.year - 1970 - ((today.month, today.day) < (5, 1))
    assert _names(client.get(url, {"age_min": age_zhao, "age_max": age_zhao})) == ["赵四"]


def test_order_by_age(world: World, people: dict[str, Cadre]) -> None:
    client = _client(world, "county")
    names = _names(client.get(reverse("cadres:list"), {"sort": "age"}))
    assert names[0] == "张三" and names[-1] == "赵四"
    assert _names(client.get(reverse("cadres:list"), {"sort": "-age"})) == names[::-1]


def test_registry_headers_sort_and_keep_the_filters(world: World, people: dict[str, Cadre]) -> None:
    client = _client(world, "county")
    response = client.get(reverse("cadres:list"), {"gender": "1", "sort": "age"})
    html = response.content.decode()
    assert 'aria-sort="ascending"' in html and "年龄 ▲" in html
    assert "?gender=1&amp;sort=-age" in html  # a second click reverses, the filter kept
    assert "?gender=1&amp;sort=since" in html
    # an undeclared key is the default 姓氏笔画 order, never passed to the database
    default = _names(client.get(reverse("cadres:list")))
    assert _names(client.get(reverse("cadres:list"), {"sort": "id_number"})) == default


def test_list_query_count_does_not_grow_with_rows(
    world: World, django_assert_max_num_queries: object
) -> None:
    for i in range(30):
        make_cadre(world.town_a, f"李{i}")
    client = _client(world, "county")
    url = reverse("cadres:list")
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get(url)
    assert len(response.context["page"].object_list) == 30


def test_id_number_is_masked_for_roles_without_the_capability(world: World, people: dict[str, Cadre]) -> None:
    cadre = people["张三"]
    FamilyMember.objects.create(cadre=cadre, relation="12", name="张妻秘")
    number = cadre.id_number or ""
    url = reverse("cadres:detail", kwargs={"pk": cadre.pk})
    full = _client(world, "county").get(url).content.decode()
    assert number in full and "张妻秘" in full
    masked = _client(world, "supervision").get(url).content.decode()
    # only the region code: the birth date is on the page, so the last digits would give it away
    assert number not in masked and number[6:] not in masked and number[:6] + "*" * 12 in masked
    assert "张妻秘" not in masked


def test_edit_basic_information(world: World, people: dict[str, Cadre]) -> None:
    cadre = people["张三"]
    url = reverse("cadres:edit", kwargs={"pk": cadre.pk})
    client = _client(world, "clerk_a")
    assert client.get(url).status_code == 200
    data = {
        "name": "张三",
        "gender": "1",
        "ethnicity": "01",
        "birth_date": "1990-05-01",
        "id_number": cadre.id_number,
        "political_status": "01",
        "party_joined_on": "2012-07-01",
        "work_started_on": "2012-07-01",
        "personnel_category": "1",
        "status": "active",
        "health": "良好",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    cadre.refresh_from_db()
    assert cadre.health == "良好"
    assert AuditEvent.objects.filter(action="cadre.update", object_id=str(cadre.pk)).exists()
    # a bad date order is shown in Chinese next to the field, nothing saved
    response = client.post(url, {**data, "party_joined_on": "2000-01-01", "health": "一般"})
    assert response.status_code == 200
    assert "入党时间应在年满18周岁之后" in response.content.decode()
    cadre.refresh_from_db()
    assert cadre.health == "良好"


def test_create_cadre_in_scope_only(world: World) -> None:
    born = date(1988, 8, 8)
    data = {
        "unit": world.town_b.pk,
        "name": "周九",
        "gender": "1",
        "ethnicity": "01",
        "birth_date": born.isoformat(),
        "id_number": make_id_number("469099", born, 3, "1"),
        "political_status": "13",
        "personnel_category": "1",
        "status": "active",
    }
    client = _client(world, "clerk_a")
    response = client.post(reverse("cadres:create"), data)
    assert response.status_code == 200 and not Cadre.objects.filter(name="周九").exists()
    response = client.post(reverse("cadres:create"), {**data, "unit": world.town_a.pk})
    assert response.status_code == 302
    assert Cadre.objects.get(name="周九").unit == world.town_a


def test_add_edit_delete_an_appointment_through_the_pages(world: World, people: dict[str, Cadre]) -> None:
    cadre = people["张三"]
    client = _client(world, "clerk_a")
    add = reverse("cadres:record_add", kwargs={"pk": cadre.pk, "kind": "appointment"})
    response = client.post(
        add,
        {
            "unit": world.town_a.pk,
            "title": "甲镇党政办主任",
            "level": "1A42",
            "is_leadership": "on",
            "is_primary": "on",
            "started_on": "2018-03-01",
        },
    )
    assert response.status_code == 302, response.content.decode()
    cadre.refresh_from_db()
    assert cadre.current_title == "甲镇党政办主任" and cadre.is_leader
    appointment = Appointment.objects.get(cadre=cadre)
    edit = reverse(
        "cadres:record_edit", kwargs={"pk": cadre.pk, "kind": "appointment", "rid": appointment.pk}
    )
    response = client.post(
        edit,
        {
            "unit": world.town_a.pk,
            "title": "甲镇党政办主任",
            "level": "1A42",
            "started_on": "2018-03-01",
            "ended_on": "2017-01-01",
        },
    )
    assert response.status_code == 200 and "免职时间应不早于任职时间" in response.content.decode()
    delete = reverse(
        "cadres:record_delete", kwargs={"pk": cadre.pk, "kind": "appointment", "rid": appointment.pk}
    )
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    cadre.refresh_from_db()
    assert cadre.current_title == "" and not cadre.is_leader
    actions = list(AuditEvent.objects.filter(object_id=str(cadre.pk)).values_list("action", flat=True))
    assert "cadre.appointment.create" in actions and "cadre.appointment.delete" in actions


def test_unknown_section_is_404(world: World, people: dict[str, Cadre]) -> None:
    url = reverse("cadres:record_add", kwargs={"pk": people["张三"].pk, "kind": "salary"})
    assert _client(world, "county").get(url).status_code == 404


def test_a_record_of_another_cadre_cannot_be_edited_through_this_one(
    world: World, people: dict[str, Cadre]
) -> None:
    other = FamilyMember.objects.create(cadre=people["赵四"], relation="12", name="赵妻")
    url = reverse("cadres:record_edit", kwargs={"pk": people["张三"].pk, "kind": "family", "rid": other.pk})
    assert _client(world, "clerk_a").post(url, {"relation": "12", "name": "改"}).status_code == 404
    other.refresh_from_db()
    assert other.name == "赵妻"


def test_history_shows_who_changed_what(world: World, people: dict[str, Cadre]) -> None:
    cadre = people["张三"]
    client = _client(world, "clerk_a")
    client.post(
        reverse("cadres:record_add", kwargs={"pk": cadre.pk, "kind": "assessment"}),
        {"year": "2024", "grade": "1"},
    )
    response = client.get(reverse("cadres:history", kwargs={"pk": cadre.pk}))
    body = response.content.decode()
    # the person and role (no name on this account: its login), the action in words, each field
    assert "clerk_a（乡镇）" in body and "新增年度考核结果" in body
    assert "cadre.assessment.create" not in body
    assert re.search(r"考核结果：</span>— <span[^>]*>→</span> [\u4e00-\u9fff]+", body)


def test_committee_member_cannot_edit(world: World, people: dict[str, Cadre]) -> None:
    url = reverse("cadres:record_add", kwargs={"pk": people["张三"].pk, "kind": "assessment"})
    assert _client(world, "committee").post(url, {"year": "2024", "grade": "1"}).status_code == 403


def test_photo_upload_and_scoped_download(world: World, people: dict[str, Cadre]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    cadre = people["张三"]
    client = _client(world, "clerk_a")
    upload = reverse("cadres:photo_upload", kwargs={"pk": cadre.pk})
    response = client.post(upload, {"photo": SimpleUploadedFile("a.txt", b"not an image")}, follow=True)
    assert "照片应为 JPG 或 PNG 格式的图片" in response.content.decode()
    cadre.refresh_from_db()
    assert not cadre.photo
    client.post(upload, {"photo": SimpleUploadedFile("a.png", tiny_png())})
    cadre.refresh_from_db()
    assert cadre.photo.name.endswith(".jpg")  # re-encoded: what is stored is never what was sent
    response = client.get(reverse("cadres:photo", kwargs={"pk": cadre.pk}))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response.content.startswith(b"\xff\xd8\xff")
    assert _client(world, "clerk_b").get(reverse("cadres:photo", kwargs={"pk": cadre.pk})).status_code == 404
    assert AuditEvent.objects.filter(action="cadre.photo", object_id=str(cadre.pk)).exists()


def test_detail_shows_special_evaluations_written_by_other_modules(
    world: World, people: dict[str, Cadre]
) -> None:
    from decimal import Decimal

    from ganbu.cadres.services import evaluation_record_write

    cadre = people["张三"]
    url = reverse("cadres:detail", kwargs={"pk": cadre.pk})
    assert "专项考核" in _client(world, "clerk_a").get(url).content.decode()
    evaluation_record_write(
        cadre=cadre,
        year=2025,
        kind="驻村考核",
        score=Decimal("84.85"),
        grade="2",
        source="villagework.evaluation:1",
        note="评议 91.20 × 50% + 捆绑 87.50 × 30% + 实绩 65.00 × 20% = 84.85",
        actor=None,
    )
    body = _client(world, "clerk_a").get(url).content.decode()
    section = body[body.index('id="special-evaluations"') :]
    assert "2025 年度" in section and "驻村考核" in section and "84.85 分" in section
    assert "称职" in section and "实绩 65.00 × 20%" in section
    assert "暂无记录" not in section.split("</section>")[0]


@pytest.mark.parametrize(
    ("route", "per_cadre", "fmt"),
    [
        ("cadres:export", False, "xlsx"),
        ("cadres:forms_zip", False, "appointment_form_zip"),
        ("cadres:appointment_form", True, "appointment_form"),
        ("cadres:lrmx", True, "lrmx"),
    ],
)
def test_every_export_is_audited_with_its_file_digest(
    world: World, people: dict[str, Cadre], route: str, per_cadre: bool, fmt: str
) -> None:
    import hashlib

    cadre = people["张三"]
    url = reverse(route, kwargs={"pk": cadre.pk}) if per_cadre else reverse(route)
    response = _client(world, "clerk_a").get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="cadre.export")
    assert event.payload["format"] == fmt
    assert event.payload["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert event.payload["bytes"] == len(response.content)
    assert event.payload["filename"]
    assert event.unit_path.startswith(world.town_a.path)
    if per_cadre:
        assert event.object_id == str(cadre.pk)
