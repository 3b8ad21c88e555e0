from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ganbu.org import services
from ganbu.org.models import Role, Unit, User


class Command(BaseCommand):
    help = "Create the county administrator account if missing and print its password (local/demo use)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="admin")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        secret_file = settings.VAR_DIR / f"{username}_password.txt"
        if User.objects.filter(username=username).exists():
            if secret_file.exists():
                password = secret_file.read_text().strip()
                self.stdout.write(f"管理员账号:{username}  密码:{password}")
            else:
                self.stdout.write(
                    f"管理员账号 {username} 已存在(密码可用 manage.py changepassword {username} 重置)。"
                )
            return
        county = Unit.objects.filter(parent__isnull=True).order_by("path").first()
        _, password = services.user_create(
            username=username,
            role=Role.COUNTY,
            scope_unit=county,
            display_name="系统管理员",
            is_superuser=True,
            actor=None,
        )
        secret_file.write_text(password)
        os.chmod(secret_file, 0o600)
        self.stdout.write(f"管理员账号:{username}  密码:{password}")
