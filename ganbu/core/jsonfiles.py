"""The JSON files commands read (schemes, inputs, selection cases, settings overrides): every way a
file can fail, said in Chinese as a `CommandError`, and numbers with a decimal point read as
Decimal, never float."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError


def read_json(path_text: str, what: str) -> Any:
    """The parsed file, or CommandError naming the file and what went wrong (missing, a directory,
    unreadable, not UTF-8, not JSON with the line and column)."""
    path = Path(path_text)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise CommandError(f"无法读取{what}文件 {path}：文件不存在") from exc
    except IsADirectoryError as exc:
        raise CommandError(f"无法读取{what}文件 {path}：这是一个目录") from exc
    except PermissionError as exc:
        raise CommandError(f"无法读取{what}文件 {path}：没有读取权限") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{what}文件 {path} 不是 UTF-8 编码的文本") from exc
    except OSError as exc:
        raise CommandError(f"无法读取{what}文件 {path}：{exc.strerror or exc}") from exc
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{what}文件 {path} 不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}"
        ) from exc
