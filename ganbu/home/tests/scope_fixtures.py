"""For every model a view exposes, how to make one object *outside* 甲镇 (in 乙乡) with a marker
text that the page would show if it leaked. New models exposed by views must be added here or in
their own app's `tests/scope_fixtures.py` (which defines `SCOPE_FIXTURES` and optionally
`KWARG_FILLERS`; they are merged below); the scope walk fails and says so otherwise."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from django.db.models import Model
from PIL import Image

from ganbu.audit.models import AuditEvent
from ganbu.audit.services import record_event
from ganbu.cadres.models import Cadre, FamilyMember
from ganbu.cadres.services import cadre_set_photo
from ganbu.core.models import Job
from ganbu.org.models import Unit, User
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

MARKER = "越权标记"


def _small_jpeg() -> bytes:
    """A real photo: stored photos are decoded and re-encoded, so a fake one is refused."""
    out = io.BytesIO()
    Image.new("RGB", (30, 40), (180, 30, 30)).save(out, "JPEG")
    return out.getvalue()


Factory = Callable[[World], tuple[Model, str]]


def _unit(world: World) -> tuple[Model, str]:
    unit = world.village_b
    Unit.objects.filter(pk=unit.pk).update(name=f"{MARKER}乙村")
    unit.refresh_from_db()
    return unit, MARKER


def _audit_event(world: World) -> tuple[Model, str]:
    event = record_event(
        actor=None, action="test.outside", object_label=f"{MARKER}事件", unit_path=world.village_b.path
    )
    return event, MARKER


def _cadre(world: World) -> tuple[Model, str]:
    cadre = make_cadre(world.village_b, f"{MARKER}王五", current_title=f"{MARKER}村主任")
    FamilyMember.objects.create(cadre=cadre, relation="12", name=f"{MARKER}妻", birth_date=date(1986, 1, 1))
    cadre_set_photo(cadre=cadre, content=_small_jpeg(), actor=None)
    return cadre, MARKER


def _import_job(world: World) -> tuple[Model, str]:
    job = Job.objects.create(
        kind="cadres.import",
        scope_path=world.town_b.path,
        created_by=world.users["clerk_b"],
        filename=f"{MARKER}.xlsx",
        status="failed",
        errors=[{"row": 2, "column": "姓名", "message": MARKER}],
    )
    return job, MARKER


def _account(world: World) -> tuple[Model, str]:
    user = User.objects.create_user(username="outside_b", role="township", scope_unit=world.town_b)
    User.objects.filter(pk=user.pk).update(display_name=f"{MARKER}文书")
    user.refresh_from_db()
    return user, MARKER


SCOPE_FIXTURES: dict[type[Model], Factory] = {
    Unit: _unit,
    AuditEvent: _audit_event,
    Cadre: _cadre,
    Job: _import_job,
    User: _account,
}


def _family_id(obj: Model) -> int:
    assert isinstance(obj, Cadre)
    member = obj.family.first()
    assert member is not None
    return member.pk


# Fixtures for single routes whose object is a special case of its model (e.g. a job of one kind),
# by route name; they take precedence over SCOPE_FIXTURES.
ROUTE_FIXTURES: dict[str, Factory] = {}

# Values for URL kwargs other than the scoped object's own key, given that object.
KWARG_FILLERS: dict[str, Callable[[Model], object]] = {
    "kind": lambda obj: "family",
    "rid": _family_id,
}


def _merge_app_fixtures() -> None:
    import importlib

    from django.apps import apps

    for config in apps.get_app_configs():
        if not config.name.startswith("ganbu.") or config.name == "ganbu.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.scope_fixtures")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.tests.scope_fixtures":
                raise
            continue
        SCOPE_FIXTURES.update(getattr(module, "SCOPE_FIXTURES", {}))
        ROUTE_FIXTURES.update(getattr(module, "ROUTE_FIXTURES", {}))
        KWARG_FILLERS.update(getattr(module, "KWARG_FILLERS", {}))


_merge_app_fixtures()
