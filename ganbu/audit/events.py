"""The audit actions the audit app writes itself, with their Chinese labels (the 记实 page shows the
label). Writing an anchor changes nothing in the database and writes no event (services/anchors.py)."""

from __future__ import annotations

EVENTS = {
    "audit.runtime_role_granted": "系统维护：设置记实只可追加、不可修改",
    # written by the 记实 page (home/views/records.py), filed under the 记实 it exports
    "records.export": "导出记实",
}
# Written by the system's maintenance commands (the database roles), not by anyone's work: listed on
# the 记实 like every event, but not offered in its 操作 filter.
SYSTEM_EVENTS = frozenset({"audit.runtime_role_granted"})

# The filter form of each export, whose field labels and choices say what was exported
# (audit.catalogue: 「筛选条件：单位：青山镇；性别：男；排序：年龄（从大到小）」).
FILTER_FORMS = {"records.export": "ganbu.home.forms.EventFilterForm"}
