from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ganbu.env import read_private_file, write_private_file
from ganbu.org import services
from ganbu.org.models import Role, User
from ganbu.org.selectors import county_root


class Command(BaseCommand):
    help = "创建县级管理员账号（如不存在）并显示其密码（仅用于本机演示）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        secret_file = settings.VAR_DIR / f"{username}_password.txt"
        if User.objects.filter(username=username).exists():
            password = read_private_file(secret_file)
            if password is not None:
                self.stdout.write(f"管理员账号：{username}  密码：{password}")
            else:
                self.stdout.write(
                    f"管理员账号 {username} 已存在（密码可用 manage.py changepassword {username} 重置）。"
                )
            return
        _, password = services.user_create(
            username=username,
            role=Role.COUNTY,
            scope_unit=county_root(),
            display_name="系统管理员",
            is_superuser=True,
            actor=None,
        )
        write_private_file(secret_file, password)
        self.stdout.write(f"管理员账号：{username}  密码：{password}")
