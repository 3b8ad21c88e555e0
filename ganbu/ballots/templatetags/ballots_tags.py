from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import template

from ganbu.ballots import rules

register = template.Library()


@register.filter
def pct(value: Fraction | None) -> str:
    """An exact share as "54.55%" (two decimals, half up), "—" when there is none."""
    text = rules.percent(value)
    return f"{text}%" if text else "—"


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if hasattr(mapping, "get") else None
