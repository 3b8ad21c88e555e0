"""The audit actions 综合考核 writes, with the labels the 记实 page shows."""

from __future__ import annotations

SCHEME_IMPORT = "assessment.scheme.import"
SCHEME_UPDATE = "assessment.scheme.update"
SCHEME_COPY = "assessment.scheme.copy"
SCHEME_EXPORT = "assessment.scheme.export"
CYCLE_CREATE = "assessment.cycle.create"
CYCLE_OPEN = "assessment.cycle.open"  # transition 筹备中 → 考核中 (schemes frozen)
CYCLE_SEAL = "assessment.cycle.seal"  # transition 考核中 → 已封存 (digest of the results)
TARGETS_DECLARE = "assessment.targets.declare"  # transition 待申报 → 已申报
TARGETS_RETURN = "assessment.targets.return"  # transition 已申报 → 待申报
TARGETS_SIGN = "assessment.targets.sign"  # transition 已申报 → 已签订
TARGET_ADJUST = "assessment.target.adjust"
TARGET_PROGRESS = "assessment.target.progress"
ACTUAL_ENTER = "assessment.actual.enter"
ACTUAL_IMPORT = "assessment.actual.import"
ACTUALS_TEMPLATE = "assessment.actual.template"
FIGURE_ENTER = "assessment.figure.enter"
INCIDENT_ADD = "assessment.incident.add"
INCIDENT_DELETE = "assessment.incident.delete"
RANKINGS_ENTER = "assessment.rankings.enter"
BALLOTS_CREATE = "assessment.ballots.create"
DIFFICULTY_SET = "assessment.difficulty.set"
PROGRESS_FILE = "assessment.target.file"
QUARTER_GRADES = "assessment.quarter.enter"
REVIEW_OPEN = "assessment.annual.open"
REVIEW_PROPOSE = "assessment.annual.propose"  # transition 填报中 → 已提出
REVIEW_CONFIRM = "assessment.annual.confirm"  # → 主管已审核
REVIEW_RETURN = "assessment.annual.return"  # → 填报中
REVIEW_APPROVE = "assessment.annual.approve"  # → 组织部已审批
REVIEW_PUBLICITY = "assessment.annual.publicity"  # → 公示中
REVIEW_FINAL = "assessment.annual.final"  # → 已确定
CONSEQUENCE_DECIDE = "assessment.consequence.decide"
REVIEW_EXPORT = "assessment.annual.export"
BOTTOM_LIST = "assessment.bottom.list"
REVIEW_REPORT = "assessment.annual.report"
BOTTOM_MEASURE = "assessment.bottom.measure"
COMPUTE = "assessment.compute"
CORRECT = "assessment.correct"  # a computation after sealing, with its reason
RESULT_EXPORT = "assessment.result.export"
TARGETS_EXPORT = "assessment.targets.export"
BULLETIN_EXPORT = "assessment.bulletin.export"
SETTINGS = "assessment.settings"  # the grading settings of the 平时 and 年度考核

EVENTS = {
    SETTINGS: "修改年度考核设置",
    SCHEME_IMPORT: "导入考核方案",
    SCHEME_UPDATE: "修改考核方案",
    SCHEME_COPY: "复制考核方案为新版本",
    SCHEME_EXPORT: "导出考核方案",
    CYCLE_CREATE: "新建考核年度",
    CYCLE_OPEN: "考核年度开始考核",
    CYCLE_SEAL: "封存考核结果",
    TARGETS_DECLARE: "申报目标责任书",
    TARGETS_RETURN: "退回目标责任书",
    TARGETS_SIGN: "签订目标责任书",
    TARGET_ADJUST: "审核调整目标值",
    TARGET_PROGRESS: "报送目标进展情况",
    ACTUAL_ENTER: "填报核定完成值",
    ACTUAL_IMPORT: "导入核定完成值",
    ACTUALS_TEMPLATE: "下载核定完成值导入模板",
    FIGURE_ENTER: "填报考核数据",
    INCIDENT_ADD: "登记加减分事项",
    INCIDENT_DELETE: "删除加减分事项",
    RANKINGS_ENTER: "录入领导评价名次",
    BALLOTS_CREATE: "创建考核民主测评投票",
    DIFFICULTY_SET: "设定难度系数",
    PROGRESS_FILE: "上传目标进展材料",
    QUARTER_GRADES: "填报平时考核等次",
    REVIEW_OPEN: "建立单位年度考核",
    REVIEW_PROPOSE: "提出年度考核等次",
    REVIEW_CONFIRM: "主管单位审核年度考核",
    REVIEW_RETURN: "退回年度考核",
    REVIEW_APPROVE: "组织部审批年度考核",
    REVIEW_PUBLICITY: "年度考核优秀等次公示",
    REVIEW_FINAL: "确定年度考核等次",
    CONSEQUENCE_DECIDE: "确认考核奖惩建议",
    REVIEW_EXPORT: "导出年度考核材料",
    BOTTOM_LIST: "列出末位单位",
    REVIEW_REPORT: "上传述职报告",
    BOTTOM_MEASURE: "决定末位单位措施",
    COMPUTE: "计算考核得分",
    CORRECT: "更正已封存的考核结果",
    RESULT_EXPORT: "导出考核结果",
    TARGETS_EXPORT: "导出目标责任书",
    BULLETIN_EXPORT: "导出考核结果通报",
}

MODELS = {
    REVIEW_OPEN: "assessment.AnnualReview",
    REVIEW_PROPOSE: "assessment.AnnualReview",
    REVIEW_CONFIRM: "assessment.AnnualReview",
    REVIEW_RETURN: "assessment.AnnualReview",
    REVIEW_APPROVE: "assessment.AnnualReview",
    REVIEW_PUBLICITY: "assessment.AnnualReview",
    REVIEW_FINAL: "assessment.AnnualReview",
    SCHEME_IMPORT: "assessment.Scheme",
    SCHEME_UPDATE: "assessment.Scheme",
    SCHEME_COPY: "assessment.Scheme",
    CYCLE_CREATE: "assessment.Cycle",
    CYCLE_OPEN: "assessment.Cycle",
    CYCLE_SEAL: "assessment.Cycle",
    TARGETS_DECLARE: "assessment.Participant",
    TARGETS_RETURN: "assessment.Participant",
    TARGETS_SIGN: "assessment.Participant",
    TARGET_ADJUST: "assessment.Target",
    ACTUAL_ENTER: "assessment.Target",
}
