"""The audit actions the organisation app writes, with the labels the 记实 page shows."""

from __future__ import annotations

EVENTS = {
    # units, teams, posts and accounts (services.py)
    "unit.create": "新增单位",
    "unit.update": "修改单位信息",
    "team.create": "新增领导班子",
    "post.create": "新增职位",
    "user.create": "新增登录账号",
    # 节假日安排 (services.py, page /units/calendar/)
    "calendar.set": "设置节假日安排（放假或调休上班）",
    "calendar.delete": "删除节假日安排",
    # the Django admin (admin.py): code tables and accounts
    "admin.add": "后台新增（代码表、账号）",
    "admin.change": "后台修改（代码表、账号）",
    "admin.delete": "后台删除（代码表、账号）",
}
