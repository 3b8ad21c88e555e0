"""The forms of the 驻村工作 pages. They parse input (no queries beyond their choices); the rules and
their Chinese messages are in the services, the filters they feed in the selectors (a filter
form's `filters()` gives the selector's keyword arguments)."""

from ganbu.villagework.forms.logs import (
    LogEditForm,
    LogFilterForm,
    LogForm,
    RequestFilterForm,
    RequestForm,
    TransitionForm,
    photo_uploads,
    request_rows,
)
from ganbu.villagework.forms.reports import (
    BundledForm,
    EvaluationCreateForm,
    ExpectedForm,
    FinalizeForm,
    PeriodForm,
)
from ganbu.villagework.forms.settings import SettingsForm
from ganbu.villagework.forms.villages import (
    AccountForm,
    AssignmentCreateForm,
    AssignmentFieldsForm,
    AssignmentFilterForm,
    EndForm,
    HouseholdFilterForm,
    HouseholdForm,
    ImportForm,
    ReasonForm,
    RotationForm,
)

__all__ = [
    "AccountForm",
    "AssignmentCreateForm",
    "AssignmentFieldsForm",
    "AssignmentFilterForm",
    "BundledForm",
    "EndForm",
    "EvaluationCreateForm",
    "ExpectedForm",
    "FinalizeForm",
    "HouseholdFilterForm",
    "HouseholdForm",
    "ImportForm",
    "LogEditForm",
    "LogFilterForm",
    "LogForm",
    "PeriodForm",
    "ReasonForm",
    "RequestFilterForm",
    "RequestForm",
    "RotationForm",
    "SettingsForm",
    "TransitionForm",
    "photo_uploads",
    "request_rows",
]
