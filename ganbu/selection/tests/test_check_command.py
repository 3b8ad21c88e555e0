"""`manage.py selection check`: the JSON and text outputs, the exit status (1 with a violation), the
holiday table of the database, and bad files (each message names the field; never a traceback)."""

from __future__ import annotations

import copy
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ganbu.org.services import calendar_day_set

ROOT = Path(__file__).resolve().parents[3]
CLEAN = json.loads((Path(__file__).parent / "cases" / "clean.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any, name: str = "case.json") -> Path:
    path = tmp_path / name
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return path


def short_publicity() -> dict[str, Any]:
    """The clean case with its 任前公示 ending on 2026-10-09: 4 working days across National Day."""
    case = copy.deepcopy(CLEAN)
    case["steps"][7]["end"] = "2026-10-09"
    return case


def run(*args: str) -> tuple[str, int]:
    """stdout and the exit status of `selection check …`."""
    out = io.StringIO()
    try:
        call_command("selection", "check", *args, stdout=out)
    except SystemExit as exc:
        return out.getvalue(), int(exc.code or 0)
    return out.getvalue(), 0


@pytest.mark.django_db
def test_a_clean_case_prints_no_violation_and_exits_0(tmp_path: Path) -> None:
    out, status = run("--case", str(write(tmp_path, CLEAN)))
    assert status == 0
    assert json.loads(out) == {"violations": [], "excused": [], "notices": []}
    out, status = run("--case", str(write(tmp_path, CLEAN)), "--format", "text")
    assert status == 0
    assert out.splitlines() == [
        "选拔任用合规检查：甲镇党委书记（民主推荐，职位 1 个），检查日期 2026-11-16",
        "未发现问题",
    ]


@pytest.mark.django_db
def test_violations_print_as_json_and_exit_1(tmp_path: Path) -> None:
    out, status = run("--case", str(write(tmp_path, short_publicity())))
    assert status == 1
    assert json.loads(out)["violations"] == [
        {
            "code": "PUBLICITY_TOO_SHORT",
            "step": "任前公示",
            "candidate": "",
            "message": "任前公示（2026-09-29 至 2026-10-09）仅 4 个工作日，少于 5 个",
        }
    ]
    assert "任前公示（2026-09-29" in out  # ensure_ascii=False: Chinese as it is


@pytest.mark.django_db
def test_the_text_report_numbers_the_problems(tmp_path: Path) -> None:
    case = short_publicity()
    case["steps"][8]["date"] = "2026-10-09"  # 任职 on the last day of the 公示
    case["steps"][2]["chosen"] = ["张三"]  # 1 考察对象 for 1 post, excused with a reason
    case["reasons"] = {"INSPECT_RATIO": "符合任职资格的仅 1 人"}
    out, status = run("--case", str(write(tmp_path, case)), "--format", "text")
    assert status == 1
    assert out.splitlines() == [
        "选拔任用合规检查：甲镇党委书记（民主推荐，职位 1 个），检查日期 2026-11-16",
        "第 1 条 [PUBLICITY_TOO_SHORT] 任前公示：任前公示（2026-09-29 至 2026-10-09）仅 4 个工作日，少于 5 个",
        "第 2 条 [APPOINTED_BEFORE_PUBLICITY_END] 任职 张三：任职（2026-10-09）不晚于任前公示结束日 2026-10-09，应在公示期满后任职",
        "已说明理由的问题：",
        "第 1 条 [INSPECT_RATIO] 确定考察对象：考察对象 1 人，职位 1 个，达不到每个职位 2 人的差额考察比例（应至少 2 人）"
        "（说明：符合任职资格的仅 1 人）",
        "共 2 处问题",
    ]


@pytest.mark.django_db
def test_only_excused_problems_exit_0(tmp_path: Path) -> None:
    case = copy.deepcopy(CLEAN)
    case["steps"][2]["chosen"] = ["张三"]
    case["reasons"] = {"INSPECT_RATIO": "符合任职资格的仅 1 人"}
    out, status = run("--case", str(write(tmp_path, case)))
    assert status == 0
    assert [e["code"] for e in json.loads(out)["excused"]] == ["INSPECT_RATIO"]


@pytest.mark.django_db
def test_as_of_moves_the_day_of_the_check(tmp_path: Path) -> None:
    path = str(write(tmp_path, CLEAN))
    out, status = run("--case", path, "--as-of", "2027-10-12")  # the last day of the probation
    assert status == 0 and [n["code"] for n in json.loads(out)["notices"]] == ["PROBATION_DUE"]
    out, status = run("--case", path, "--as-of", "2027-10-13", "--format", "text")
    assert status == 1
    assert "[PROBATION_NOT_ASSESSED] 任职 张三：张三的 12 个月试用期已于 2027-10-12 期满" in out
    assert out.splitlines()[0].endswith("检查日期 2027-10-13")


@pytest.mark.django_db
def test_the_holiday_table_of_the_database_is_used(tmp_path: Path) -> None:
    # the county's table makes the make-up Saturday 2026-10-10 a day off: 4 working days
    calendar_day_set(day=date(2026, 10, 10), is_workday=False, note="测试", actor=None)
    out, status = run("--case", str(write(tmp_path, CLEAN)))
    assert status == 1 and [v["code"] for v in json.loads(out)["violations"]] == ["PUBLICITY_TOO_SHORT"]


@pytest.mark.django_db
def test_a_settings_file_overrides_by_name(tmp_path: Path) -> None:
    settings = write(tmp_path, {"publicity_working_days": 6}, "settings.json")
    out, status = run("--case", str(write(tmp_path, CLEAN)), "--settings", str(settings))
    assert status == 1
    assert json.loads(out)["violations"][0]["message"].endswith("仅 5 个工作日，少于 6 个")
    bad = write(tmp_path, {"publicity_days": 6}, "bad.json")
    with pytest.raises(CommandError, match="设置文件有 1 处错误，未检查：\n- 没有名为 publicity_days 的设置"):
        run("--case", str(write(tmp_path, CLEAN)), "--settings", str(bad))


def broken(change: Any) -> dict[str, Any]:
    case = copy.deepcopy(CLEAN)
    change(case)
    return case


# Bad files need no database: the file is read and checked before the holiday table.
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"post": ', "不是有效的 JSON：第 1 行第 10 列"),
        (broken(lambda c: c["post"].pop("title")), "案例文件有 1 处错误，未检查：\n- post.title：缺少此项"),
        (
            broken(lambda c: c["steps"][3].update(date="2026/07/20")),
            '- steps[3].date：日期格式应为 YYYY-MM-DD（收到 "2026/07/20"）',
        ),
        (broken(lambda c: c.update(posts="1")), '- posts：应为整数（收到 "1"）'),
        (
            broken(lambda c: c["steps"][6].update(agree=["张三"])),
            '- steps[6].agree：应为以候选人姓名为键的对象（收到 ["张三"]）',
        ),
        ("[1, 2]", "案例文件有 1 处错误，未检查：\n- 案例应为一个 JSON 对象"),
    ],
)
def test_a_bad_file_is_a_chinese_message_naming_the_field(tmp_path: Path, content: Any, message: str) -> None:
    with pytest.raises(CommandError) as caught:
        run("--case", str(write(tmp_path, content)))
    assert message in str(caught.value)


def test_every_problem_of_a_file_is_listed(tmp_path: Path) -> None:
    case = broken(lambda c: c.update(posts=0, method="推荐"))
    with pytest.raises(CommandError) as caught:
        run("--case", str(write(tmp_path, case)))
    assert str(caught.value).splitlines() == [
        "案例文件有 2 处错误，未检查：",
        "- posts：应不小于 1（收到 0）",
        '- method：应为民主推荐、公开选拔、竞争上岗、委任、选任之一（收到 "推荐"）',
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--case", "no/such/case.json"], "无法读取案例文件 no/such/case.json：文件不存在"),
        (["--case", "{case}", "--as-of", "2027-1-1"], "--as-of：日期格式应为 YYYY-MM-DD（收到 2027-1-1）"),
    ],
)
def test_bad_arguments(tmp_path: Path, args: list[str], message: str) -> None:
    path = str(write(tmp_path, CLEAN))
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        run(*[a.replace("{case}", path) for a in args])


def test_through_manage_py_a_bad_file_exits_1_without_a_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "GANBU_ENV", "ALLOWED_HOSTS"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    command = [sys.executable, "manage.py", "selection", "check", "--case"]
    bad = write(tmp_path, broken(lambda c: c["steps"][3].update(date="2026-7-20")))
    done = subprocess.run(
        [*command, str(bad)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert "Traceback" not in done.stderr
    assert '- steps[3].date：日期格式应为 YYYY-MM-DD（收到 "2026-7-20"）' in done.stderr
    # a database without the holiday table (not migrated): a Chinese message, not a traceback
    done = subprocess.run(
        [*command, str(write(tmp_path, CLEAN))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "无法读取节假日安排" in done.stderr and "python manage.py migrate" in done.stderr
