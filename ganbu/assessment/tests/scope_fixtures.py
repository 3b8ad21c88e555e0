"""Objects of 综合考核 outside 甲镇 for the scope walk (home/tests/test_scope_walk.py): a cycle whose
only participant is 乙乡, on a scheme whose name carries the marker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.db.models import Model

from ganbu.assessment.models import (
    AnnualEntry,
    AnnualReview,
    Computation,
    Cycle,
    Participant,
    ProgressFile,
    Scheme,
    Target,
    Track,
)
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

MARKER = "越权标记"  # the scope walk looks for this text (home/tests/scope_fixtures.py)

SCHEME = {
    "name": f"{MARKER}考核方案",
    "total": 100,
    "indicators": [{"code": "A1", "name": f"{MARKER}评定", "weight": 100, "rule": "manual"}],
    "grades": [],
}


def _participant(world: World) -> Participant:
    scheme = Scheme.objects.create(name=f"{MARKER}考核方案", year=2026, definition=SCHEME)
    cycle = Cycle.objects.create(year=2026, name=f"{MARKER}考核年度")
    track = Track.objects.create(cycle=cycle, category=f"{MARKER}类别", scheme=scheme)
    return Participant.objects.create(cycle=cycle, track=track, unit=world.town_b)


def _scheme(world: World) -> tuple[Model, str]:
    return _participant(world).track.scheme, MARKER


def _cycle(world: World) -> tuple[Model, str]:
    return _participant(world).cycle, MARKER


def _track(world: World) -> tuple[Model, str]:
    return _participant(world).track, MARKER


def _in_b(world: World) -> tuple[Model, str]:
    return _participant(world), MARKER


def _review_with_report(world: World) -> tuple[Model, str]:
    """A review of 乙乡 whose participant has a 述职报告 (the download route)."""
    review = AnnualReview.objects.create(unit=world.town_b, year=2026, result={"participants": []})
    entry = AnnualEntry.objects.create(
        review=review, cadre=make_cadre(world.town_b, f"{MARKER}述职人"), role="staff"
    )
    entry.report.save("r.pdf", ContentFile(b"%PDF-1.4 " + MARKER.encode()), save=False)
    entry.report_name = f"{MARKER}.pdf"
    entry.save()
    return review, MARKER


def _entry_id(obj: Any) -> int:
    entry = AnnualEntry.objects.filter(review_id=obj.pk).first()
    return entry.pk if entry else 0


def _review(world: World) -> tuple[Model, str]:
    return AnnualReview.objects.create(
        unit=world.town_b, year=2026, result={"participants": [], "marker": MARKER}
    ), MARKER


SCOPE_FIXTURES: dict[type[Model], Callable[[World], tuple[Model, str]]] = {
    AnnualReview: _review,
    Scheme: _scheme,
    Cycle: _cycle,
    Track: _track,
    Participant: _in_b,
}


def _with_file(world: World) -> tuple[Model, str]:
    """A participant of 乙乡 with an attachment on a target (the download route)."""
    participant = _participant(world)
    target = Target.objects.create(participant=participant, leaf="A1")
    item = ProgressFile(
        target=target, name=f"{MARKER}.pdf", size=9, sha256="0" * 64, content_type="application/pdf"
    )
    item.file.save("scope.pdf", ContentFile(b"%PDF-1.4 " + MARKER.encode()), save=True)
    return participant, MARKER


def _run_id(obj: Any) -> int:
    run = Computation.objects.filter(cycle=obj).first()
    return run.pk if run else 0


def _with_run(world: World) -> tuple[Model, str]:
    """A cycle of 乙乡 with one computation (the route that shows it)."""
    participant = _participant(world)
    output = {
        "scheme": {"name": "x", "total": "100.00"},
        "units": [
            {
                "code": "TB",
                "name": f"{MARKER}乙乡",
                "category": "c",
                "total": "1.00",
                "bonus": "0.00",
                "rank": 1,
                "grade": None,
                "vetoed": False,
                "veto_reasons": [],
                "subtotals": {},
                "indicators": {},
            }
        ],
    }
    Computation.objects.create(
        cycle=participant.cycle, track=participant.track, inputs={}, output=output, digest="0" * 64
    )
    return participant.cycle, MARKER


def _file_id(obj: Any) -> int:
    item = ProgressFile.objects.filter(target__participant=obj).first()
    return item.pk if item else 0


def _leaf_code(obj: Any) -> str:
    return "A1"


def _action(obj: Any) -> str:
    return "compute"


KWARG_FILLERS: dict[str, Callable[[Model], object]] = {
    "code": _leaf_code,
    "action": _action,
    "file_id": _file_id,
    "run_id": _run_id,
    "name": lambda obj: "summary.xlsx",
    "entry_id": _entry_id,
}

ROUTE_FIXTURES: dict[str, Callable[[World], tuple[Model, str]]] = {
    "assessment:progress_file": _with_file,
    "assessment:run_detail": _with_run,
    "assessment:report_file": _review_with_report,
}
