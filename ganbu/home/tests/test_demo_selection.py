"""The 选拔任用 part of the demo: four cases built through the services, each passing the compliance
check it demonstrates — one closed after 试用期满, one whose 试用期 ends within 60 days, one open at
考察, one ended when the 票决 did not pass — with their appointments in the registry."""

from __future__ import annotations

from datetime import date

import pytest

from ganbu.cadres.models import Appointment
from ganbu.core.calendar import WorkCalendar
from ganbu.home.demo import seed_demo
from ganbu.org.models import User
from ganbu.selection.models import Case
from ganbu.selection.selectors import case_violations, probations_ending

pytestmark = pytest.mark.django_db


def test_the_demo_cases(db: None) -> None:
    seed_demo(cadres=300, seed=5, skip=frozenset({"villagework"}))
    cases = {(c.status, c.stage): c for c in Case.objects.all()}
    assert set(cases) == {("closed", "试用期满"), ("open", "任职"), ("open", "考察"), ("ended", "票决")}
    for case in cases.values():
        violations, _ = case_violations(case, calendar=WorkCalendar(), as_of=date(2026, 11, 16))
        assert [v.message for v in violations if not v.reason] == [], case
    for key in (("closed", "试用期满"), ("open", "任职")):
        appointee = cases[key].candidates.get(status="appointed")
        assert appointee.cadre_id is not None
        held = Appointment.objects.get(cadre_id=appointee.cadre_id, post=cases[key].post)
        assert held.ended_on is None and held.document_number
    admin = User.objects.create_superuser("demo-admin", password="x")
    admin.scope_unit = cases[("open", "任职")].unit.parent
    admin.save()
    ending = probations_ending(admin, today=date(2026, 11, 16))
    assert [c for c, _, _ in ending] == [cases[("open", "任职")]]


def test_a_county_too_small_for_the_cases(db: None) -> None:
    """`seed_demo --cadres 5` (and the production-roles smoke's 50) must not fail: without four
    乡科级副职 to nominate, each case stops at its 动议 with the reason."""
    seed_demo(cadres=5, seed=5, skip=frozenset({"villagework"}))
    assert {(c.status, c.stage, c.end_reason) for c in Case.objects.all()} == {
        ("ended", "动议", "符合条件的人选不足，暂缓")
    }
