"""What the compliance check finds: a `Violation` (code, step, candidate, Chinese message), the codes
with their Chinese labels, and the few codes a recorded reason may excuse."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Every code the check can report, with its label (for pages and the text table).
CODES = {
    "STEP_ORDER": "程序步骤顺序不对或缺少步骤",
    "RECOMMEND_RATIO": "差额推荐比例不足",
    "SECOND_ROUND_REQUIRED": "应进行第二轮民主推荐",
    "RECOMMEND_EXPIRED": "民主推荐结果已过有效期",
    "INSPECT_RATIO": "差额考察比例不足",
    "TWO_RECOMMENDATIONS_DISAGREE": "「两推」结果不一致",
    "THREE_POINTS_DISAGREE": "「三点一线」意见不一致",
    "TALKS_BELOW_HALF": "个别谈话面不足",
    "CONSULT_MISSING": "未征求全委会成员意见",
    "CONSULT_DROPPED": "全委会成员过半数不同意仍继续提名",
    "VOTE_NO_QUORUM": "票决到会人数不足",
    "VOTE_NOT_PASSED": "票决未通过仍任职",
    "PUBLICITY_TOO_SHORT": "任前公示时间不足",
    "APPOINTED_BEFORE_PUBLICITY_END": "任前公示期满前任职",
    "COMPLAINT_UNRESOLVED": "公示期间的反映未查清即任职",
    "PROBATION_NOT_ASSESSED": "试用期满未考核",
    "PROBATION_EARLY": "试用期未满即作期满考核",
}

# Notices: things to do soon, not violations (no exit status 1).
NOTICES = {
    "PROBATION_DUE": "试用期即将期满",
    "CALENDAR_GUESSED": "节假日安排尚未录入",
}

# The codes a case may excuse with a recorded reason (top-level "reasons": {"CODE": "理由"}): the
# ratios, where too few people qualify, and the second round, which seed 004 makes possible, not
# compulsory (「可进行二轮推荐」). An excused finding is still reported, apart, with its reason. The
# other rules are statutory or the county's own hard rules and cannot be excused.
EXCUSABLE = ("RECOMMEND_RATIO", "INSPECT_RATIO", "SECOND_ROUND_REQUIRED")


@dataclass(frozen=True)
class Violation:
    code: str
    step: str  # the step's name (「任前公示」), "" for the case as a whole
    candidate: str  # the candidate's name, "" when the finding is about the step
    message: str
    index: int = -1  # position of the step in the case's steps (for ordering), -1 for none
    reason: str = ""  # the recorded reason that excuses it (EXCUSABLE codes only)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "code": self.code,
            "step": self.step,
            "candidate": self.candidate,
            "message": self.message,
        }
        if self.reason:
            data["reason"] = self.reason
        return data
