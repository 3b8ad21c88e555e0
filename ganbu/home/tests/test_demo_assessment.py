"""The 综合考核 and 年度考核 part of the demo obeys the rules it demonstrates: last year's cycle sealed
and this year's under way; three past years of annual grades within each unit's 优秀 places and
supported by the 平时 grades (the rules refuse none of them); 好 within 40 % in every quarter."""

from __future__ import annotations

from collections import Counter

import pytest

from ganbu.assessment.models import AnnualReview, Cycle, QuarterGrade
from ganbu.cadres.models import AnnualAssessment
from ganbu.home.demo import seed_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> None:
    seed_demo(cadres=300, seed=5, skip=frozenset({"villagework"}))


def test_the_demo_assessment_obeys_its_rules(seeded: None) -> None:
    assert dict(Cycle.objects.values_list("year", "status")) == {2025: "sealed", 2026: "open"}
    reviews = list(AnnualReview.objects.filter(year__in=(2023, 2024, 2025)))
    assert reviews and all(r.status == "final" for r in reviews)
    refused = [x["message"] for r in reviews for p in r.result["participants"] for x in p["refused"]]
    assert not refused, refused[:5]
    for r in reviews:
        places = sum(r.result["quota"]["total"].values())
        excellent = AnnualAssessment.objects.filter(
            year=r.year, grade="1", cadre_id__in=r.entries.values("cadre_id")
        ).count()
        assert excellent <= places, f"{r}: {excellent} 优秀 > {places} places"
    per_quarter = Counter(QuarterGrade.objects.filter(grade="好").values_list("unit_id", "year", "quarter"))
    sizes = Counter(QuarterGrade.objects.values_list("unit_id", "year", "quarter"))
    for key, good in per_quarter.items():
        assert good <= sizes[key] * 40 // 100 or sizes[key] < 3, key
