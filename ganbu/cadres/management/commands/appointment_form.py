"""manage.py appointment_form: the 干部任免审批表 (.docx) of one cadre, or a zip for a unit subtree."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ganbu.cadres.documents import appointment_forms_zip, build_appointment_form
from ganbu.cadres.models import Cadre
from ganbu.cadres.selectors import cadres_under_unit
from ganbu.org.selectors import unit_by_code


def add_target_arguments(parser: CommandParser) -> None:
    """The options shared by appointment_form and export_lrmx."""
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--id-number", help="身份证号（单人）")
    target.add_argument("--unit", help="单位代码（该单位及下级单位的全部在职干部，按姓氏笔画排序，输出 zip）")
    parser.add_argument("--out", required=True, help="输出文件")
    parser.add_argument("--as-of", help="计算年龄的日期 YYYY-MM-DD（默认今天）")
    parser.add_argument("--proposed", default="", help="拟任职务")
    parser.add_argument("--removal", default="", help="拟免职务")
    parser.add_argument("--reason", default="", help="任免理由")
    parser.add_argument("--reporting-unit", default="", help="呈报单位")
    parser.add_argument("--filled-by", default="", help="填表人")


def parse_as_of(value: str | None) -> date:
    if not value:
        return timezone.localdate()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of 日期格式应为 YYYY-MM-DD，实际为「{value}」") from exc


def form_options(options: dict[str, Any]) -> dict[str, Any]:
    return {
        "as_of": parse_as_of(options.get("as_of")),
        "proposed_post": options["proposed"],
        "proposed_removal": options["removal"],
        "reason": options["reason"],
        "reporting_unit": options["reporting_unit"],
        "filled_by": options["filled_by"],
    }


def one_cadre(id_number: str) -> Cadre:
    number = id_number.strip().upper()
    cadre = (
        Cadre.objects.filter(id_number=number)
        .prefetch_related("appointments", "educations", "assessments", "family", "rewards")
        .first()
    )
    if cadre is None:
        raise CommandError(f"未找到身份证号为 {number} 的干部")
    return cadre


def unit_cadres(code: str) -> list[Cadre]:
    unit = unit_by_code(code)
    if unit is None:
        raise CommandError(f"未找到单位代码为 {code} 的单位")
    cadres = list(cadres_under_unit(unit))
    if not cadres:
        raise CommandError(f"{unit.name}及其下级单位没有在职干部")
    return cadres


def write(path: str, content: bytes) -> Path:
    out = Path(path)
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"无法写入文件 {out}：{exc.strerror}") from exc
    return out


class Command(BaseCommand):
    help = "生成干部任免审批表（Word）：--id-number 生成单人 .docx，--unit 生成该单位全部在职干部的 zip。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_target_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kwargs = form_options(options)
        if options["id_number"]:
            cadre = one_cadre(options["id_number"])
            out = write(options["out"], build_appointment_form(cadre, **kwargs))
            self.stdout.write(f"已生成 {cadre.name} 的干部任免审批表：{out}")
        else:
            cadres = unit_cadres(options["unit"])
            out = write(options["out"], appointment_forms_zip(cadres, **kwargs))
            self.stdout.write(f"已生成 {len(cadres)} 人的干部任免审批表：{out}")
