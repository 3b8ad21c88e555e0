"""The numbers of 驻村 work: coverage of the household register, visits against the weekly quota,
villagers' requests, per cadre, village, township and county, for any period.

Definitions (also in villagework/README.md):

- **Period** `[start, end]`, both days included. `today` (default: the local date) is the day the
  numbers are "as of": quota weeks stop at it and "overdue" is judged on it.
- **households**: the village's *active* registered households at query time (the register is not
  versioned, so a household that moved out is not in the denominator of a past period either).
- **households_visited**: distinct active households with at least one Visit dated in the period
  (a visit to a household since deactivated still counts in `visits`, not here), so coverage is
  never above 100%.
- **coverage** = households_visited / households, as a percent with 2 decimals rounded half up from
  the exact fraction; 0.00 when there are no households.
- **visits**: Visit rows (one household in one log) dated in the period; **logs**: WorkLog rows.
- **Quota weeks**: Monday–Sunday weeks whose seven days all lie inside `[start, min(end, today)]`
  and inside an assignment of the cadre to the village (`started_on` .. `ended_on`, open-ended when
  empty). Partial first/last weeks and the running week are not counted. A week is **met** when the
  visits of that week reach the requirement (`rules.week_met`): `weekly_quota` for one cadre; for a village, the sum of
  the quotas of the cadres whose assignment covers the whole week (two cadres stationed → 2 × quota),
  against the visits of all its cadres together. `quota_rate` = weeks_met / weeks (100.00 when there
  is no quota week). For a township or the county, weeks are village-weeks.
- **Requests**: VillagerRequest raised in the period (for a cadre: those they handle, `cadre`);
  *resolved* = status 已办结 now; *overdue* = not resolved (受理/办理中/已上报乡镇) and `due_on`
  before `today`; *median days to resolve* = median of `resolved_on - raised_on` over the resolved
  ones (1 decimal; None when none).
- **Township ranking**: by coverage, then quota rate, then resolution rate (resolved / raised,
  100.00 when none raised), all descending; equal on all three → same rank (1, 2, 2, 4).

The package, along its seams: `numbers` (coverage, quota weeks and requests per cadre, village or
sum of villages; the weekly series), `tables` (the coverage table per village and township, the
ranking), `timelines` (requests by status, overdue requests, a village's cadres and unvisited
households, a cadre's timeline and 记录表 rows). Each computes with a fixed number of aggregate
queries whatever the number of villages.
"""

from __future__ import annotations

from ganbu.villagework.selectors.stats.numbers import (
    Numbers,
    WeekPoint,
    cadre_numbers,
    cadre_total,
    combine,
    median_days,
    village_numbers,
    weekly_points,
)
from ganbu.villagework.selectors.stats.tables import (
    CoverageTable,
    TownshipRow,
    VillageRow,
    coverage_table,
    rank_townships,
    ranking_key,
    township_table,
    villages_of_unit,
)
from ganbu.villagework.selectors.stats.timelines import (
    Bucket,
    Timeline,
    TimelineEntry,
    cadre_logs,
    cadre_timeline,
    overdue_requests,
    requests_by_status,
    unvisited_households,
    village_assignments,
)

__all__ = [
    "Bucket",
    "CoverageTable",
    "Numbers",
    "Timeline",
    "TimelineEntry",
    "TownshipRow",
    "VillageRow",
    "WeekPoint",
    "cadre_logs",
    "cadre_numbers",
    "cadre_timeline",
    "cadre_total",
    "combine",
    "coverage_table",
    "median_days",
    "overdue_requests",
    "rank_townships",
    "ranking_key",
    "requests_by_status",
    "township_table",
    "unvisited_households",
    "village_assignments",
    "village_numbers",
    "villages_of_unit",
    "weekly_points",
]
