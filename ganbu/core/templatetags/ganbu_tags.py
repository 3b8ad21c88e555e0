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
