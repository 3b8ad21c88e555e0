"""Benchmark: time `seed_demo --cadres N` into a fresh database.

    .venv/bin/python bench/seed_demo.py --cadres 1000000 [--database-url URL]

Prints the wall time, rows written and rows/s. For PostgreSQL pass an empty database's URL.
"""

from __future__ import annotations

import argparse
import resource
import time

from _setup import remove_sqlite, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cadres", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    default = f"/tmp/ganbu_bench_seed_{args.cadres}.sqlite3"
    if not args.database_url:
        remove_sqlite(default)
    setup_django(args.database_url, default)
    from django.db import connection

    from ganbu.home.demo import seed_demo

    started = time.perf_counter()
    stats = seed_demo(cadres=args.cadres, seed=args.seed, progress=lambda m: None)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"seed_demo --cadres {args.cadres} on {connection.vendor}: {elapsed:.1f} s, "
        f"{stats.rows} rows ({stats.rows / elapsed:,.0f} rows/s, {args.cadres / elapsed:,.0f} cadres/s), "
        f"peak RSS {peak_mb:.0f} MB"
    )


if __name__ == "__main__":
    main()
