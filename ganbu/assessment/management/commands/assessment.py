"""manage.py assessment …: 综合考核 from the command line.

assessment simulate --scheme S.json --inputs I.json [--format json|text]
    模拟测算: computes a whole cycle from files, without touching the database (try a new scheme on
    last year's figures). Prints the output JSON (README.md, "JSON contract") or a Chinese table
    per category. A bad file gives Chinese messages (every problem) and exit status 1.

assessment import-scheme FILE --year Y      a scheme from its JSON (validated whole; a name
                                             already used becomes its next version)
assessment export-scheme ID [--output F]     a scheme's JSON (stdout by default)
assessment compute --cycle ID [--reason R]   compute every category of a cycle (after sealing: a
                                             correction, with its reason)
assessment result --cycle ID [--format json|xlsx] [--output F]
                                             the current results in the output shape of simulate
                                             (one object per category under "categories"), or the
                                             ranking table as Excel (to --output)
assessment simulate-grades --inputs FILE.json [--format json|text]
                                             年度考核等次: a unit's proposals through the quota, the
                                             eligibility rules and the consequences, from a file,
                                             without the database (README.md, "年度考核等次")
Each is a sub-parser in `add_arguments` and a `do_<name>`; the writes go through the services and
are audited as done by the system (no user).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from ganbu.assessment import errors
from ganbu.assessment.engine import compute
from ganbu.core.jsonfiles import read_json

MAX_MESSAGES = 50  # a file with thousands of problems prints the first ones and the count


def problems_text(exc: ValidationError) -> str:
    codes = {e.code for e in exc.error_list} if hasattr(exc, "error_list") else set()
    what = "方案" if errors.SCHEME_INVALID in codes else "输入数据"
    messages = exc.messages
    lines = [f"{what}有 {len(messages)} 处错误，未计算："]
    lines += [f"- {m}" for m in messages[:MAX_MESSAGES]]
    if len(messages) > MAX_MESSAGES:
        lines.append(f"……另有 {len(messages) - MAX_MESSAGES} 处")
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _cell(text: str, width: int, *, right: bool = False) -> str:
    pad = " " * max(0, width - _width(text))
    return pad + text if right else text + pad


def text_table(output: dict[str, Any]) -> str:
    """The ranking per category: 名次, 单位, 总分, 加分, 等次, 一票否决."""
    scheme = output["scheme"]
    lines = [f"{scheme['name']}（总分 {scheme['total']}）"]
    categories: dict[str, list[dict[str, Any]]] = {}
    for unit in output["units"]:
        categories.setdefault(unit["category"], []).append(unit)
    headers = ["名次", "单位", "总分", "加分", "等次", "一票否决"]
    right = {0, 2, 3}
    for category, units in categories.items():
        rows = [
            [
                str(u["rank"]),
                f"{u['code']} {u['name']}",
                u["total"],
                u["bonus"],
                u["grade"] or "—",
                "是：" + "；".join(u["veto_reasons"]) if u["vetoed"] else "",
            ]
            for u in units
        ]
        widths = [max(_width(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
        lines += ["", f"{category}（{len(units)} 个单位）"]
        for row in [headers, *rows]:
            cells = [_cell(v, widths[i], right=i in right) for i, v in enumerate(row)]
            lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class Command(BaseCommand):
    help = "综合考核：simulate 模拟测算（不读写数据库）；import-scheme、export-scheme、compute、result。"
    requires_system_checks: list[str] = []  # simulate needs neither the database nor the URLconf

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        simulate = sub.add_parser("simulate", help="模拟测算：用方案 JSON 和数据 JSON 计算得分、名次和等次")
        simulate.add_argument(
            "--scheme", required=True, help="考核方案 JSON 文件（格式见 ganbu/assessment/README.md）"
        )
        simulate.add_argument("--inputs", required=True, help="各单位数据 JSON 文件")
        simulate.add_argument("--format", choices=["json", "text"], default="json")
        imported = sub.add_parser("import-scheme", help="导入考核方案 JSON")
        imported.add_argument("file")
        imported.add_argument("--year", type=int, required=True)
        exported = sub.add_parser("export-scheme", help="导出考核方案 JSON")
        exported.add_argument("id", type=int)
        exported.add_argument("--output", default="")
        computed = sub.add_parser("compute", help="计算考核年度各类别得分")
        computed.add_argument("--cycle", type=int, required=True)
        computed.add_argument("--reason", default="", help="已封存的考核年度更正须写明理由")
        grades = sub.add_parser(
            "simulate-grades", help="模拟年度考核等次：名额、资格条件和奖惩建议（不读写数据库）"
        )
        grades.add_argument("--inputs", required=True, help="单位及人员数据 JSON 文件")
        grades.add_argument("--format", choices=["json", "text"], default="json")
        graded = sub.add_parser("grades", help="输出单位年度考核等次")
        graded.add_argument("--unit", required=True, help="单位代码")
        graded.add_argument("--year", type=int, required=True)
        graded.add_argument("--format", choices=["json", "xlsx"], default="json")
        graded.add_argument("--output", default="")
        result = sub.add_parser("result", help="输出考核结果")
        result.add_argument("--cycle", type=int, required=True)
        result.add_argument("--format", choices=["json", "xlsx"], default="json")
        result.add_argument("--output", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"do_{action}")(options)

    def do_simulate(self, options: dict[str, Any]) -> None:
        scheme = read_json(options["scheme"], "方案")
        inputs = read_json(options["inputs"], "数据")
        try:
            output = compute(scheme, inputs)
        except ValidationError as exc:
            raise CommandError(problems_text(exc)) from exc
        if options["format"] == "text":
            self.stdout.write(text_table(output))
        else:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))

    def _stored_settings(self) -> dict[str, Any]:
        from ganbu.assessment.conf import stored_values

        try:
            return stored_values()
        except DatabaseError:
            self.stderr.write("未能读取数据库中的年度考核设置（数据库未建立？），按默认设置计算。")
            return {}

    def do_simulate_grades(self, options: dict[str, Any]) -> None:
        from ganbu.assessment.grading import grade_unit

        inputs = read_json(options["inputs"], "数据")
        if isinstance(inputs, dict) and isinstance(inputs.get("settings", {}), dict):
            # the settings in force (the county's settings page), under the file's own
            inputs["settings"] = {**self._stored_settings(), **inputs.get("settings", {})}
        try:
            output = grade_unit(json.loads(json.dumps(inputs, default=str)))
        except ValidationError as exc:
            raise CommandError(problems_text(exc)) from exc
        if options["format"] == "json":
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
            return
        quota = output["quota"]
        pools = "；".join(f"{k} {v}" for k, v in quota["total"].items())
        lines = [
            f"{output['year']}年度考核：优秀比例 {quota['share']}，名额 {pools}（含机动指标 {quota['bonus'] or '无'}）"
        ]
        for p in output["participants"]:
            notes = [r["message"] for r in p["refused"]] + [f["message"] for f in p["flags"]]
            notes += [f"建议：{x['message']}" for x in p["proposals"]]
            lines.append(
                f"{p['id']} {p['name']}：拟{p['proposed']} → {p['final']}"
                + ("；" + "；".join(notes) if notes else "")
            )
        self.stdout.write("\n".join(lines))

    def do_grades(self, options: dict[str, Any]) -> None:
        from ganbu.assessment import annual_documents
        from ganbu.assessment.models import AnnualReview
        from ganbu.assessment.services.annual import review_inputs
        from ganbu.org.selectors import unit_by_code

        unit = unit_by_code(options["unit"])
        if unit is None:
            raise CommandError(f"未找到单位代码为 {options['unit']} 的单位")
        review = AnnualReview.objects.filter(unit=unit, year=options["year"]).first()
        if review is None:
            raise CommandError(f"{unit.name}没有{options['year']}年度考核")
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("Excel 格式须用 --output 指定文件")
            self._write(options["output"], annual_documents.summary_xlsx(review))
            return
        from ganbu.assessment.grading import grade_unit

        data = {
            "unit": unit.name,
            "year": review.year,
            "status": review.get_status_display(),
            **grade_unit(review_inputs(review)),
        }
        finals = {str(e.pk): e.final for e in review.entries.all()}
        for person in data["participants"]:
            person["final"] = finals.get(person["id"]) or person["final"]
        self._write(options["output"], json.dumps(data, ensure_ascii=False, indent=2).encode())

    def do_import_scheme(self, options: dict[str, Any]) -> None:
        from ganbu.assessment import services

        data = read_json(options["file"], "方案")
        if not isinstance(data, dict):
            raise CommandError("方案文件应为一个 JSON 对象")
        try:
            scheme = services.import_scheme(
                actor=None, data=json.loads(json.dumps(data, default=str)), year=options["year"]
            )
        except ValidationError as exc:
            raise CommandError(problems_text(exc)) from exc
        self.stdout.write(f"已导入考核方案「{scheme}」，编号 {scheme.pk}")

    def do_export_scheme(self, options: dict[str, Any]) -> None:
        from ganbu.assessment.models import Scheme

        scheme = Scheme.objects.filter(pk=options["id"]).first()
        if scheme is None:
            raise CommandError(f"没有编号为 {options['id']} 的考核方案")
        self._write(options["output"], json.dumps(scheme.definition, ensure_ascii=False, indent=2).encode())

    def _cycle(self, pk: int) -> Any:
        from ganbu.assessment.models import Cycle

        cycle = Cycle.objects.filter(pk=pk).first()
        if cycle is None:
            raise CommandError(f"没有编号为 {pk} 的考核年度")
        return cycle

    def do_compute(self, options: dict[str, Any]) -> None:
        from ganbu.assessment import services

        cycle = self._cycle(options["cycle"])
        try:
            runs = services.compute(cycle=cycle, actor=None, reason=options["reason"])
        except ValidationError as exc:
            raise CommandError(problems_text(exc)) from exc
        for run in runs:
            self.stdout.write(
                f"{run.track.category}：{len(run.output['units'])} 个单位，结果摘要 {run.digest[:16]}"
            )

    def do_result(self, options: dict[str, Any]) -> None:
        from ganbu.assessment import documents, services

        cycle = self._cycle(options["cycle"])
        runs = [run for track in cycle.tracks.all() if (run := services.current(track)) is not None]
        if not runs:
            raise CommandError(f"考核年度「{cycle.name}」尚未计分")
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError("Excel 格式须用 --output 指定文件")
            self._write(options["output"], documents.results_xlsx(cycle))
            return
        data = {
            "cycle": {"id": cycle.pk, "name": cycle.name, "year": cycle.year, "status": cycle.status},
            "categories": [
                {"category": r.track.category, "sealed": r.sealed, "digest": r.digest, **r.output}
                for r in runs
            ],
        }
        self._write(options["output"], json.dumps(data, ensure_ascii=False, indent=2).encode())

    def _write(self, output: str, content: bytes) -> None:
        if output:
            try:
                Path(output).write_bytes(content)
            except OSError as exc:
                raise CommandError(f"无法写入文件 {output}：{exc.strerror or exc}") from exc
            self.stdout.write(f"已写入 {output}")
        else:
            self.stdout.write(content.decode())
