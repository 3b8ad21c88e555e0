from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ganbu.audit import conf
from ganbu.audit.services import AnchorError, anchor_write


class Command(BaseCommand):
    help = (
        "给记实链写一个锚点：当前最后一条的序号和哈希，用数据库之外的 Ed25519 密钥签名，"
        "追加到锚点文件（每天运行一次；封存投票时自动追加）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, help="锚点文件（追加一行；新建时权限 600）；缺省为 GANBU_AUDIT_ANCHOR_FILE"
        )
        parser.add_argument(
            "--print-public-key",
            action="store_true",
            help="只打印公钥（GANBU_AUDIT_VERIFY_KEY 的值，给只校验、不持有私钥的一方）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["print_public_key"]:
                key = conf.signing_key()
                self.stdout.write(conf.public_key_text(key))
                return
            path = options["out"] or conf.anchor_file()
            if path is None:
                raise CommandError("请用 --out 指定锚点文件，或设置 GANBU_AUDIT_ANCHOR_FILE")
            anchor = anchor_write(Path(path))
        except (AnchorError, ImproperlyConfigured) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"锚点或密钥文件写不进：{exc}") from exc
        when = timezone.localtime(anchor.at_datetime).strftime("%Y-%m-%d %H:%M:%S")
        self.stdout.write(
            f"已写锚点：第 {anchor.seq} 条，哈希 {anchor.hash_prefix}…，时间 {when}，"
            f"密钥 {anchor.key}（{path} 第 {anchor.line} 行）。"
        )
