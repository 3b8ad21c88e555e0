"""The audit actions structure analysis writes, with the labels the 记实 page shows."""

from __future__ import annotations

EVENTS = {
    # the county-wide settings (services.py)
    "analytics.rule.create": "新增班子结构规则",
    "analytics.rule.update": "修改班子结构规则",
    "analytics.rule.delete": "删除班子结构规则",
    "analytics.age_caps.update": "修改任职年龄界限",
    # every download of a table, comparison or forecast (views, through core.office.audited_attachment)
    "analytics.export": "导出队伍结构分析",
}
