"""Error codes of structure analysis. The services raise `ValidationError({field: message},
code=CODE)` with a Chinese message naming the field; the forms show it."""

from __future__ import annotations

RULE_INVALID = "rule_invalid"  # a composition rule (services.validate_rule)
AGE_CAP_INVALID = "age_cap_invalid"  # an age cap: unknown level or gender, or out of range
