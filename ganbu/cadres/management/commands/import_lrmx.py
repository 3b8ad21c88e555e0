"""manage.py import_lrmx FILE.lrmx|FILE.zip --unit CODE: import LRMX files into the registry.

Each file is imported all-or-nothing; for a zip every member is reported and the command fails
(non-zero exit) when any member failed. Runs as the system (no acting user)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ganbu.cadres.lrmx import MAX_BYTES, SKIPPED, LrmxError, import_lrmx_record, parse_lrmx, zip_members
from ganbu.cadres.services import CodeBook
from ganbu.org.models import Unit
from ganbu.org.selectors import unit_by_code

MAX_ZIP_BYTES = 200 * 1024 * 1024


class Command(BaseCommand):
    help = "导入 LRMX 任免审批表文件（.lrmx 或含多个 .lrmx 的 .zip）；已有同一身份证号的干部则更新。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help=".lrmx 或 .zip 文件")
        parser.add_argument("--unit", required=True, help="导入单位代码（新建干部及简历中任职记录的单位）")
        parser.add_argument(
            "--personnel-category", default="1", help="新建干部的人员类别代码（LRMX 不含此项，默认 1 公务员）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        if unit is None:
            raise CommandError(f"未找到单位代码为 {options['unit']} 的单位")
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4)
        is_zip = head.startswith(b"PK")
        if size > (MAX_ZIP_BYTES if is_zip else MAX_BYTES):
            raise CommandError(f"文件过大：{path.name}")
        data = path.read_bytes()
        codes = CodeBook()
        category = options["personnel_category"]
        if not codes.valid("personnel_category", category):
            raise CommandError(f"人员类别代码「{category}」不在代码表中")
        if not is_zip:
            ok, message = self._import_one(data, unit, category, codes)
            if not ok:
                raise CommandError(f"{path.name}：{message}")
            self.stdout.write(f"{path.name}：{message}")
            return
        succeeded = failed = skipped = 0
        try:
            for name, content, problem in zip_members(data):
                if content is None:
                    if problem == SKIPPED:
                        skipped += 1
                        self.stdout.write(f"[跳过] {name}：{problem}")
                    else:
                        failed += 1
                        self.stdout.write(f"[失败] {name}：{problem}")
                    continue
                ok, message = self._import_one(content, unit, category, codes)
                if ok:
                    succeeded += 1
                    self.stdout.write(f"[成功] {name}：{message}")
                else:
                    failed += 1
                    self.stdout.write(f"[失败] {name}：{message}")
        except LrmxError as exc:
            raise CommandError(f"{path.name}：{exc}") from exc
        summary = f"共 {succeeded + failed} 个 LRMX 文件：成功 {succeeded} 个，失败 {failed} 个"
        if skipped:
            summary += f"，跳过其他文件 {skipped} 个"
        if failed:
            raise CommandError(summary)
        if not succeeded:
            raise CommandError(f"{path.name} 中没有 .lrmx 文件")
        self.stdout.write(summary)

    def _import_one(self, data: bytes, unit: Unit, category: str, codes: CodeBook) -> tuple[bool, str]:
        try:
            record = parse_lrmx(data, codes=codes)
            cadre, created = import_lrmx_record(
                record, unit=unit, actor=None, personnel_category=category, codes=codes
            )
        except (LrmxError, PermissionDenied) as exc:
            return False, str(exc)
        except ValidationError as exc:  # pragma: no cover - import_lrmx_record converts these
            return False, "；".join(exc.messages)
        message = f"{cadre.name}（{'新增' if created else '更新'}）"
        if record.warnings:
            message += "；提示：" + "；".join(record.warnings)
        return True, message
