"""The audit actions the organisation app writes, with the labels the 记实 page shows."""

from __future__ import annotations

EVENTS = {
    # units, teams, posts and accounts (services.py)
    "unit.create": "新增单位",
    "unit.update": "修改单位信息",
    "team.create": "新增领导班子",
    "post.create": "新增职位",
    "user.create": "新增登录账号",
    # accounts managed in the app (services.py, pages under /users/)
    "user.update": "修改登录账号",
    "user.disable": "停用登录账号",
    "user.enable": "启用登录账号",
    "user.password_reset": "重置登录密码",
    "user.lockout_release": "解除登录锁定",
    # 节假日安排 (services.py, page /units/calendar/)
    "calendar.set": "设置节假日安排（放假或调休上班）",
    "calendar.delete": "删除节假日安排",
    # the Django admin (admin.py): code tables and accounts
    "admin.add": "后台新增（代码表、账号）",
    "admin.change": "后台修改（代码表、账号）",
    "admin.delete": "后台删除（代码表、账号）",
}

# The model whose fields the payloads of these actions name (audit.catalogue).
MODELS = {"user.": "org.User", "unit.": "org.Unit", "team.": "org.Team", "post.": "org.Post"}
# Fields holding codes, shown by their names (「职务层次：乡科级副职」, not 1A42).
CODE_FIELDS = {"org.Post": {"level": "leadership_level"}}
