"""The audit actions of 选拔任用, with their Chinese labels (the 记实 page reads them)."""

from __future__ import annotations

CASE_OPEN = "selection.case_open"
CASE_UPDATE = "selection.case_update"
CASE_CLOSE = "selection.case_close"
CANDIDATE_ADD = "selection.candidate_add"
CANDIDATE_VIEWS = "selection.candidate_views"
CANDIDATE_DROP = "selection.candidate_drop"
STEP = "selection.step"
DOCUMENT = "selection.document"
BALLOT = "selection.ballot"
COMPLAINT = "selection.complaint"
FINDING = "selection.finding"
EXPORT = "selection.export"
CHECK = "selection.check"
SETTINGS = "selection.settings"

EVENTS = {
    CASE_OPEN: "动议（建立选拔任用）",
    CASE_UPDATE: "修改选拔任用工作方案",
    CASE_CLOSE: "选拔任用办结或终止",
    CANDIDATE_ADD: "增加人选",
    CANDIDATE_VIEWS: "记录两推一致、三点一线意见",
    CANDIDATE_DROP: "人选终止",
    STEP: "记录选拔任用环节",
    DOCUMENT: "上传或生成环节材料",
    BALLOT: "组织选拔任用投票",
    COMPLAINT: "登记公示期间举报",
    FINDING: "登记举报核查结论",
    EXPORT: "导出选拔任用材料",
    CHECK: "选人用人合规检查",
    SETTINGS: "修改选拔任用设置",
}
