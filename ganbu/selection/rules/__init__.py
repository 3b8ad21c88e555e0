"""选拔任用 (selection and appointment): the pure rules — the numbers (`settings`), a case and its
validator (`case`), the compliance check (`check`) — behind `manage.py selection check` and, later,
the stored cases' pages. No database."""

from ganbu.core.rulesettings import share_text
from ganbu.selection.rules.case import METHODS, STEPS, Case, parse_case
from ganbu.selection.rules.check import check_case, check_output, leaders_of, notices
from ganbu.selection.rules.settings import SelectionSettings, with_overrides
from ganbu.selection.rules.violations import CODES, EXCUSABLE, NOTICES, Violation

__all__ = [
    "CODES",
    "EXCUSABLE",
    "METHODS",
    "NOTICES",
    "STEPS",
    "Case",
    "SelectionSettings",
    "Violation",
    "check_case",
    "check_output",
    "leaders_of",
    "notices",
    "parse_case",
    "share_text",
    "with_overrides",
]
