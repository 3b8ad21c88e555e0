from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ganbu.audit.services import verify_chain


class Command(BaseCommand):
    help = "校验记实（审计日志）的哈希链，指出第一处断裂。"

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(f"记实链校验失败：第一处断点在第 {report.broken_seq} 条。{report.reason}")
        self.stdout.write(f"记实链完整：共 {report.checked} 条，全部校验通过。")
