"""The runtime database role on PostgreSQL (README.md, "Two database roles").

The owner role runs `migrate`, owns every table and runs `grant_runtime_role ROLE` after each
migrate; gunicorn connects as ROLE, which gets SELECT, INSERT, UPDATE, DELETE on the tables, USAGE on
the sequences, SELECT only on django_migrations, and SELECT and INSERT only on the audit table: no
UPDATE, DELETE or TRUNCATE of the log. A role that could bypass that (a superuser, the owner, a
member of the owner, the owner of some table) is refused, and so is a grant after which the role
still holds one of those privileges through PUBLIC or another role.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from ganbu.audit import errors
from ganbu.audit.models import AuditEvent
from ganbu.audit.services.chain import record_event

AUDIT_TABLES = (AuditEvent._meta.db_table,)
READ_ONLY_TABLES = ("django_migrations",)
AUDIT_REFUSED = ("UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class RoleGrant:
    role: str
    schema: str
    tables: list[str]  # SELECT, INSERT, UPDATE, DELETE
    audit_tables: list[str]  # SELECT, INSERT
    read_only_tables: list[str]  # SELECT


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _one(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def _check_role(role: str, owner: str, schema: str) -> None:
    if not _ROLE_NAME.match(role):
        raise ValidationError(
            f"角色名「{role}」无效：只能用小写字母、数字和下划线，且不以数字开头", code=errors.ROLE_NAME
        )
    superuser = _one("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
    if superuser is None:
        raise ValidationError(
            f"数据库角色「{role}」不存在：先由数据库管理员创建（CREATE ROLE {role} LOGIN PASSWORD …）",
            code=errors.ROLE_MISSING,
        )
    if superuser:
        raise ValidationError(
            f"「{role}」是超级用户，不受权限限制：运行角色不能是超级用户", code=errors.ROLE_TOO_STRONG
        )
    if role == owner or _one("SELECT pg_has_role(%s, %s, 'MEMBER')", [role, owner]):
        raise ValidationError(
            f"「{role}」是表的所有者「{owner}」或其成员：运行角色须是另一个角色", code=errors.ROLE_TOO_STRONG
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND pg_get_userbyid(c.relowner) = %s ORDER BY c.relname",
            [schema, role],
        )
        owned = "、".join(row[0] for row in cursor.fetchall())
    if owned:
        raise ValidationError(
            f"运行角色「{role}」拥有这些表：{owned}：表应属于所有者角色", code=errors.ROLE_TOO_STRONG
        )


@transaction.atomic
def runtime_role_grant(*, role: str, actor: Any = None) -> RoleGrant:
    """Give `role` what the running application needs and nothing on the audit table beyond
    SELECT and INSERT. Idempotent: everything the role held on the schema's tables is revoked first.
    Run by the owner role after every migrate (new tables get no privilege by themselves)."""
    if connection.vendor != "postgresql":
        raise ValidationError(
            "运行角色只用于 PostgreSQL（SQLite 没有数据库角色）", code=errors.NOT_POSTGRESQL
        )
    owner = _one("SELECT current_user", [])
    schema = _one("SELECT current_schema()", [])
    _check_role(role, owner, schema)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY c.relname",
            [schema],
        )
        names = [row[0] for row in cursor.fetchall()]
        audit = [n for n in names if n in AUDIT_TABLES]
        read_only = [n for n in names if n in READ_ONLY_TABLES]
        others = [n for n in names if n not in AUDIT_TABLES and n not in READ_ONLY_TABLES]
        grantee, in_schema = _ident(role), _ident(schema)
        statements = [
            f"REVOKE ALL ON ALL TABLES IN SCHEMA {in_schema} FROM {grantee}",
            f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {in_schema} FROM {grantee}",
            f"GRANT USAGE ON SCHEMA {in_schema} TO {grantee}",
            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {in_schema} TO {grantee}",
        ]
        for privileges, tables in (
            ("SELECT, INSERT, UPDATE, DELETE", others),
            ("SELECT, INSERT", audit),
            ("SELECT", read_only),
        ):
            if tables:
                listed = ", ".join(f"{in_schema}.{_ident(t)}" for t in tables)
                statements.append(f"GRANT {privileges} ON {listed} TO {grantee}")
        for statement in statements:
            cursor.execute(statement)
    for table in audit:
        left = [
            p
            for p in AUDIT_REFUSED
            if _one("SELECT has_table_privilege(%s, %s, %s)", [role, f"{schema}.{table}", p])
        ]
        if left:
            raise ValidationError(
                f"授权后「{role}」对记实表 {table} 仍有 {'、'.join(left)} 权限（经 PUBLIC 或其所属角色）："
                f"先收回这些权限",
                code=errors.PRIVILEGE_LEFT,
            )
    record_event(
        actor=actor,
        action="audit.runtime_role_granted",
        object_type="database_role",
        object_id=role,
        object_label=role,
        payload={"schema": schema, "tables": len(others), "audit_tables": audit, "read_only": read_only},
    )
    return RoleGrant(role=role, schema=schema, tables=others, audit_tables=audit, read_only_tables=read_only)
