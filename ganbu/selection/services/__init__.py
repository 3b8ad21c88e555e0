"""Writes of 选拔任用 (the API for views, commands and the demo): the case (`cases`), its votes
through the ballot engine (`ballots`), its steps in order (`steps`), and 公示 complaints and
documents (`records`)."""

from ganbu.selection.services.ballots import ballot_create, figures_from, sealed_ballot, year_end_link
from ganbu.selection.services.cases import (
    candidate_add,
    candidate_drop,
    candidate_views,
    case_close,
    case_end,
    case_open,
    free_seats,
    may_manage,
    requirements_set,
)
from ganbu.selection.services.steps import step_record

__all__ = [
    "ballot_create",
    "candidate_add",
    "candidate_drop",
    "candidate_views",
    "case_close",
    "case_end",
    "case_open",
    "figures_from",
    "free_seats",
    "may_manage",
    "requirements_set",
    "sealed_ballot",
    "step_record",
    "year_end_link",
]
