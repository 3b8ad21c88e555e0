"""The audit actions the registry writes, with the labels the 记实 page shows."""

from __future__ import annotations

EVENTS = {
    # the cadre record (services/cadres.py, services/photos.py, services/accounts.py)
    "cadre.create": "新增干部",
    "cadre.update": "修改干部基本信息",
    "cadre.delete": "删除干部",
    "cadre.photo": "更新干部照片",
    "cadre.account": "关联干部登录账号",
    # sub-records (services/records.py: cadre.<kind>.<verb>)
    "cadre.education.create": "新增学历学位",
    "cadre.education.update": "修改学历学位",
    "cadre.education.delete": "删除学历学位",
    "cadre.appointment.create": "新增任职记录",
    "cadre.appointment.update": "修改任职记录",
    "cadre.appointment.delete": "删除任职记录",
    "cadre.rank.create": "新增职级记录",
    "cadre.rank.update": "修改职级记录",
    "cadre.rank.delete": "删除职级记录",
    "cadre.reward.create": "新增奖惩记录",
    "cadre.reward.update": "修改奖惩记录",
    "cadre.reward.delete": "删除奖惩记录",
    "cadre.assessment.create": "新增年度考核结果",
    "cadre.assessment.update": "修改年度考核结果",
    "cadre.assessment.delete": "删除年度考核结果",
    "cadre.family.create": "新增家庭成员",
    "cadre.family.update": "修改家庭成员",
    "cadre.family.delete": "删除家庭成员",
    # results of other modules written into the record (services/evaluations.py)
    "cadre.evaluation_record": "记入专项考核结果",
    # derived state (services/derived.py)
    "cadre.refresh_derived": "刷新干部现任职务、职级和学历",
    "cadre.rebuild_state_periods": "重建干部状态时段",
    # import and export (imports/, views, commands)
    "cadre.import.upload": "上传干部信息导入文件",
    "cadre.import": "导入干部信息",
    "cadre.export": "导出干部信息",
    "cadre.forms_batch": "批量生成任免审批表",  # batches.py (the download is a cadre.export)
    "cadre.lrmx_import": "导入 LRMX 任免审批表文件",  # lrmx_views.py: one batch, its files and hashes
    # searches by 身份证号 (services/lookups.py; the number itself is never stored)
    "cadre.lookup_id_number": "按身份证号查询干部",
}

# The model whose fields the payloads of these actions name (audit.catalogue: 「出生日期：… → …」).
MODELS = {
    "cadre.create": "cadres.Cadre",
    "cadre.update": "cadres.Cadre",
    "cadre.education.": "cadres.Education",
    "cadre.appointment.": "cadres.Appointment",
    "cadre.rank.": "cadres.RankRecord",
    "cadre.reward.": "cadres.RewardPunishment",
    "cadre.assessment.": "cadres.AnnualAssessment",
    "cadre.family.": "cadres.FamilyMember",
}
# Fields holding codes, shown by their names (the code tables of org).
CODE_FIELDS = {
    "cadres.Cadre": {
        "gender": "gender",
        "ethnicity": "ethnicity",
        "political_status": "political_status",
        "personnel_category": "personnel_category",
        "establishment": "establishment",
    },
    "cadres.Education": {"education": "education", "degree": "degree"},
    "cadres.Appointment": {"level": "leadership_level"},
    "cadres.RankRecord": {"rank": "civil_service_rank"},
    "cadres.AnnualAssessment": {"grade": "assessment_result"},
    "cadres.FamilyMember": {"relation": "family_relation", "political_status": "political_status"},
}

# The filter form of each export (audit.catalogue: the 筛选条件 in words).
FILTER_FORMS = {
    "cadre.export": "ganbu.cadres.forms.CadreFilterForm",
    "cadre.forms_batch": "ganbu.cadres.forms.CadreFilterForm",
}

# Payloads whose before/after are ids, not a record: what they are and what kind of id.
BEFORE_AFTER = {"cadre.account": ("登录账号", "user")}
