"""Error codes of the ballot engine. Services raise `ValidationError(message, code=CODE)` with a
Chinese message; the JSON API maps the code to an HTTP status with `http_status`."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from ganbu.core import workflow

# voter-facing (the JSON API)
CODE_UNKNOWN = "code_unknown"  # 404
CODE_USED = "code_used"  # 409
NOT_OPEN = "session_not_open"  # 423
BALLOT_INVALID = "ballot_invalid"  # 400
BAD_REQUEST = "bad_request"  # 400

# organiser-facing
BAD_STATUS = "bad_status"
QUORUM = "quorum_not_met"
SPEC_INVALID = "spec_invalid"
NOT_READY = "results_not_ready"
ALREADY_CLAIMED = "already_claimed"
NOT_A_VOTER = "not_a_voter"
PAPER_INVALID = "paper_invalid"
SUBJECT_UNKNOWN = "subject_unknown"  # a typed name no active cadre of the scope has, not marked 非在册人员
SUBJECT_AMBIGUOUS = "subject_ambiguous"  # a typed name several cadres of the scope have
NOT_DRAFT = "not_draft"  # edit / delete of a session that has opened (or is in 模拟测试)
IN_USE = "session_in_use"  # delete of a session another module refers to

# a session's status moves (core.workflow.transition, BallotSession.TRANSITIONS)
MOVE_NOT_ALLOWED = workflow.NOT_ALLOWED  # not from this state (e.g. 封存 before 结束)
MOVE_REFUSED = workflow.GUARD  # the move's guard refused it (e.g. 结束 during 模拟测试)
MOVE_STALE = workflow.STALE  # someone else moved the session first

MESSAGES = {
    CODE_UNKNOWN: "票码无效：请核对票码是否输入正确（字母不区分大小写）。",
    CODE_USED: "此票码已经使用过，每个票码只能投一次票。",
    NOT_OPEN: "投票尚未开始或已经结束，请听从会议工作人员安排。",
    BAD_REQUEST: "提交的内容格式不正确，请刷新页面后重试。",
}

HTTP_STATUS = {
    CODE_UNKNOWN: 404,
    CODE_USED: 409,
    NOT_OPEN: 423,
    BALLOT_INVALID: 400,
    BAD_REQUEST: 400,
}


def error(code: str, message: str | None = None) -> ValidationError:
    return ValidationError(message or MESSAGES[code], code=code)


def first_code(exc: ValidationError) -> str:
    codes = [e.code for e in exc.error_list] if hasattr(exc, "error_list") else []
    return next((c for c in codes if c), BAD_REQUEST)


def http_status(exc: ValidationError) -> int:
    return HTTP_STATUS.get(first_code(exc), 400)
