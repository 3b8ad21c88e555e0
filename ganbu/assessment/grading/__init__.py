"""年度考核等次 (issue 15): the pure rules of a unit's annual grades — quotas, eligibility and the
consequences proposed — behind `manage.py assessment simulate-grades` and the cycle's pages."""

from ganbu.assessment.grading.engine import grade_unit
from ganbu.assessment.grading.quota import Quota, compute_quota
from ganbu.assessment.grading.settings import GRADES, GradingSettings, with_overrides

__all__ = ["GRADES", "GradingSettings", "Quota", "compute_quota", "grade_unit", "with_overrides"]
