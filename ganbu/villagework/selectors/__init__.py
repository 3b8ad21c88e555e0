"""Reads for 驻村工作, one module per area. Every read starts from `scope` (the querysets of the
rows a user may see, and `get_*` answering 404 for a missing or out-of-scope object):

- `villages`: the villages with their teams, the household register and its search, the cadres
  that may be stationed, assignments and the rotation rule (轮岗提醒);
- `logs`: the 驻村干部's phone pages, the household picker, the log list; `requests`: the
  overdue rule as a query and the request list; `rights`: who may move a request or change a log;
- `stats` (a package): coverage, quota weeks and requests per cadre, village, township and county;
  `records`: a cadre's 驻村蹲点工作记录表; `evaluation`: the annual evaluation; `history`: the audit
  history of a record.

Other apps use the names in `__all__`.
"""

from ganbu.villagework.selectors.scope import (
    assignments_for,
    cadre_villages,
    entries_for,
    evaluations_for,
    get_assignment,
    get_entry,
    get_evaluation,
    get_household,
    get_log,
    get_request,
    get_stationed_cadre,
    get_village,
    households_for,
    logs_for,
    own_cadre,
    own_only,
    requests_for,
    townships_for,
    villages_for,
)
from ganbu.villagework.selectors.stats import (
    CoverageTable,
    Numbers,
    cadre_numbers,
    cadre_total,
    coverage_table,
    overdue_requests,
    township_table,
    village_numbers,
    villages_of_unit,
)
from ganbu.villagework.selectors.villages import (
    current_stays,
    rotation_due,
    rotation_reminders,
    rotation_upcoming,
)

__all__ = [
    "CoverageTable",
    "Numbers",
    "assignments_for",
    "cadre_numbers",
    "cadre_total",
    "cadre_villages",
    "coverage_table",
    "current_stays",
    "entries_for",
    "evaluations_for",
    "get_assignment",
    "get_entry",
    "get_evaluation",
    "get_household",
    "get_log",
    "get_request",
    "get_stationed_cadre",
    "get_village",
    "households_for",
    "logs_for",
    "overdue_requests",
    "own_cadre",
    "own_only",
    "requests_for",
    "rotation_due",
    "rotation_reminders",
    "rotation_upcoming",
    "township_table",
    "townships_for",
    "village_numbers",
    "villages_for",
    "villages_of_unit",
]
