"""manage.py export_lrmx: the LRMX file of one cadre, or a zip of LRMX files for a unit subtree."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ganbu.cadres.documents import cadre_to_lrmx, cadres_to_lrmx_zip
from ganbu.cadres.management.commands.appointment_form import (
    add_target_arguments,
    form_options,
    one_cadre,
    unit_cadres,
    write,
)


class Command(BaseCommand):
    help = "导出 LRMX 任免审批表文件：--id-number 导出单人 .lrmx,--unit 导出该单位全部在职干部的 zip。"

    def add_arguments(self, parser: CommandParser) -> None:
        add_target_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        kwargs = form_options(options)
        if options["id_number"]:
            cadre = one_cadre(options["id_number"])
            out = write(options["out"], cadre_to_lrmx(cadre, **kwargs))
            self.stdout.write(f"已导出 {cadre.name} 的 LRMX 文件：{out}")
        else:
            cadres = unit_cadres(options["unit"])
            out = write(options["out"], cadres_to_lrmx_zip(cadres, **kwargs))
            self.stdout.write(f"已导出 {len(cadres)} 人的 LRMX 文件：{out}")
