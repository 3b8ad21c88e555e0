"""The writes of 综合考核: schemes, cycles and their figures, computing and sealing."""

from __future__ import annotations

from ganbu.assessment.services.ballots import create_ballots, team_label
from ganbu.assessment.services.cycles import (
    TrackSpec,
    add_incident,
    adjust_target,
    create_cycle,
    declare_targets,
    delete_incident,
    enter_actuals,
    enter_figures,
    enter_rankings,
    is_office,
    lead_unit,
    leaf_of,
    leaves,
    link_ballot,
    may_enter,
    open_cycle,
    report_progress,
    return_targets,
    sign_targets,
)
from ganbu.assessment.services.difficulty import difficulty_range, set_difficulty
from ganbu.assessment.services.files import attach_progress_file
from ganbu.assessment.services.schemes import (
    copy_scheme,
    import_scheme,
    problems,
    read_scheme_file,
    remove_indicator,
    save_header,
    save_indicator,
    update_definition,
)
from ganbu.assessment.services.scoring import compute, current, cycle_inputs, seal, seal_check

__all__ = [
    "TrackSpec",
    "add_incident",
    "adjust_target",
    "attach_progress_file",
    "compute",
    "copy_scheme",
    "create_ballots",
    "create_cycle",
    "current",
    "cycle_inputs",
    "declare_targets",
    "delete_incident",
    "difficulty_range",
    "enter_actuals",
    "enter_figures",
    "enter_rankings",
    "import_scheme",
    "is_office",
    "lead_unit",
    "leaf_of",
    "leaves",
    "link_ballot",
    "may_enter",
    "open_cycle",
    "problems",
    "read_scheme_file",
    "remove_indicator",
    "report_progress",
    "return_targets",
    "save_header",
    "save_indicator",
    "seal",
    "seal_check",
    "set_difficulty",
    "sign_targets",
    "team_label",
    "update_definition",
]
