from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ganbu.audit.services import runtime_role_grant


class Command(BaseCommand):
    help = (
        "PostgreSQL：由表的所有者角色在每次 migrate 之后运行，给运行角色（gunicorn 用）授权："
        "其他表可增删改查，记实表只可查询和追加（不可修改、删除、清空）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="运行角色名（须已存在，且不是超级用户或表的所有者）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            grant = runtime_role_grant(role=options["role"], actor=None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(
            f"已给运行角色「{grant.role}」授权（模式 {grant.schema}）：{len(grant.tables)} 张表可增删改查；"
            f"记实表 {'、'.join(grant.audit_tables)} 只可查询和追加；"
            f"{'、'.join(grant.read_only_tables) or '无'} 只读。每次 migrate 之后请重新运行。"
        )
