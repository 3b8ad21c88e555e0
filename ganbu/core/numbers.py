"""Rounding and percentages, one policy for the whole system: **half up** (0.5 always rounds away
from zero, never banker's rounding), computed from the exact fraction (integer or Decimal
arithmetic, never binary floats), rounded once at the end.

- Counts and shares (structure tables, coverage, vote shares): integers in tenths or hundredths of
  a percent from `round_half_up_div`, formatted by `format_tenths` / `format_hundredths`, or a
  `Decimal` with two places from `percent`.
- Scores (assessment points, evaluation scores): `Decimal`, each computed figure rounded half up to
  2 places with `q2`; totals are sums of rounded figures (each app's README says where).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100.00")


def round_half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (away from zero for halves), denominator > 0.
    Integer arithmetic, so 0.5 always rounds up (no banker's rounding)."""
    if denominator <= 0:
        raise ValueError("denominator must be positive")
    if numerator < 0:
        return -round_half_up_div(-numerator, denominator)
    return (2 * numerator + denominator) // (2 * denominator)


def percent_tenths(count: int, total: int) -> int | None:
    """count / total as a percentage in tenths of a percent (37.3% → 373), half up. None if total is 0."""
    if total == 0:
        return None
    return round_half_up_div(count * 1000, total)


def percent_whole(count: int, total: int) -> int | None:
    """count / total as a whole percentage (47/126 → 37), half up. None if total is 0."""
    if total == 0:
        return None
    return round_half_up_div(count * 100, total)


def percent_hundredths(count: int, total: int) -> int | None:
    """count / total in hundredths of a percent (256/674 → 3798 = 37.98%), half up."""
    if total == 0:
        return None
    return round_half_up_div(count * 10000, total)


def format_tenths(value: int | None) -> str:
    """373 → "37.3"; -5 → "-0.5"; None → "—"."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 10}.{value % 10}"


def format_hundredths(value: int | None) -> str:
    """3798 → "37.98"; -5 → "-0.05"; None → "—"."""
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    value = abs(value)
    return f"{sign}{value // 100}.{value % 100:02d}"


def average_tenths(total_sum: int, count: int) -> int | None:
    """An average in tenths, half up (average age 41.25 → 413)."""
    if count == 0:
        return None
    return round_half_up_div(total_sum * 10, count)


def percent(numerator: int, denominator: int, *, empty: Decimal = ZERO) -> Decimal:
    """numerator / denominator as a percent with 2 decimals, half up from the exact fraction;
    `empty` when the denominator is 0."""
    if denominator <= 0:
        return empty
    return Decimal(round_half_up_div(numerator * 10000, denominator)).scaleb(-2).quantize(CENT)


def q2(value: Decimal | Fraction | int) -> Decimal:
    """Round half up to two decimals (exactly, also from a Fraction)."""
    return quantize(value, CENT)


def quantize(value: Decimal | Fraction | int, step: Decimal) -> Decimal:
    """Round half up to the places of `step` (Decimal("0.01"), Decimal("0.1") …), exactly."""
    if isinstance(value, Fraction):
        places = -step.as_tuple().exponent  # type: ignore[operator]
        scaled = round_half_up_div(value.numerator * 10**places, value.denominator)
        return Decimal(scaled).scaleb(-places).quantize(step)
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP)


MAX_MAGNITUDE = Decimal(10) ** 15  # no score, weight or count of the system comes near


def to_decimal(value: Any) -> Decimal | None:
    """A number as stored in JSON or typed in a form (int, or a decimal string) → Decimal; None
    when it is not a finite number of a sane size (booleans are not numbers; 1E+26 is no score and
    could not be rounded to cents)."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or abs(number) >= MAX_MAGNITUDE:
        return None
    return number


def plain(value: Decimal) -> int | str:
    """A Decimal for JSON: an int when whole, else its exact string ("12.5")."""
    return int(value) if value == value.to_integral_value() else str(value)


def written(value: Decimal | None) -> str:
    """A Decimal as people write it: 400.0000 → "400", 420.5000 → "420.5"; "" for None."""
    return "" if value is None else format(value.normalize(), "f")
