"""Benchmark: a meeting hall voting at once, against the real server.

    .venv/bin/python bench/ballot_load.py [--database-url URL] [--workers 4] [--threads 1]
                                          [--conn-max-age 60] [--codes 500] [--clients 50]
                                          [--replays 100]

Starts gunicorn (several sync workers; gthread workers with --threads > 1) on 127.0.0.1 with
persistent database connections (CONN_MAX_AGE=--conn-max-age, as production should run), creates
a 民主测评 session with `--codes` codes in four rater groups, then 50 concurrent clients submit every code once through
POST /api/ballots/ while 100 replays of already-used codes are mixed in. Prints accepted,
rejected replays, lost (accepted but not counted, or failed), duplicates (counted twice, or a
replay accepted), p50/p95/p99 latency, and checks that no code reached the access log.
Target: all submitted within 10 s, 0 lost, 0 duplicates, p99 < 1 s. Exits 1 when a target is missed.

SQLite by default (a fresh file under /tmp); PostgreSQL with e.g.
--database-url postgres://ganbu:ganbu@127.0.0.1:54329/ganbu_ballot (see scripts/pg_start.sh).
Traffic goes to loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from _setup import ROOT, percentile, setup_django

SUBJECTS = ["王芳", "李强", "赵敏", "刘洋", "陈静", "杨帆"]
OPTIONS = ["优秀", "称职", "基本称职", "不称职"]
GROUPS = [("村民代表", 4, 0.4), ("党员代表", 3, 0.3), ("乡镇干部", 2, 0.2), ("乡镇领导", 1, 0.1)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    port: int, workers: int, threads: int, env: dict[str, str], access_log: Path
) -> subprocess.Popen[bytes]:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    command = [
        gunicorn,
        "ganbu.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",  # 1: sync workers; more: gthread workers, one connection per thread
        str(threads),
        "--timeout",
        "60",
        "--backlog",
        "512",
        "--access-logfile",
        str(access_log),
        "--log-level",
        "warning",
        "--preload",  # import the project once, before forking the workers
    ]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v/")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start within 60 s")


def warm_up(port: int, count: int) -> None:
    """A burst of page loads so every worker has loaded its templates and opened its connection."""

    def get() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/v/")
        conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=get) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def post(port: int, body: dict[str, object]) -> tuple[int, float]:
    data = json.dumps(body).encode()
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", "/api/ballots/", body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        conn.close()
    return status, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--conn-max-age", type=int, default=60)
    parser.add_argument("--codes", type=int, default=500)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--replays", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sqlite_file = Path("/tmp/ganbu_bench_ballot.sqlite3")
    if not args.database_url:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))  # shared with the server: code MACs
    os.environ["DEBUG"] = "0"
    setup_django(args.database_url, str(sqlite_file))

    from django.db import connection

    from ganbu.ballots import selectors, services
    from ganbu.org import services as org_services
    from ganbu.org.models import Unit, UnitKind

    county = Unit.objects.filter(parent__isnull=True).first() or org_services.unit_create(
        code="BENCH", name="基准测试县", kind=UnitKind.COUNTY, parent=None, actor=None
    )
    rng = random.Random(args.seed)
    sizes = [round(args.codes * share) for _, _, share in GROUPS]
    sizes[0] += args.codes - sum(sizes)
    session = services.session_create(
        unit=county,
        title="公开竞职大会现场评议（基准测试）",
        kind="rating",
        subjects=SUBJECTS,
        groups=[
            services.GroupSpec(name, expected=n, weight=w)
            for (name, w, _), n in zip(GROUPS, sizes, strict=True)
        ],
        actor=None,
    )
    jobs: list[tuple[str, dict[str, str]]] = []
    for group, count in zip(session.groups.order_by("sort_order"), sizes, strict=True):
        for code in services.codes_issue(session=session, group=group, count=count, actor=None):
            jobs.append((code, {s: rng.choice(OPTIONS) for s in SUBJECTS}))
    rng.shuffle(jobs)
    session.refresh_from_db()
    services.session_open(session=session, actor=None)
    vendor = connection.vendor
    connection.close()

    port = free_port()
    access_log = Path(f"/tmp/ganbu_bench_ballot_access_{port}.log")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ganbu.settings",
        "CONN_MAX_AGE": str(args.conn_max_age),  # persistent connections (60), as in production
        "AXES_ENABLED": "0",
    }
    server = start_server(port, args.workers, args.threads, env, access_log)
    warm_up(port, 8 * args.workers * args.threads)

    work: queue.Queue[tuple[str, str, dict[str, str]] | None] = queue.Queue()
    for code, answers in jobs:
        work.put(("first", code, answers))
    results: list[tuple[str, str, int, float]] = []
    lock = threading.Lock()
    replays_left = [args.replays]
    firsts_left = [len(jobs)]
    pending = [len(jobs)]  # jobs queued or in flight

    def client() -> None:
        while True:
            job = work.get(timeout=120)
            if job is None:
                return
            kind, code, answers = job
            status, seconds = post(port, {"code": code, "answers": answers})
            with lock:
                results.append((kind, code, status, seconds))
                pending[0] -= 1
                if kind == "first":
                    firsts_left[0] -= 1
                    # replays of used codes, spread over the run: probability (replays left / firsts left)
                    if status == 201 and rng.random() * (firsts_left[0] + 1) < replays_left[0]:
                        replays_left[0] -= 1
                        pending[0] += 1
                        work.put(("replay", code, answers))
                finished = pending[0] == 0
            if finished:
                for _ in range(args.clients):
                    work.put(None)

    started = time.perf_counter()
    try:
        threads = [threading.Thread(target=client) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)

    firsts = [r for r in results if r[0] == "first"]
    replays = [r for r in results if r[0] == "replay"]
    accepted_codes = {code for _, code, status, _ in firsts if status == 201}
    statuses = Counter(status for _, _, status, _ in results)
    session.refresh_from_db()
    services.session_close(session=session, actor=None)
    result = selectors.session_result(session)
    counted = result.total("returned")
    expected_counts: dict[str, Counter[str]] = {s: Counter() for s in SUBJECTS}
    for code, answers in jobs:
        if code in accepted_codes:
            for s, o in answers.items():
                expected_counts[s][o] += 1
    tally_matches = all(
        {o: n for o, n in sr.counts.items() if n} == dict(expected_counts[sr.label]) for sr in result.subjects
    )
    lost = (len(jobs) - len(accepted_codes)) + max(0, len(accepted_codes) - counted)
    duplicates = max(0, counted - len(accepted_codes)) + sum(1 for r in replays if r[2] == 201)
    log_text = access_log.read_text() if access_log.exists() else ""
    leaked = sum(1 for code, _ in jobs if code in log_text or f"{code[:4]}-{code[4:8]}" in log_text)
    latencies = [seconds for *_, seconds in results]
    p50, p95, p99 = (percentile(latencies, p) for p in (50, 95, 99))

    gthread = f"gthread workers: {args.workers} x {args.threads} threads"
    kind = gthread if args.threads > 1 else f"sync workers: {args.workers}"
    print(
        f"database: {vendor}, gunicorn {kind}, CONN_MAX_AGE={args.conn_max_age}, "
        f"concurrent clients: {args.clients}"
    )
    print(
        f"requests: {len(results)} in {elapsed:.2f} s ({len(results) / elapsed:.0f}/s); statuses {dict(statuses)}"
    )
    print(f"accepted: {len(accepted_codes)} / {len(jobs)}")
    print(f"rejected replays: {sum(1 for r in replays if r[2] == 409)} / {len(replays)}")
    print(f"lost: {lost}")
    print(f"duplicates: {duplicates}")
    print(
        f"tally: {counted} ballots counted, per-option counts {'match' if tally_matches else 'DO NOT MATCH'}"
    )
    print(
        f"latency: p50={p50 * 1000:.0f} ms p95={p95 * 1000:.0f} ms p99={p99 * 1000:.0f} ms "
        f"max={max(latencies) * 1000:.0f} ms mean={statistics.mean(latencies) * 1000:.0f} ms"
    )
    print(f"codes found in the access log: {leaked}")
    ok = lost == 0 and duplicates == 0 and tally_matches and p99 < 1.0 and elapsed < 10 and leaked == 0
    print("meets the targets" if ok else "MISSES a target")
    access_log.unlink(missing_ok=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
