"""Scope-walk fixtures (home/tests/test_scope_walk.py): for every 驻村 model a view exposes, one
object in 乙乡/乙村 carrying a marker that would show if it leaked."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.core.files.base import ContentFile
from django.db.models import Model
from django.utils import timezone

from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World
from ganbu.villagework.models import (
    Assignment,
    Evaluation,
    EvaluationEntry,
    Household,
    LogPhoto,
    RequestCategory,
    VillagerRequest,
    VillageWorkSettings,
    Visit,
    WorkLog,
)
from ganbu.villagework.tests.factories import make_household

MARKER = "越权标记"
_PNG = b"\x89PNG\r\n\x1a\n" + MARKER.encode()


def _household(world: World) -> tuple[Model, str]:
    return make_household(world.village_b, f"{MARKER}赵户主", phone="13800000000"), MARKER


def _assignment(world: World) -> tuple[Model, str]:
    cadre = make_cadre(world.town_b, f"{MARKER}吴")
    return (
        Assignment.objects.create(
            cadre=cadre, village=world.village_b, started_on=date(2024, 3, 1), duties=f"{MARKER}任务"
        ),
        MARKER,
    )


def _log(world: World) -> tuple[Model, str]:
    assignment, _ = _assignment(world)
    assert isinstance(assignment, Assignment)
    household = make_household(world.village_b, f"{MARKER}钱户主")
    log = WorkLog.objects.create(
        cadre=assignment.cadre,
        village=world.village_b,
        assignment=assignment,
        logged_on=timezone.localdate(),
        kind="visit",
        content=f"{MARKER}走访内容",
    )
    Visit.objects.create(
        log=log,
        household=household,
        village=world.village_b,
        cadre=assignment.cadre,
        visited_on=log.logged_on,
    )
    # a stored photo, so the county admin can GET villagework:log_photo (helper B)
    photo = LogPhoto(log=log, size=len(_PNG), sha256="0" * 64)
    photo.image.save(f"log{log.pk}_scopewalk.png", ContentFile(_PNG), save=False)
    photo.save()
    return log, MARKER


def _request(world: World) -> tuple[Model, str]:
    household = make_household(world.village_b, f"{MARKER}孙户主")
    request = VillagerRequest.objects.create(
        village=world.village_b,
        household=household,
        category=RequestCategory.INFRASTRUCTURE,
        description=f"{MARKER}修路",
        raised_on=date(2026, 1, 5),
        due_on=date(2026, 1, 20),
    )
    return request, MARKER


def _evaluation(world: World) -> tuple[Model, str]:
    settings = VillageWorkSettings.current()
    evaluation = Evaluation.objects.create(
        township=world.town_b,
        year=2026,
        title=f"{MARKER}乙乡2026年度驻村干部考核",
        rater_groups=settings.rater_groups,
        bundled_items=settings.bundled_items,
        part_weights=settings.part_weights,
        grade_thresholds=settings.grade_thresholds,
        weekly_visit_quota=settings.weekly_visit_quota,
    )
    return evaluation, MARKER


def _entry(world: World) -> tuple[Model, str]:
    evaluation, _ = _evaluation(world)
    assert isinstance(evaluation, Evaluation)
    cadre = make_cadre(world.town_b, f"{MARKER}郑")
    entry = EvaluationEntry.objects.create(
        evaluation=evaluation, cadre=cadre, village=world.village_b, bundled_scores={"村级组织建设": "88"}
    )
    return entry, MARKER


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {
    Household: _household,
    Assignment: _assignment,
    WorkLog: _log,
    VillagerRequest: _request,
    Evaluation: _evaluation,
    EvaluationEntry: _entry,
}


# --- helper B (logs and requests): URL kwargs besides the object's pk -------------------------


def _first_photo_id(obj: Model) -> int:
    assert isinstance(obj, WorkLog)
    photo = obj.photos.first()
    return photo.pk if photo is not None else 0


KWARG_FILLERS: dict[str, Callable[[Model], object]] = globals().get("KWARG_FILLERS", {})
KWARG_FILLERS["photo_id"] = _first_photo_id
