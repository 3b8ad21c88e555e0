"""Error codes of 驻村工作. Services raise `ValidationError(message, code=CODE)` with a Chinese
message naming the field (or the row, the cadre, the item); views show the message."""

from __future__ import annotations

from ganbu.core import workflow

# settings
SETTINGS_INVALID = "villagework_settings_invalid"

# households and their import
NOT_VILLAGE = "not_village"
HOUSEHOLD_INVALID = "household_invalid"
HOUSEHOLD_DUPLICATE = "household_duplicate"
HOUSEHOLD_STATE = "household_state"
HOUSEHOLD_HAS_HISTORY = "household_has_history"
REASON_TOO_LONG = "reason_too_long"

# assignments and the cadre's login
ASSIGNMENT_INVALID = "assignment_invalid"
ASSIGNMENT_END_BEFORE_START = "assignment_end_before_start"
ASSIGNMENT_OVERLAP = "assignment_overlap"
ASSIGNMENT_TWO_SECRETARIES = "assignment_two_secretaries"
ASSIGNMENT_LOGS_OUTSIDE = "assignment_logs_outside"
ASSIGNMENT_ALREADY_ENDED = "assignment_already_ended"
ASSIGNMENT_END_MISSING = "assignment_end_missing"
CADRE_NOT_ACTIVE = "cadre_not_active"
ACCOUNT_CHOICE = "account_choice"
ACCOUNT_INVALID = "account_invalid"
USERNAME_INVALID = "username_invalid"
USERNAME_TAKEN = "username_taken"

# work logs and photos
LOG_INVALID = "villagework_log_invalid"
LOG_WINDOW = "villagework_log_window"
LOG_CLIENT_KEY = "villagework_log_client_key"
PHOTO_TYPE = "photo_type"
PHOTO_TOO_LARGE = "photo_too_large"
PHOTO_COUNT = "photo_count"

# villagers' requests
REQUEST_INVALID = "villagework_request_invalid"
REQUEST_STATUS = "villagework_request_status"
REQUEST_TRANSITION = "villagework_request_transition"
STALE = workflow.STALE  # someone else moved the request (or the evaluation) first

# the annual evaluation
EVALUATION_NOT_TOWNSHIP = "evaluation_not_township"
EVALUATION_BAD_YEAR = "evaluation_bad_year"
EVALUATION_EXISTS = "evaluation_exists"
EVALUATION_EMPTY = "evaluation_empty"
EVALUATION_BAD_STATUS = "evaluation_bad_status"
EVALUATION_BAD_EXPECTED = "evaluation_bad_expected"
EVALUATION_NOT_READY = "evaluation_not_ready"
EVALUATION_BALLOT_INVALID = "evaluation_ballot_invalid"
EVALUATION_BALLOT_EMPTY = "evaluation_ballot_empty"
EVALUATION_BAD_ENTRY = "evaluation_bad_entry"
EVALUATION_FINALIZE_INVALID = "evaluation_finalize_invalid"
BUNDLED_SCORES_INVALID = "bundled_scores_invalid"

# report periods (forms)
PERIOD_REVERSED = "period_reversed"
PERIOD_TOO_LONG = "period_too_long"
