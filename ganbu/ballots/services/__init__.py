"""Writes of the ballot engine. Other modules (e.g. 驻村 annual 述职评议) use these functions and
`ganbu.ballots.selectors.session_result`; never the tables."""

from ganbu.ballots.services.casting import ballot_cast, ballot_form
from ganbu.ballots.services.drafts import owner_module, session_copy, session_delete, session_update
from ganbu.ballots.services.issuing import codes_issue, member_code_claim, member_slots_create
from ganbu.ballots.services.lifecycle import (
    session_close,
    session_open,
    session_seal,
    session_set_present,
    session_test_end,
    session_test_start,
    storage_scrub,
)
from ganbu.ballots.services.paper import paper_count_enter, paper_meeting_record
from ganbu.ballots.services.sessions import (
    GroupSpec,
    SubjectSpec,
    session_create,
    session_create_from_spec,
)
from ganbu.ballots.services.settings import ballot_settings_update

__all__ = [
    "GroupSpec",
    "SubjectSpec",
    "ballot_cast",
    "ballot_form",
    "ballot_settings_update",
    "codes_issue",
    "member_code_claim",
    "member_slots_create",
    "owner_module",
    "paper_count_enter",
    "paper_meeting_record",
    "session_close",
    "session_copy",
    "session_create",
    "session_create_from_spec",
    "session_delete",
    "session_open",
    "session_seal",
    "session_set_present",
    "session_test_end",
    "session_test_start",
    "session_update",
    "storage_scrub",
]
