"""Error codes of 综合考核. Rules and the engine raise `ValidationError(messages, code=CODE)` with
Chinese messages naming the indicator (by code and name) and, for inputs, the unit; every error of
a file is collected, not only the first."""

from __future__ import annotations

SCHEME_INVALID = "assessment_scheme_invalid"  # the indicator tree, a rule's parameters, the grades
INPUTS_INVALID = "assessment_inputs_invalid"  # the units and their values
RULE_INPUT = "assessment_rule_input"  # a rule refused its input (target 0, points above the weight …)
SCHEME_FROZEN = "assessment_scheme_frozen"  # a scheme in use by a cycle that started scoring
SCHEME_FILE = "assessment_scheme_file"  # an uploaded scheme file that is not JSON
CYCLE_STATE = "assessment_cycle_state"  # an action the cycle's state does not allow
NOT_LEAD = "assessment_not_lead"  # a figure entered by an account that does not score the leaf
FIGURE_INVALID = "assessment_figure_invalid"  # a value, an event or a rank that cannot be used
SEAL_REFUSED = "assessment_seal_refused"  # figures changed since the computation, or none yet
SETTINGS_INVALID = "assessment_settings_invalid"  # a grading setting the rules cannot use
