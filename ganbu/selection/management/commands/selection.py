"""manage.py selection …: 选拔任用 from the command line.

selection check --case FILE.json | --id N | --year Y [--format json|text] [--as-of YYYY-MM-DD]
                [--settings FILE.json]
    合规检查: checks a selection case — described in a JSON file (README.md, 「合规检查：selection
    check」), or stored (--id), or every stored case whose 动议 falls in a year (--year: the county's
    选人用人工作检查, one table) — against the rules of `rules/`: the order of the steps, the ratios,
    the votes, the working days of the 任前公示 (the holiday calendar in force,
    `org.selectors.work_calendar()`), the probation. Prints the output JSON (for --year
    {"cases": [{"id", "title", "violations", "excused", "notices"}]}) or Chinese lines; exit status 1
    when there is a violation. A bad file gives Chinese messages naming each field, and exit 1.
    The rules' numbers are those in force (the county's 选拔任用设置 page); --settings overrides
    some of them by name for this run.

Each action is a sub-parser in `add_arguments` and a `do_<name>`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from ganbu.core.jsonfiles import read_json
from ganbu.selection.conf import stored_values
from ganbu.selection.rules import Case, SelectionSettings, check_output, parse_case, with_overrides

MAX_MESSAGES = 50  # a file with hundreds of problems prints the first ones and the count


def problems_text(exc: ValidationError, what: str) -> str:
    messages = exc.messages
    lines = [f"{what}有 {len(messages)} 处错误，未检查："]
    lines += [f"- {m}" for m in messages[:MAX_MESSAGES]]
    if len(messages) > MAX_MESSAGES:
        lines.append(f"……另有 {len(messages) - MAX_MESSAGES} 处")
    return "\n".join(lines)


def _line(number: int, entry: dict[str, Any]) -> str:
    where = " ".join(part for part in (entry["step"] or "全案", entry["candidate"]) if part)
    text = f"第 {number} 条 [{entry['code']}] {where}：{entry['message']}"
    return text + (f"（说明：{entry['reason']}）" if entry.get("reason") else "")


def text_report(case: Case, output: dict[str, Any], as_of: date) -> str:
    """The output as Chinese lines: a heading, one line per violation, the excused ones, the notices,
    and the total (「共 N 处问题」 or 「未发现问题」)."""
    post = case.post
    lines = [
        f"选拔任用合规检查：{post.unit}{post.title}（{case.method}，职位 {case.posts} 个），检查日期 {as_of}"
    ]
    lines += [_line(i, v) for i, v in enumerate(output["violations"], start=1)]
    if output["excused"]:
        lines.append("已说明理由的问题：")
        lines += [_line(i, v) for i, v in enumerate(output["excused"], start=1)]
    lines += [f"提示：{n['message']}" for n in output["notices"]]
    count = len(output["violations"])
    lines.append(f"共 {count} 处问题" if count else "未发现问题")
    return "\n".join(lines)


class Command(BaseCommand):
    help = "选拔任用：check 合规检查（按案例 JSON 文件检查程序、比例、票数、公示和试用期）。"
    requires_system_checks: list[str] = []  # check needs only the holiday table

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="合规检查：按案例 JSON 文件检查选拔任用程序")
        source = check.add_mutually_exclusive_group(required=True)
        source.add_argument("--case", help="案例 JSON 文件（格式见 ganbu/selection/README.md）")
        source.add_argument("--id", type=int, help="系统中已记录的选拔任用编号")
        source.add_argument("--year", type=int, help="检查该年度动议的全部选拔任用")
        check.add_argument("--format", choices=["json", "text"], default="json")
        check.add_argument("--as-of", default="", help="检查日期 YYYY-MM-DD（默认今天），用于试用期")
        check.add_argument("--settings", default="", help="设置覆盖 JSON 文件（以设置名为键）")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        getattr(self, f"do_{action}")(options)

    def do_check(self, options: dict[str, Any]) -> None:
        from ganbu.org.selectors import work_calendar

        as_of = self._as_of(options["as_of"])
        case = self._case(options) if options.get("year") is None else None  # a bad file first
        try:
            calendar = work_calendar()
            stored = stored_values()
        except DatabaseError as exc:
            raise CommandError(
                f"无法读取节假日安排和选拔任用设置：{exc}。数据库尚未初始化时，请先运行 python manage.py migrate"
            ) from exc
        settings = self._settings(options["settings"], stored)
        if case is None:
            self._check_year(options, calendar=calendar, settings=settings, as_of=as_of)
            return
        output = check_output(case, calendar=calendar, settings=settings, as_of=as_of)
        if options["format"] == "text":
            self.stdout.write(text_report(case, output, as_of))
        else:
            self.stdout.write(json.dumps(output, ensure_ascii=False, indent=2))
        if output["violations"]:
            raise SystemExit(1)

    def _case(self, options: dict[str, Any]) -> Case:
        """The case to check: from --case (a file) or --id (a stored case, as the system sees it)."""
        if options.get("id") is not None:
            from ganbu.selection.models import Case as StoredCase
            from ganbu.selection.selectors import case_input

            stored = StoredCase.objects.select_related("unit", "post").filter(pk=options["id"]).first()
            if stored is None:
                raise CommandError(f"没有编号为 {options['id']} 的选拔任用")
            return parse_case(case_input(stored))
        try:
            return parse_case(read_json(options["case"], "案例"))
        except ValidationError as exc:
            raise CommandError(problems_text(exc, "案例文件")) from exc

    def _check_year(
        self, options: dict[str, Any], *, calendar: Any, settings: SelectionSettings, as_of: date
    ) -> None:
        """选人用人工作检查 - every stored case whose 动议 falls in the year, one after another."""
        from ganbu.selection.models import Case as StoredCase
        from ganbu.selection.selectors import case_input

        year = options["year"]
        stored = (
            StoredCase.objects.filter(steps__kind="动议", steps__day__year=year)
            .distinct()
            .select_related("unit", "post")
            .order_by("id")
        )
        results = []
        for row in stored:
            case = parse_case(case_input(row))
            results.append((row, case, check_output(case, calendar=calendar, settings=settings, as_of=as_of)))
        total = sum(len(out["violations"]) for _, _, out in results)
        if options["format"] == "text":
            lines = [f"{year}年选人用人工作检查：共 {len(results)} 项选拔任用"]
            for row, case, out in results:
                lines.append(f"【{row.pk}】{row.title}（{row.get_status_display()}）")
                lines += ["  " + line for line in text_report(case, out, as_of).splitlines()[1:]]
            lines.append(f"合计 {total} 处问题" if total else "合计未发现问题")
            self.stdout.write("\n".join(lines))
        else:
            cases = [{"id": row.pk, "title": row.title, **out} for row, _, out in results]
            self.stdout.write(json.dumps({"year": year, "cases": cases}, ensure_ascii=False, indent=2))
        if total:
            raise SystemExit(1)

    def _settings(self, path: str, stored: dict[str, Any]) -> SelectionSettings:
        """The settings in force (the county's settings page) with the file's overrides on top."""
        overrides = read_json(path, "设置") if path else {}
        if isinstance(overrides, dict):
            overrides = {**stored, **overrides}
        try:
            return with_overrides(overrides)
        except ValidationError as exc:
            raise CommandError(problems_text(exc, "设置文件")) from exc

    def _as_of(self, text: str) -> date:
        if not text:
            return timezone.localdate()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of：日期格式应为 YYYY-MM-DD（收到 {text}）") from None
