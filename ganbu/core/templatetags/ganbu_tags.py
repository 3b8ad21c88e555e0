from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from ganbu.core.dates import age_on
from ganbu.core.numbers import written
from ganbu.core.rulesettings import as_text

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any] | None, key: Any) -> Any:
    """{{ names|lookup:code }} — the value for `key`, or the key itself when missing."""
    if not mapping:
        return key or ""
    return mapping.get(key, key or "")


@register.filter
def age(born: Any, today: Any) -> str:
    """{{ cadre.birth_date|age:today }} — whole years; also `years_since` (e.g. time in post)."""
    if not born or not today:
        return ""
    return str(age_on(born, today))


register.filter("years_since", age)


@register.filter
def ym(value: Any) -> str:
    """1985.03 style used on official forms."""
    return f"{value:%Y.%m}" if value else ""


@register.filter
def plain(value: Any) -> Any:
    """A Decimal as people write it: 400.0000 → 400, 420.5000 → 420.5 (other values unchanged)."""
    if isinstance(value, Decimal) and value.is_finite():
        return written(value)
    return value


@register.inclusion_tag("_sort_header.html")
def sort_header(listing: Any, label: str, key: str) -> dict[str, Any]:
    """A column header that sorts the list by `key` (core.listing): ascending first, then
    descending; the current direction shown with ▲ / ▼."""
    current = getattr(listing, "sort", "")
    active = current.removeprefix("-") == key
    descending = active and current.startswith("-")
    target = key if (not active or descending) else f"-{key}"
    base = getattr(listing, "query_without_sort", "")
    return {
        "label": label,
        "href": f"?{base + '&' if base else ''}sort={target}",
        "active": active,
        "descending": descending,
    }


@register.filter
def setting(value: Any) -> str:
    """A setting's value as the settings page prints it (30% for a share, 是/否 …)."""
    return as_text(value)
