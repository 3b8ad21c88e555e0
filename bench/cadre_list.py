"""Benchmark: the registry list page with filters at N cadres (default 100,000).

    .venv/bin/python bench/cadre_list.py [--cadres 100000] [--database-url URL] [--runs 30]

Seeds the demo county into a fresh database (SQLite under /tmp by default), then requests the list
page through Django's test client (view, query, count, template: the whole response) for a set of
typical filters, as the county admin (whole county) and as a township clerk. Prints p50/p95 per
case and overall. Target: p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time

from _setup import ensure_seeded, percentile, setup_django

CASES: list[tuple[str, dict[str, str]]] = [
    ("default (stroke order)", {}),
    ("pinyin initials zs", {"q": "zs"}),
    ("full pinyin wang", {"q": "wang"}),
    ("name contains 华", {"q": "华"}),
    ("id number prefix", {"q": "4690991985"}),
    ("women aged 35-45", {"gender": "2", "age_min": "35", "age_max": "45"}),
    ("乡科级副职", {"level": "1A42"}),
    ("大学 + 党员", {"education": "大学", "political": "党员"}),
    ("少数民族 + 党外", {"ethnicity": "少数民族", "political": "党外"}),
    ("leaders by age", {"leaders_only": "on", "order": "age"}),
    ("by tenure, page 50", {"order": "tenure", "page": "50"}),
    ("deep page 1000", {"page": "1000"}),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    setup_django(args.database_url, f"/tmp/ganbu_bench_list_{args.cadres}.sqlite3")
    seeded = ensure_seeded(args.cadres)
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from ganbu.org.models import Role, Unit, User

    setup_test_environment()
    if seeded is not None:
        print(f"seeded {args.cadres} cadres in {seeded:.1f} s")
    county = Unit.objects.get(parent__isnull=True)
    township = Unit.objects.filter(kind__in=["town", "township"]).order_by("code").first()
    assert township is not None
    users = {
        "county": User.objects.get_or_create(
            username="bench_county", defaults={"role": Role.COUNTY, "scope_unit": county}
        )[0],
        "township": User.objects.get_or_create(
            username="bench_town", defaults={"role": Role.TOWNSHIP, "scope_unit": township}
        )[0],
    }
    url = reverse("cadres:list")
    print(f"database: {connection.vendor}, cadres: {args.cadres}, runs per case: {args.runs}")
    all_times: list[float] = []
    for who, user in users.items():
        client = Client()
        client.force_login(user)
        cases = CASES + ([("unit = one township", {"unit": str(township.pk)})] if who == "county" else [])
        for label, params in cases:
            client.get(url, params)  # warm up
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
            total = response.context["page"].paginator.count
            all_times.extend(times)
            print(
                f"  {who:8s} {label:24s} rows={total:7d}  p50={statistics.median(times):6.1f} ms  p95={percentile(times, 95):6.1f} ms"
            )
    p95 = percentile(all_times, 95)
    print(
        f"overall: p50={statistics.median(all_times):.1f} ms p95={p95:.1f} ms max={max(all_times):.1f} ms "
        f"({'meets' if p95 < 150 else 'MISSES'} the 150 ms target)"
    )


if __name__ == "__main__":
    main()
