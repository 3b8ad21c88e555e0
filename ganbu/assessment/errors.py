"""Error codes of 综合考核. Rules and the engine raise `ValidationError(messages, code=CODE)` with
Chinese messages naming the indicator (by code and name) and, for inputs, the unit; every error of
a file is collected, not only the first."""

from __future__ import annotations

SCHEME_INVALID = "assessment_scheme_invalid"  # the indicator tree, a rule's parameters, the grades
INPUTS_INVALID = "assessment_inputs_invalid"  # the units and their values
RULE_INPUT = "assessment_rule_input"  # a rule refused its input (target 0, points above the weight …)
