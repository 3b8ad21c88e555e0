"""System checks of the kernel (run by `manage.py check --database default`, `migrate` and
`check --deploy`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connections

# A unit subtree is the range path >= "/C/T/" and path < "/C/T0" (core.db.prefix_range). That holds
# when strings compare by code point (the C collation); a linguistic collation (en_US.UTF-8,
# zh_CN.UTF-8, ICU) ignores "/" at the first level and would drop rows from every scoped list.
_PROBE = ("/469099/469099101/", "/4690990")


@register(Tags.database)
def check_path_collation(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    errors: list[Error] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT %s::text < %s::text", list(_PROBE))
            ordered = cursor.fetchone()[0]
        if not ordered:
            errors.append(
                Error(
                    "数据库的排序规则（collation）不是 C：单位范围筛选会漏掉数据。",
                    hint="用 C 排序规则建库：CREATE DATABASE ganbu OWNER ganbu TEMPLATE template0 "
                    "ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8';",
                    id="ganbu.E001",
                )
            )
    return errors


def private_paths() -> list[Path]:
    """The data directory, its private files and the upload directory."""
    var = Path(settings.VAR_DIR)
    return [var, *[Path(p) for p in getattr(settings, "PRIVATE_FILES", [])], Path(settings.MEDIA_ROOT)]


@register(Tags.security)
def check_private_files(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The database, uploads and secrets are personal data: owner-only modes (settings narrows
    what this process owns at start; what remains wide belongs to someone else)."""
    from ganbu.env import wider_than_private

    wide = wider_than_private(private_paths())
    if not wide:
        return []
    cls = Error if settings.PRODUCTION else Warning
    return [
        cls(
            "数据目录或文件对其他用户可读：" + "、".join(wide),
            hint=f"chmod 700 {settings.VAR_DIR} 并把数据库、密钥文件改为 600（由运行本系统的用户所有）",
            id="ganbu.E002" if cls is Error else "ganbu.W002",
        )
    ]
