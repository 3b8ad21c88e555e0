"""Ids in POST bodies (and query strings) that point outside the user's scope.

The project-wide scope walk attacks URL kwargs only; here every form that takes an id of another
object (households in a log, the village of a request, the cadre of an assignment, the login to link,
the entries of an evaluation's grades, photos to remove) is given one of 乙乡/乙村 by a user of
甲镇/甲村, and must refuse it without writing anything and without echoing the object's data."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ganbu.cadres.models import Cadre, EvaluationRecord
from ganbu.org.models import Role
from ganbu.testing.world import World, make_user
from ganbu.villagework.models import (
    Assignment,
    Evaluation,
    EvaluationEntry,
    EvaluationStatus,
    LogKind,
    LogPhoto,
    VillagerRequest,
    Visit,
    WorkLog,
)
from ganbu.villagework.services import evaluation as evaluation_services
from ganbu.villagework.services.logs import log_create
from ganbu.villagework.services.settings import settings_update
from ganbu.villagework.tests.factories import VillageWorld, vw

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
BUNDLED = {"村级创业承诺": "90", "村务财务党务公开": "85", "社会治安综合治理": "80", "村级组织建设": "95"}


@pytest.fixture
def v(world: World) -> VillageWorld:
    return vw(world)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _shows(page: object, text: str) -> bool:
    """Whether the page carries `text`, literally or JSON-escaped (json_script escapes non-ASCII)."""
    content = page.content.decode()  # type: ignore[attr-defined]
    return text in content or json.dumps(text)[1:-1] in content


def _log(v: VillageWorld, cadre: Cadre | None = None, **fields: object) -> WorkLog:
    cadre = cadre or v.cadre_a
    village = v.world.village_a if cadre == v.cadre_a else v.world.village_b
    values: dict[str, object] = {
        "actor": None,
        "cadre": cadre,
        "village": village,
        "logged_on": timezone.localdate(),
        "kind": LogKind.VISIT,
        "content": "走访",
        **fields,
    }
    return log_create(**values)  # type: ignore[arg-type]


# --- the 驻村干部's log form ---------------------------------------------------------------------


def test_a_log_cannot_visit_households_of_another_village_nor_echo_their_names(v: VillageWorld) -> None:
    cadre = _client(v.world.users["village_cadre"])
    foreign = v.households_b[0]  # 赵敏 of 乙村
    url = reverse("villagework:log_create")
    base = {"logged_on": timezone.localdate().isoformat(), "village": v.world.village_a.pk, "kind": "visit"}
    # content missing: the form is shown again with the chosen households; 乙村's must not appear
    page = cadre.post(url, {**base, "content": "", "households": [v.households_a[0].pk, foreign.pk]})
    assert page.status_code == 200 and "工作内容不能为空" in page.content.decode()
    assert _shows(page, v.households_a[0].head_name) and not _shows(page, foreign.head_name)
    # content given: the foreign household is refused and nothing is stored
    page = cadre.post(url, {**base, "content": "走访", "households": [foreign.pk]})
    assert "不属于甲村" in page.content.decode() and not _shows(page, foreign.head_name)
    assert not WorkLog.objects.exists() and not Visit.objects.exists()


def test_a_log_cannot_name_another_village_or_raise_a_request_for_its_household(v: VillageWorld) -> None:
    cadre = _client(v.world.users["village_cadre"])
    url = reverse("villagework:log_create")
    base = {"logged_on": timezone.localdate().isoformat(), "kind": "visit", "content": "走访"}
    page = cadre.post(url, {**base, "village": v.world.village_b.pk})
    assert page.status_code == 200 and "请选择您驻的村" in page.content.decode()
    page = cadre.post(
        url,
        {
            **base,
            "village": v.world.village_a.pk,
            "req_category": "other",
            "req_description": "修路",
            "req_household": v.households_b[0].pk,
        },
    )
    assert "第1条诉求：所选农户不属于甲村" in page.content.decode()
    # a household id that is not a number is a form error, not a server error
    page = cadre.post(
        url,
        {
            **base,
            "village": v.world.village_a.pk,
            "req_category": "other",
            "req_description": "修路",
            "req_household": "x1",
        },
    )
    assert page.status_code == 200 and "第1条诉求：所选农户不属于甲村" in page.content.decode()
    assert not WorkLog.objects.exists() and not VillagerRequest.objects.exists()


def test_editing_a_log_cannot_add_foreign_households_or_remove_another_logs_photo(v: VillageWorld) -> None:
    own = _log(v)
    other = _log(v, v.cadre_b, photos=[PNG])
    other_photo = LogPhoto.objects.get(log=other)
    cadre = _client(v.world.users["village_cadre"])
    url = reverse("villagework:log_edit", args=[own.pk])
    base = {"logged_on": own.logged_on.isoformat(), "kind": "visit", "content": "走访"}
    page = cadre.post(url, {**base, "households": [v.households_b[1].pk]})
    assert page.status_code == 200 and not _shows(page, v.households_b[1].head_name)
    assert "不属于甲村" in page.content.decode()
    page = cadre.post(url, {**base, "remove_photos": [other_photo.pk]})
    assert page.status_code == 200 and "要删除的照片不属于该记录" in page.content.decode()
    assert LogPhoto.objects.filter(pk=other_photo.pk).exists()
    assert not Visit.objects.filter(log=own).exists()


# --- requests ------------------------------------------------------------------------------------


def test_a_request_cannot_be_raised_in_another_village_or_for_its_household_or_cadre(
    v: VillageWorld,
) -> None:
    clerk = _client(v.world.users["clerk_a"])
    url = reverse("villagework:request_create")
    today = timezone.localdate().isoformat()
    data = {"category": "other", "description": "修路", "raised_on": today}
    assert clerk.post(url, {**data, "village": v.world.village_b.pk}).status_code == 404
    assert clerk.get(url, {"village": v.world.village_b.pk}).status_code == 404
    foreign_log = _log(v, v.cadre_b)
    assert clerk.post(url, {**data, "log": foreign_log.pk}).status_code == 404
    page = clerk.post(url, {**data, "village": v.world.village_a.pk, "household": v.households_b[0].pk})
    assert page.status_code == 200 and not _shows(page, v.households_b[0].head_name)
    page = clerk.post(url, {**data, "village": v.world.village_a.pk, "cadre": v.cadre_b.pk})
    assert page.status_code == 200 and not _shows(page, v.cadre_b.name)
    # a digit that int() does not take is not a server error
    assert clerk.get(url, {"village": "²"}).status_code == 200
    assert not VillagerRequest.objects.exists()


def test_the_request_service_refuses_a_cadre_not_stationed_in_the_village(v: VillageWorld) -> None:
    from ganbu.villagework.services.requests import request_create

    with pytest.raises(ValidationError) as caught:
        request_create(
            actor=v.world.users["clerk_a"],
            village=v.world.village_a,
            category="other",
            description="修路",
            cadre=v.cadre_b,
        )
    assert "cadre" in caught.value.message_dict
    assert not VillagerRequest.objects.exists()


# --- assignments and the cadre's login -----------------------------------------------------------


def test_an_assignment_cannot_take_a_cadre_or_village_of_another_township(v: VillageWorld) -> None:
    clerk = _client(v.world.users["clerk_a"])
    url = reverse("villagework:assignment_create")
    today = timezone.localdate().isoformat()
    data = {"role": "stationed", "started_on": today, "village": v.world.village_a.pk}
    assert clerk.post(url, {**data, "cadre": v.cadre_b.pk}).status_code == 404
    assert clerk.get(url, {"cadre": v.cadre_b.pk}).status_code == 404
    ours = Cadre.objects.create(
        **{
            f.name: getattr(v.cadre_a, f.name)
            for f in Cadre._meta.concrete_fields
            if f.name not in ("id", "account", "id_number", "created_at", "updated_at")
        },
        id_number="469099199001010011",
    )
    page = clerk.post(url, {**data, "cadre": ours.pk, "village": v.world.village_b.pk})
    assert page.status_code == 200
    assert not Assignment.objects.filter(cadre=ours).exists()
    assert not Assignment.objects.filter(village=v.world.village_b).exclude(pk=v.assignment_b.pk).exists()


def test_linking_cannot_take_a_login_of_another_township(v: VillageWorld) -> None:
    foreign = make_user("cadre_b_login", Role.VILLAGE_CADRE, v.world.village_b)
    clerk = _client(v.world.users["clerk_a"])
    url = reverse("villagework:assignment_link_account", args=[v.assignment_a.pk])
    page = clerk.post(url, {"user": foreign.pk, "new_username": ""})
    assert page.status_code == 200 and not _shows(page, "cadre_b_login")
    v.cadre_a.refresh_from_db()
    assert v.cadre_a.account == v.world.users["village_cadre"]
    assert not Cadre.objects.filter(account=foreign).exists()


# --- evaluation --------------------------------------------------------------------------------


def test_finalizing_ignores_and_refuses_entries_of_another_township(v: VillageWorld) -> None:
    settings_update(actor=None, part_weights={"ballot": 0, "bundled": 100, "work": 0})
    year = timezone.localdate().year - 1
    Assignment.objects.filter(pk__in=[v.assignment_a.pk, v.assignment_b.pk]).update(
        started_on=timezone.localdate().replace(year=year, month=1, day=1) - timedelta(days=1)
    )
    mine = evaluation_services.evaluation_create(township=v.world.town_a, year=year, actor=None)
    theirs = evaluation_services.evaluation_create(township=v.world.town_b, year=year, actor=None)
    for evaluation in (mine, theirs):
        for entry in evaluation.entries.all():
            evaluation_services.bundled_scores_enter(entry=entry, scores=BUNDLED, actor=None)
        evaluation_services.evaluation_compute(evaluation=evaluation, actor=None)
    foreign = EvaluationEntry.objects.get(evaluation=theirs)
    assert foreign.suggested_grade and foreign.final_grade == ""
    own = EvaluationEntry.objects.get(evaluation=mine)
    clerk = _client(v.world.users["clerk_a"])
    url = reverse("villagework:evaluation_finalize", args=[mine.pk])
    response = clerk.post(
        url,
        {
            f"grade_{own.pk}": own.suggested_grade,
            f"grade_{foreign.pk}": "4",
            f"reason_{foreign.pk}": "越权",
        },
    )
    assert response.status_code == 302
    foreign.refresh_from_db()
    theirs.refresh_from_db()
    assert foreign.final_grade == "" and theirs.status == EvaluationStatus.SCORED
    assert not EvaluationRecord.objects.filter(cadre=v.cadre_b).exists()
    assert EvaluationRecord.objects.get(cadre=v.cadre_a).score == Decimal("87.50")
    with pytest.raises(ValidationError, match="不属于本次考核"):
        evaluation_services.evaluation_finalize(
            evaluation=mine, grades={foreign.pk: "4"}, actor=v.world.users["clerk_a"]
        )


def test_an_evaluation_cannot_be_opened_for_another_township(v: VillageWorld) -> None:
    clerk = _client(v.world.users["clerk_a"])
    year = timezone.localdate().year
    page = clerk.post(reverse("villagework:evaluation_create"), {"township": v.world.town_b.pk, "year": year})
    assert page.status_code == 200 and "选择一个有效的选项" in page.content.decode()
    assert not Evaluation.objects.exists()
