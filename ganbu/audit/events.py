"""The audit actions the audit app writes itself, with their Chinese labels (the 记实 page shows the
label). Writing an anchor changes nothing in the database and writes no event (services/anchors.py)."""

from __future__ import annotations

EVENTS = {
    "audit.runtime_role_granted": "授予运行数据库角色权限（记实表只可追加）",
}
