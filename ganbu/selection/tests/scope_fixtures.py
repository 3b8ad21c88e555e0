"""Objects of 选拔任用 outside 甲镇 for the scope walk (home/tests/test_scope_walk.py): a case of 乙乡
whose candidate, step and file carry the marker."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Model

from ganbu.org.models import Post
from ganbu.selection.models import Candidate, Case, Step, StepDocument
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

MARKER = "越权标记"


def _case(world: World) -> tuple[Model, str]:
    post = Post.objects.create(unit=world.town_b, name=f"{MARKER}乡长", level="1A41")
    case = Case.objects.create(title=f"{MARKER}选拔任用", unit=world.town_b, post=post)
    cadre = make_cadre(world.town_b, f"{MARKER}人选")
    Candidate.objects.create(case=case, cadre=cadre, name=cadre.name)
    step = Step.objects.create(case=case, kind="动议", day=date(2026, 6, 1), decision=f"{MARKER}动议")
    document = StepDocument(step=step, name=f"{MARKER}.pdf", sha256="0" * 64)
    document.file.save("scope.pdf", ContentFile(b"%PDF-1.4 " + MARKER.encode()), save=True)
    return case, MARKER


def _doc_id(obj: Any) -> int:
    found = StepDocument.objects.filter(step__case=obj).first()
    return found.pk if found else 0


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {Case: _case}
KWARG_FILLERS: dict[str, Callable[[Model], object]] = {"doc": _doc_id, "document": lambda obj: "record"}
