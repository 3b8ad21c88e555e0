from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ganbu.audit import conf
from ganbu.audit.services import verify_chain, verify_with_anchors


class Command(BaseCommand):
    help = (
        "校验记实（审计日志）的哈希链，指出第一处断裂；用 --anchors 文件时，"
        "还校验每个锚点的签名，并发现最新锚点之前的改写、重算哈希和末尾删除。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchors",
            type=Path,
            help="锚点文件（audit_anchor 写的）；缺省为 GANBU_AUDIT_ANCHOR_FILE，都没有则只校验链本身",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["anchors"] or conf.anchor_file()
        if path is None:
            report = verify_chain()
            if not report.ok:
                raise CommandError(f"记实链校验失败：第一处断点在第 {report.broken_seq} 条。{report.reason}")
            self.stdout.write(f"记实链完整：共 {report.checked} 条，全部校验通过。")
            self.stdout.write(
                "未校验锚点：没有锚点文件时，改写后重算全部哈希、删除末尾或整表清空都无法发现"
                "（用 --anchors 文件校验）。"
            )
            return
        try:
            report = verify_with_anchors(Path(path))
        except ImproperlyConfigured as exc:  # a malformed key, an exposed key file
            raise CommandError(f"记实链校验失败：{exc}") from exc
        if not report.ok:
            where = f"第一处断点在第 {report.broken_seq} 条。" if report.broken_seq is not None else ""
            raise CommandError(f"记实链校验失败：{where}{report.reason}")
        newest = report.newest_anchor
        if newest is None:  # verify_with_anchors fails on a file without anchors
            raise CommandError(f"锚点文件 {path} 没有锚点")
        when = timezone.localtime(newest.at_datetime).strftime("%Y-%m-%d %H:%M:%S")
        self.stdout.write(f"记实链完整：共 {report.checked} 条，全部校验通过。")
        self.stdout.write(
            f"锚点 {report.anchors} 个，签名全部有效；最新锚点：第 {newest.seq} 条，"
            f"哈希 {newest.hash_prefix}…，时间 {when}，密钥 {newest.key}。"
        )
        after = report.checked - newest.seq
        if after:
            self.stdout.write(f"最新锚点之后的 {after} 条只受哈希链保护，直到下一个锚点。")
