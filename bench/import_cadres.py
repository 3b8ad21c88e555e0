"""Benchmark: Excel import of N cadres (default 100,000).

    .venv/bin/python bench/import_cadres.py [--rows 100000] [--database-url URL]

Sets up a fresh database (SQLite under /tmp by default; a PostgreSQL URL must point at an empty
database), migrates it and builds the demo county's structure (`seed_demo --cadres 0`). Generates a
valid N-row .xlsx (valid 身份证号, real unit codes) and prints:

- the file size, and the time to only read every row with python-calamine (the floor) and with
  openpyxl read-only;
- import of the file into the empty registry (N creations): time, rows/s, peak RSS;
- re-import of the same file (N matched, nothing to change): rows/s;
- re-import of a variant where every row changed (new post, rank, name): rows/s — N real updates,
  each closing an appointment and a rank and opening new ones;
- the changed re-import once more with tracemalloc on (slower; rolled back) for the peak Python heap.

Each import runs in its own child process so ru_maxrss is that import's own peak.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from _setup import remove_sqlite, setup_django

DEFAULT_SQLITE = "/tmp/ganbu_bench_import.sqlite3"


def fresh_database(database_url: str | None) -> str:
    """A new SQLite file (default) or the given URL; migrated, with the demo county's units."""
    if database_url is None:
        remove_sqlite(DEFAULT_SQLITE)
        database_url = f"sqlite:///{DEFAULT_SQLITE}"
    setup_django(database_url, DEFAULT_SQLITE)
    from django.core.management import call_command

    from ganbu.org.models import Unit

    if Unit.objects.exists():
        raise SystemExit(
            "the database is not empty: give a fresh database (e.g. CREATE DATABASE bench_import)"
        )
    call_command("seed_demo", "--cadres", "0", stdout=open(os.devnull, "w"))  # noqa: SIM115
    return database_url


# ---- the file -------------------------------------------------------------------------------------

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董符潘袁蔡蒋余于杜叶程苏魏吕丁任"
)
GIVEN = "伟强军明辉建国华文斌志刚勇杰平涛磊峰海波鹏宇浩亮芳娟敏静丽艳娜秀英慧婷玉霞红梅兰琳雪萍燕"


def generate(path: Path, rows: int, *, seed: int, changed: bool = False) -> None:
    """N valid rows. `changed`: the same people (same seed) with a new post, rank and name."""
    from openpyxl import Workbook

    from ganbu.cadres.imports import HEADERS
    from ganbu.cadres.rules import make_id_number
    from ganbu.org.models import Unit, UnitKind

    rng = random.Random(seed)
    alt = random.Random(seed + 1)  # draws for `changed`, so `rng` yields the same people
    today = date.today()
    towns = list(Unit.objects.filter(kind__in=[UnitKind.TOWN, UnitKind.TOWNSHIP]).values_list("code", "name"))
    villages = list(
        Unit.objects.filter(kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]).values_list("code", "name")
    )
    depts = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).values_list("code", "name"))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("干部信息")
    ws.append(list(HEADERS))
    used: dict[tuple[str, date, str], int] = {}

    for _ in range(rows):
        gender = "2" if rng.random() < 0.35 else "1"
        while True:
            born = date(1966, 1, 1) + timedelta(days=rng.randint(0, 34 * 365))
            area = rng.choice(["469099", "469006", "469005", "460200"])
            n = used.get((area, born, gender), 0)
            if n < 500:
                used[(area, born, gender)] = n + 1
                break
        id_number = make_id_number(area, born, n, gender)
        work = date(born.year + rng.randint(20, 24), 7, 1)
        party = rng.random() < 0.75
        kind = rng.random()
        if kind < 0.45:
            code, unit_name = rng.choice(towns)
            title, level, category = f"{unit_name}党政办科员", "科员", "公务员"
        elif kind < 0.75:
            code, unit_name = rng.choice(depts)
            title, level, category = f"{unit_name}办公室科员", "科员", "公务员"
        else:
            code, unit_name = rng.choice(villages)
            title, level, category = f"{unit_name}村委会委员", "其他", "村（社区）干部"
        since = work + timedelta(days=rng.randint(0, max(1, (today - work).days - 400)))
        rank = rng.choice(["一级科员", "二级科员", "四级主任科员"]) if category == "公务员" else ""
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
        if changed:
            name = name + "新" if len(name) < 3 else name[:-1]
            title = title.replace("科员", "副主任").replace("委员", "副主任")
            since = today - timedelta(days=alt.randint(1, 300))
            rank = "三级主任科员" if rank else ""
        edu = rng.choice(
            [
                ("大学本科", "学士", "研究生", "硕士"),
                ("大学专科", "", "大学本科", ""),
                ("大学本科", "学士", "", ""),
            ]
        )
        ws.append(
            [
                name,
                "男" if gender == "1" else "女",
                "汉族" if rng.random() < 0.85 else "黎族",
                born,
                id_number,
                "中共党员" if party else "群众",
                date(born.year + 19, 7, 1) if party else None,
                work,
                edu[0],
                edu[1],
                edu[2],
                edu[3],
                code,
                title,
                level,
                since,
                rank,
                category,
            ]
        )
    wb.save(path)


# ---- reading floors -------------------------------------------------------------------------------


def read_floors(path: Path) -> tuple[float, float]:
    from openpyxl import load_workbook
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    book = CalamineWorkbook.from_path(str(path))
    count = sum(1 for _ in book.get_sheet_by_index(0).iter_rows())
    calamine = time.perf_counter() - started
    book.close()
    started = time.perf_counter()
    wb = load_workbook(path, read_only=True, data_only=True)
    count2 = sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    assert count == count2, (count, count2)
    return calamine, time.perf_counter() - started


# ---- one import in a child process ----------------------------------------------------------------


def child(path: Path, database_url: str, trace: bool) -> None:
    """One import. Traced runs import inside an outer transaction that is rolled back: all the
    work is done, the database is left as it was."""
    setup_django(database_url, DEFAULT_SQLITE, migrate=False)
    from django.db import transaction

    from ganbu.cadres.imports import import_file
    from ganbu.org.models import Unit

    county = Unit.objects.get(parent__isnull=True)
    if trace:
        tracemalloc.start()
    cpu_before = time.process_time()
    started = time.perf_counter()
    with transaction.atomic():
        result = import_file(path, unit=county, actor=None, filename=path.name)
        transaction.set_rollback(trace)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "ok": result.ok,
                "errors": [str(e) for e in result.errors[:5]],
                "rows": result.total_rows,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "seconds": seconds,
                "cpu": cpu,
                "traced_peak": peak,
                "maxrss": rss_kb * 1024,
            }
        )
    )


def run_child(path: Path, database_url: str, *, trace: bool = False) -> dict:
    command = [sys.executable, __file__, "--child", str(path), "--database-url", database_url]
    if trace:
        command.append("--trace")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result: dict = json.loads(output.strip().splitlines()[-1])
    if not result["ok"]:
        raise SystemExit(f"import failed: {result['errors']}")
    return result


def mb(value: float) -> str:
    return f"{value / 1024 / 1024:.0f} MB"


def rates(rows: int, result: dict) -> str:
    """Wall-clock rate, and the rate on this process's own CPU time: on a busy machine the wall
    clock measures the neighbours too (with SQLite all the work is in this process)."""
    return (
        f"{result['seconds']:.1f} s, {rows / result['seconds']:,.0f} rows/s "
        f"(CPU {result['cpu']:.1f} s: {rows / result['cpu']:,.0f} rows/s of own CPU)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.database_url, args.trace)
        return

    database_url = fresh_database(args.database_url)
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    workdir = Path("/tmp")
    path = workdir / f"ganbu_bench_import_{args.rows}.xlsx"
    changed_path = workdir / f"ganbu_bench_import_{args.rows}_changed.xlsx"
    print(
        f"database: {vendor} ({database_url.split('@')[-1]}); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )

    started = time.perf_counter()
    generate(path, args.rows, seed=args.seed)
    print(
        f"generated {args.rows} rows in {time.perf_counter() - started:.1f} s: {path} ({mb(path.stat().st_size)})"
    )
    calamine_s, openpyxl_s = read_floors(path)
    print(
        f"read all rows: python-calamine {calamine_s:.2f} s ({args.rows / calamine_s:,.0f} rows/s, the floor)"
    )
    print(f"read all rows: openpyxl read-only {openpyxl_s:.2f} s ({args.rows / openpyxl_s:,.0f} rows/s)")

    first = run_child(path, database_url)
    assert first["created"] == args.rows, first
    first_rate = args.rows / first["seconds"]
    print(f"import (create {first['created']}): {rates(args.rows, first)}, peak RSS {mb(first['maxrss'])}")
    same = run_child(path, database_url)
    assert same["updated"] == args.rows, same
    same_rate = args.rows / same["seconds"]
    print(
        f"re-import same file ({same['updated']} matched, {same['unchanged']} unchanged): "
        f"{rates(args.rows, same)}, peak RSS {mb(same['maxrss'])}"
    )

    generate(changed_path, args.rows, seed=args.seed, changed=True)
    traced = run_child(changed_path, database_url, trace=True)  # rolled back
    changed = run_child(changed_path, database_url)
    assert changed["updated"] == args.rows and changed["unchanged"] == 0, changed
    changed_rate = args.rows / changed["seconds"]
    print(
        f"re-import every row changed ({changed['updated']} updates: new post, rank, name): "
        f"{rates(args.rows, changed)}, peak RSS {mb(changed['maxrss'])}"
    )
    print(
        f"the same import traced (tracemalloc on, so slower: {traced['seconds']:.1f} s; rolled back): "
        f"peak Python heap {mb(traced['traced_peak'])}, peak RSS {mb(traced['maxrss'])}"
    )
    print(
        f"SUMMARY rows={args.rows} db={vendor} file={mb(path.stat().st_size)} "
        f"calamine_floor={args.rows / calamine_s:,.0f}/s openpyxl_read={args.rows / openpyxl_s:,.0f}/s "
        f"import={first_rate:,.0f}/s reimport_same={same_rate:,.0f}/s reimport_changed={changed_rate:,.0f}/s "
        f"tracemalloc_peak={mb(traced['traced_peak'])} maxrss={mb(max(first['maxrss'], changed['maxrss']))} "
        f"load={os.getloadavg()[0]:.1f} "
        f"target>=1000/s {'OK' if min(first_rate, same_rate, changed_rate) >= 1000 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
