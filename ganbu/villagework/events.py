"""The audit actions 驻村工作 writes, with the labels the 记实 page shows."""

from __future__ import annotations

SETTINGS = "villagework.settings"
HOUSEHOLD_CREATE = "villagework.household.create"
HOUSEHOLD_UPDATE = "villagework.household.update"
HOUSEHOLD_DEACTIVATE = "villagework.household.deactivate"
HOUSEHOLD_REACTIVATE = "villagework.household.reactivate"
HOUSEHOLD_DELETE = "villagework.household.delete"
HOUSEHOLD_IMPORT = "villagework.household.import"
ASSIGNMENT_CREATE = "villagework.assignment.create"
ASSIGNMENT_UPDATE = "villagework.assignment.update"
ASSIGNMENT_END = "villagework.assignment.end"
ASSIGNMENT_ACCOUNT = "villagework.assignment.account"
ROTATION_EXPORT = "villagework.rotation.export"
LOG_CREATE = "villagework.log.create"
LOG_UPDATE = "villagework.log.update"
LOG_DELETE = "villagework.log.delete"
REQUEST_CREATE = "villagework.request.create"
REQUEST_TRANSITION = "villagework.request.transition"  # written by core.workflow.transition
RECORD_EXPORT = "villagework.record_export"
LOG_LIST_EXPORT = "villagework.log.export"
REQUEST_LIST_EXPORT = "villagework.request.export"
OVERVIEW_EXPORT = "villagework.overview.export"
ASSIGNMENT_LIST_EXPORT = "villagework.assignment.export"
HOUSEHOLD_LIST_EXPORT = "villagework.household.export"
EVALUATION_CREATED = "villagework.evaluation_created"
EVALUATION_BALLOTS = "villagework.evaluation_ballots"  # transition 准备中/评议中 → 评议中
EVALUATION_BUNDLED_SCORES = "villagework.evaluation_bundled_scores"
EVALUATION_COMPUTED = "villagework.evaluation_computed"  # transition → 已计分
EVALUATION_FINALIZED = "villagework.evaluation_finalized"  # transition → 已确定
DEMO_SEED = "villagework.demo_seed"

EVENTS = {
    SETTINGS: "修改驻村工作设置",
    HOUSEHOLD_CREATE: "登记农户",
    HOUSEHOLD_UPDATE: "修改农户信息",
    HOUSEHOLD_DEACTIVATE: "农户注销（迁出）",
    HOUSEHOLD_REACTIVATE: "农户恢复在册",
    HOUSEHOLD_DELETE: "删除误登记的农户",
    HOUSEHOLD_IMPORT: "导入农户花名册",
    ASSIGNMENT_CREATE: "新增驻村安排",
    ASSIGNMENT_UPDATE: "修改驻村安排",
    ASSIGNMENT_END: "结束驻村安排",
    ASSIGNMENT_ACCOUNT: "关联驻村干部登录账号",
    ROTATION_EXPORT: "导出驻村轮岗提醒名单",
    LOG_CREATE: "填写驻村工作记录",
    LOG_UPDATE: "修改驻村工作记录",
    LOG_DELETE: "删除驻村工作记录",
    REQUEST_CREATE: "登记群众诉求",
    REQUEST_TRANSITION: "群众诉求办理状态变更",
    RECORD_EXPORT: "导出驻村蹲点工作记录表",
    LOG_LIST_EXPORT: "导出驻村工作记录列表",
    REQUEST_LIST_EXPORT: "导出群众诉求列表",
    OVERVIEW_EXPORT: "导出驻村工作乡镇排名",
    ASSIGNMENT_LIST_EXPORT: "导出驻村安排列表",
    HOUSEHOLD_LIST_EXPORT: "导出农户花名册",
    EVALUATION_CREATED: "发起驻村干部年度考核",
    EVALUATION_BALLOTS: "创建驻村干部述职评议投票",
    EVALUATION_BUNDLED_SCORES: "录入捆绑考核得分",
    EVALUATION_COMPUTED: "计算驻村干部考核得分",
    EVALUATION_FINALIZED: "确定驻村干部考核等次并写入档案",
    DEMO_SEED: "生成驻村工作示范数据",
}

# The model whose fields the payloads of these actions name (audit.catalogue).
MODELS = {
    SETTINGS: "villagework.VillageWorkSettings",
    "villagework.household.": "villagework.Household",
    "villagework.assignment.": "villagework.Assignment",
    "villagework.log.": "villagework.WorkLog",
    "villagework.request.": "villagework.VillagerRequest",
    "villagework.evaluation": "villagework.Evaluation",
}

# The filter form of each list export (audit.catalogue: the 筛选条件 in words).
FILTER_FORMS = {
    HOUSEHOLD_LIST_EXPORT: "ganbu.villagework.forms.villages.HouseholdFilterForm",
    REQUEST_LIST_EXPORT: "ganbu.villagework.forms.logs.RequestFilterForm",
    ASSIGNMENT_LIST_EXPORT: "ganbu.villagework.forms.villages.AssignmentFilterForm",
    LOG_LIST_EXPORT: "ganbu.villagework.forms.logs.LogFilterForm",
}

# Payloads whose before/after are ids, not a record: what they are and what kind of id.
BEFORE_AFTER = {ASSIGNMENT_ACCOUNT: ("登录账号", "user")}
