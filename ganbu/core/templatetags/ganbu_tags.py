from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any] | None, key: Any) -> Any:
    """{{ names|lookup:code }} — the value for `key`, or the key itself when missing."""
    if not mapping:
        return key or ""
    return mapping.get(key, key or "")


@register.filter
def age(born: Any, today: Any) -> str:
    """{{ cadre.birth_date|age:today }} — whole years."""
    if not born or not today:
        return ""
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


@register.filter
def ym(value: Any) -> str:
    """1985.03 style used on official forms."""
    return f"{value:%Y.%m}" if value else ""


@register.filter
def years_since(since: Any, today: Any) -> str:
    """Whole years between two dates, e.g. time in post."""
    if not since or not today:
        return ""
    return str(today.year - since.year - ((today.month, today.day) < (since.month, since.day)))
