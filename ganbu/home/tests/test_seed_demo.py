from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.audit.services import verify_chain
from ganbu.ballots.models import BallotSession
from ganbu.cadres.models import Appointment, Cadre, Education
from ganbu.cadres.rules import parse_id_number
from ganbu.core.dates import age_on
from ganbu.core.demo import TODAY
from ganbu.org.models import Post, Team, Unit, UnitKind
from ganbu.selection.models import Case

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _registry_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about units and cadres: skip the 驻村 part of the demo (about 185,000 rows
    whatever the cadre count), which has its own tests in villagework/tests/test_demo.py, and the
    综合考核 part (its units are protected by its cycles; tested in home/tests/test_demo_assessment.py)."""
    monkeypatch.setattr("ganbu.villagework.demo.seed_villagework", lambda **kwargs: 0)
    monkeypatch.setattr("ganbu.assessment.demo.seed_assessment", lambda **kwargs: 0)


def _snapshot() -> list[tuple[str, str | None, str, str]]:
    return list(Cadre.objects.order_by("id").values_list("name", "id_number", "current_title", "unit__code"))


def test_structure_only_matches_seed_001() -> None:
    call_command("seed_demo", "--cadres", "0", "--seed", "3")
    assert Unit.objects.filter(kind=UnitKind.TOWNSHIP).count() == 2
    assert Unit.objects.filter(kind=UnitKind.TOWN).count() == 9
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT).count() >= 20
    villages = Unit.objects.filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY])
    assert villages.count() >= 11 * 8
    assert not villages.filter(households__isnull=True).exists()
    assert Team.objects.count() > 0 and Post.objects.count() > 0
    assert Cadre.objects.count() == 0
    assert verify_chain().ok


def _wipe() -> None:
    # the 选拔任用 cases and their votes name cadres (protected), so they go first
    Case.objects.all().delete()
    BallotSession.objects.filter(subjects__cadre__isnull=False).delete()
    Cadre.objects.all().delete()
    Post.objects.all().delete()
    Team.objects.all().delete()
    for depth in (2, 1, 0):
        Unit.objects.filter(depth=depth).delete()


def test_same_seed_gives_the_same_county_and_another_seed_does_not() -> None:
    call_command("seed_demo", "--cadres", "120", "--seed", "7")
    first = _snapshot()
    _wipe()
    call_command("seed_demo", "--cadres", "120", "--seed", "7")
    assert _snapshot() == first
    _wipe()
    call_command("seed_demo", "--cadres", "120", "--seed", "8")
    assert _snapshot() != first


def test_cadres_are_plausible() -> None:
    call_command("seed_demo", "--cadres", "400", "--seed", "1")
    cadres = list(Cadre.objects.all())
    assert len(cadres) == 400
    women = sum(c.gender == "2" for c in cadres) / len(cadres)
    assert 0.15 < women < 0.5
    for cadre in cadres:
        info = parse_id_number(cadre.id_number or "")
        assert info.birth_date == cadre.birth_date and info.gender == cadre.gender
        assert 18 <= age_on(cadre.birth_date, TODAY) <= 63
        assert cadre.stroke_key and cadre.name_pinyin
        assert cadre.current_title
    leaders = Cadre.objects.filter(is_leader=True).count()
    assert leaders == sum(p.quota for p in Post.objects.all())  # every seat filled first
    assert Appointment.objects.filter(ended_on__isnull=True).count() >= 400
    assert Education.objects.count() >= 400


def test_it_refuses_a_non_empty_database_but_if_empty_skips() -> None:
    call_command("seed_demo", "--cadres", "0")
    with pytest.raises(CommandError):
        call_command("seed_demo", "--cadres", "0")
    call_command("seed_demo", "--cadres", "0", "--if-empty")
