"""Database helpers shared by the apps: planner statistics, index-friendly prefix matches."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q


def refresh_planner_statistics() -> None:
    """Update the query planner's statistics after a bulk change (seeding, large imports).

    SQLite has no autovacuum: without ANALYZE its planner picks the wrong index for filtered, ordered
    lists (measured: 155 ms → 30 ms at 100,000 cadres). PostgreSQL's autovacuum would get there
    eventually; running it now makes the first queries fast too.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def prefix_upper(prefix: str) -> str:
    """The smallest string after every string starting with `prefix` (its last character + 1), so
    that "starts with" becomes the range prefix <= x < prefix_upper(prefix), which both SQLite
    (whose LIKE is case-insensitive and skips indexes) and PostgreSQL answer from a b-tree index.
    For keys of ASCII codes, digits and lowercase letters (paths, pinyin, 身份证号)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def prefix_range(field: str, prefix: str) -> Q:
    """`field` starts with `prefix`, as an index-friendly range (see prefix_upper)."""
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix_upper(prefix)})
