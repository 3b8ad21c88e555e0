from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ganbu.villagework.demo import demo_accounts_ensure


class Command(BaseCommand):
    help = (
        "Create the demo logins if missing（驻村干部 `zhucun` linked to a stationed cadre of 青山镇，"
        "乡镇 `qingshan`) and print them. Demo county only; never in production."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            self.stdout.write("生产环境（GANBU_ENV=production）不创建示范账号，已跳过。")
            return
        logins, notes = demo_accounts_ensure(var_dir=settings.VAR_DIR)
        for note in notes:
            self.stdout.write(note)
        for login in logins:
            password = (
                f"密码：{login.password}"
                if login.password
                else f"（密码可用 manage.py changepassword {login.username} 重置）"
            )
            detail = f"（{login.note}）" if login.note else ""
            self.stdout.write(f"{login.label}账号：{login.username}  {password}{detail}")
