"""Writes for 驻村工作, one module per area: settings, households, assignments, logs, requests,
evaluation. Each write validates (Chinese messages naming the field, codes in `errors.py`), checks
scope, runs in one transaction and records one audit event (`events.py`); a request's or an
evaluation's status moves through `core.workflow.transition`, which writes that event.

Other apps use the names in `__all__`.
"""

from ganbu.villagework.services.assignments import (
    assignment_create,
    assignment_end,
    assignment_link_account,
    assignment_update,
)
from ganbu.villagework.services.evaluation import (
    ballots_create,
    bundled_scores_enter,
    evaluation_compute,
    evaluation_create,
    evaluation_finalize,
)
from ganbu.villagework.services.households import (
    household_create,
    household_deactivate,
    household_delete,
    household_reactivate,
    household_update,
)
from ganbu.villagework.services.logs import log_create, log_delete, log_update
from ganbu.villagework.services.requests import request_create, request_transition
from ganbu.villagework.services.settings import settings_update

__all__ = [
    "assignment_create",
    "assignment_end",
    "assignment_link_account",
    "assignment_update",
    "ballots_create",
    "bundled_scores_enter",
    "evaluation_compute",
    "evaluation_create",
    "evaluation_finalize",
    "household_create",
    "household_deactivate",
    "household_delete",
    "household_reactivate",
    "household_update",
    "log_create",
    "log_delete",
    "log_update",
    "request_create",
    "request_transition",
    "settings_update",
]
