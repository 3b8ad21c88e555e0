"""Error codes of 选拔任用. Services, the case-file validator and the settings raise
`ValidationError(messages, code=CODE)` with Chinese messages naming the field (the validator: the
field path, 「steps[3].date：…」), every problem of an input collected, not only the first. The
findings of the compliance check are not errors but violations, with their own codes
(`rules/violations.py`)."""

from __future__ import annotations

CASE_INVALID = "selection_case_invalid"  # a case's fields refused by the services
CASE_CLOSED = "selection_case_closed"  # a change to a closed or terminated case
CASE_FILE_INVALID = "selection_case_file_invalid"  # a case file (JSON) the checker cannot read
SETTINGS_INVALID = "selection_settings_invalid"  # an unknown setting or a bad value
