"""manage.py ballot …: run a vote without the UI (and in tests). Runs as the system (no acting user).

ballot create --spec FILE.json            prints the new session id alone on its last line
ballot codes ID --group NAME --count N --out FILE.csv|FILE.pdf [--test] [--base-url URL]
ballot members ID --group NAME USERNAME ...
ballot test-start ID | ballot test-end ID
ballot open ID [--present NAME=N ...]
ballot present ID NAME=N ...
ballot paper ID --group NAME --file COUNTS.json
ballot close ID [--seal]
ballot seal ID
ballot result ID [--format json|text]
ballot progress ID
ballot scrub                               rewrite the ballot tables into fresh storage (as after close / seal)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ganbu.ballots import conf, rules, selectors, services, slips
from ganbu.ballots.models import BallotSession, RaterGroup
from ganbu.org.selectors import users_by_usernames


def _pairs(values: list[str]) -> dict[str, int]:
    result = {}
    for item in values:
        name, sep, number = item.rpartition("=")
        if not sep or not name or not number.isdigit():
            raise CommandError(f"格式应为 名称=人数：{item}")
        result[name] = int(number)
    return result


class Command(BaseCommand):
    help = "不通过页面组织一次测评/推荐/表决：创建、生成票码、开始、结束、封存、查看结果。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="按 JSON 规格创建（见 ganbu/ballots/README.md）")
        create.add_argument("--spec", required=True)
        codes = sub.add_parser("codes", help="生成票码并写入 CSV（每行一个）或 PDF（二维码票签）")
        codes.add_argument("id", type=int)
        codes.add_argument("--group", required=True)
        codes.add_argument("--count", type=int, required=True)
        codes.add_argument("--out", required=True)
        codes.add_argument("--test", action="store_true", help="模拟测试票码")
        codes.add_argument(
            "--base-url",
            default="",
            help="二维码中的网址前缀，如 https://ganbu.example.cn（默认：测评投票设置中的票签网址）",
        )
        members = sub.add_parser("members", help="添加表决成员账号（常委/全委会成员）")
        members.add_argument("id", type=int)
        members.add_argument("--group", required=True)
        members.add_argument("usernames", nargs="+")
        for name in ("test-start", "test-end", "seal", "progress"):
            sub.add_parser(name).add_argument("id", type=int)
        opener = sub.add_parser("open")
        opener.add_argument("id", type=int)
        opener.add_argument("--present", nargs="*", default=[], metavar="NAME=N")
        present = sub.add_parser("present")
        present.add_argument("id", type=int)
        present.add_argument("pairs", nargs="+", metavar="NAME=N")
        paper = sub.add_parser("paper", help="录入一类评议人的纸质票计票结果")
        paper.add_argument("id", type=int)
        paper.add_argument("--group", required=True)
        paper.add_argument("--file", required=True)
        close = sub.add_parser("close")
        close.add_argument("id", type=int)
        close.add_argument("--seal", action="store_true", help="结束后立即封存")
        sub.add_parser("scrub", help="重写投票数据表的存储（结束和封存后会自动执行；自动执行失败时使用）")
        result = sub.add_parser("result")
        result.add_argument("id", type=int)
        result.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"do_{action}")(options)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc

    def _session(self, options: dict[str, Any]) -> BallotSession:
        session = BallotSession.objects.select_related("unit").filter(pk=options["id"]).first()
        if session is None:
            raise CommandError(f"没有编号为 {options['id']} 的投票")
        return session

    def _group(self, session: BallotSession, name: str) -> RaterGroup:
        group = session.groups.filter(name=name).first()
        if group is None:
            names = "、".join(session.groups.values_list("name", flat=True))
            raise CommandError(f"没有名为「{name}」的评议人类别（可选：{names}）")
        return group

    def do_create(self, options: dict[str, Any]) -> None:
        path = Path(options["spec"])
        try:
            spec = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取规格文件 {path}：{exc}") from exc
        session = services.session_create_from_spec(spec=spec, actor=None)
        self.stdout.write(f"已创建：{session.title}（{session.kind_label}）")
        self.stdout.write(str(session.pk))

    def do_codes(self, options: dict[str, Any]) -> None:
        session = self._session(options)
        group = self._group(session, options["group"])
        out = Path(options["out"])
        if out.suffix.lower() not in (".csv", ".pdf"):
            raise CommandError("--out 应以 .csv 或 .pdf 结尾")
        code_list = services.codes_issue(
            session=session, group=group, count=options["count"], test=options["test"], actor=None
        )
        if out.suffix.lower() == ".csv":
            out.write_bytes(slips.codes_csv(code_list))
        else:
            base = options["base_url"] or conf.public_base_url() or "http://127.0.0.1:8000"  # the 设置 page
            out.write_bytes(
                slips.codes_pdf(
                    session=session, group=group, code_list=code_list, base_url=base, test=options["test"]
                )
            )
        out.chmod(0o600)
        self.stdout.write(f"已为「{group.name}」生成 {len(code_list)} 个票码：{out}")

    def do_members(self, options: dict[str, Any]) -> None:
        session = self._session(options)
        group = self._group(session, options["group"])
        users = users_by_usernames(options["usernames"])
        missing = set(options["usernames"]) - {u.username for u in users}
        if missing:
            raise CommandError(f"没有这些账号：{'、'.join(sorted(missing))}")
        added = services.member_slots_create(session=session, group=group, users=users, actor=None)
        self.stdout.write(f"已添加 {added} 名表决成员")

    def do_test_start(self, options: dict[str, Any]) -> None:
        services.session_test_start(session=self._session(options), actor=None)
        self.stdout.write("模拟测试已开始")

    def do_test_end(self, options: dict[str, Any]) -> None:
        services.session_test_end(session=self._session(options), actor=None)
        self.stdout.write("模拟测试已结束，测试选票和票码已清除")

    def do_open(self, options: dict[str, Any]) -> None:
        services.session_open(session=self._session(options), present=_pairs(options["present"]), actor=None)
        self.stdout.write("投票已开始")

    def do_present(self, options: dict[str, Any]) -> None:
        services.session_set_present(
            session=self._session(options), present=_pairs(options["pairs"]), actor=None
        )
        self.stdout.write("实到人数已保存")

    def do_paper(self, options: dict[str, Any]) -> None:
        session = self._session(options)
        group = self._group(session, options["group"])
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取计票文件：{exc}") from exc
        services.paper_count_enter(
            session=session,
            group=group,
            present=data.get("present", 0),
            returned=data.get("returned", 0),
            invalid=data.get("invalid", 0),
            votes=data.get("votes", {}),
            write_ins=data.get("write_in", {}),
            actor=None,
        )
        self.stdout.write(f"「{group.name}」的计票结果已录入")

    def do_close(self, options: dict[str, Any]) -> None:
        session = services.session_close(session=self._session(options), actor=None)
        self.stdout.write("投票已结束")
        if options["seal"]:
            services.session_seal(session=session, actor=None)
            self.stdout.write(f"结果已封存，封存校验码：{session.tally_sha256}")

    def do_seal(self, options: dict[str, Any]) -> None:
        session = services.session_seal(session=self._session(options), actor=None)
        self.stdout.write(f"结果已封存，封存校验码：{session.tally_sha256}")

    def do_scrub(self, options: dict[str, Any]) -> None:
        if not services.storage_scrub():
            raise CommandError("投票数据存储重写未全部完成，原因见日志。")
        self.stdout.write("投票数据表的存储已重写。")

    def do_progress(self, options: dict[str, Any]) -> None:
        progress = selectors.session_progress(self._session(options))
        self.stdout.write(json.dumps(progress.as_dict(), ensure_ascii=False))

    def do_result(self, options: dict[str, Any]) -> None:
        result = selectors.session_result(self._session(options))
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{result.title}（{result.kind_label}）")
        self.stdout.write(
            result.validity_label
            if result.valid
            else result.validity_label + "：" + "；".join(result.invalid_reasons)
        )
        for flag in result.flags:
            self.stdout.write(f"提示：{flag}")
        for s in result.subjects:
            if s.votes is not None:
                line = f"{s.votes} 票 {rules.percent(s.share)}%"
            else:
                line = " ".join(f"{o} {n}" for o, n in s.counts.items())
                if s.satisfaction is not None:
                    line += f" 满意度 {rules.percent(s.satisfaction)}%"
            self.stdout.write(f"  {s.label}：{line} {' '.join(s.flags)}".rstrip())
        for name, votes, share in result.write_ins:
            self.stdout.write(f"  {name}（另选）：{votes} 票 {rules.percent(share)}%")
