"""manage.py ballot: a whole meeting from the command line."""

from __future__ import annotations

import json
from collections.abc import Mapping
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ganbu.ballots import services
from ganbu.ballots.models import BallotSession
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def ballot(*args: str) -> str:
    out = StringIO()
    call_command("ballot", *args, stdout=out)
    return out.getvalue()


def spec_file(tmp_path: Path, spec: Mapping[str, object]) -> str:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    return str(path)


SPEC = {
    "title": "县委常委会票决（2026年第3次）",
    "kind": "approval",
    "subjects": [{"name": "张三", "nominee": True}, {"name": "李四", "nominee": True}],
    "options": ["同意", "不同意", "缓议"],
    "max_choices": 1,
    "groups": [{"name": "常委", "weight": 1, "expected": 11}],
}


def test_a_meeting_from_the_command_line(world: World, tmp_path: Path) -> None:
    output = ballot("create", "--spec", spec_file(tmp_path, SPEC))
    session_id = output.strip().splitlines()[-1]
    assert session_id.isdigit()
    session = BallotSession.objects.get(pk=int(session_id))
    assert session.unit == world.county and session.rule == "decision"

    csv_path = tmp_path / "codes.csv"
    ballot("codes", session_id, "--group", "常委", "--count", "11", "--out", str(csv_path))
    codes = csv_path.read_text().splitlines()
    assert len(codes) == 11 and len(set(codes)) == 11
    assert all(len(c) == 19 and c.count("-") == 3 for c in codes)
    pdf_path = tmp_path / "codes.pdf"
    ballot(
        "codes",
        session_id,
        "--group",
        "常委",
        "--count",
        "3",
        "--out",
        str(pdf_path),
        "--base-url",
        "https://g.example",
    )
    assert pdf_path.read_bytes().startswith(b"%PDF")

    ballot("open", session_id, "--present", "常委=10")
    for i, code in enumerate(codes[:10]):
        services.ballot_cast(
            code=code, answers={"张三": "同意" if i < 6 else "不同意", "李四": "同意" if i < 5 else "缓议"}
        )
    ballot("close", session_id)
    result = json.loads(ballot("result", session_id, "--format", "json"))
    zhang, li = result["subjects"]
    assert zhang["label"] == "张三" and zhang["counts"] == {"同意": 6, "不同意": 4, "缓议": 0}
    assert zhang["passed"] is True and li["passed"] is False
    assert result["valid"] is True and result["quorum_met"] is True
    assert result["groups"][0]["issued"] == 14 and result["groups"][0]["returned"] == 10
    text = ballot("result", session_id)
    assert "张三：同意 6" in text
    ballot("seal", session_id)
    assert len(BallotSession.objects.get(pk=int(session_id)).tally_sha256) == 64


def test_subjects_can_be_cadres_by_id_number_and_the_unit_sets_the_scope(
    world: World, tmp_path: Path
) -> None:
    cadre = make_cadre(world.town_a, "王芳", current_title="甲镇副镇长")
    spec = {
        "title": "驻村干部述职评议",
        "kind": "rating",
        "unit": "TA",
        "subjects": [cadre.id_number],
        "groups": [
            {"name": "村民代表", "weight": 4, "expected": 30},
            {"name": "乡镇干部", "weight": 3, "expected": 20},
        ],
    }
    session_id = int(ballot("create", "--spec", spec_file(tmp_path, spec)).strip().splitlines()[-1])
    session = BallotSession.objects.get(pk=session_id)
    assert session.unit == world.town_a
    subject = session.subjects.get()
    assert (subject.label, subject.cadre_id, subject.note) == ("王芳", cadre.pk, "甲镇副镇长")
    assert session.options == ["优秀", "称职", "基本称职", "不称职"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "vote"}, "类型应为"),
        ({"groups": []}, "至少要有一类评议人"),
        ({"options": ["赞成", "反对"]}, "必须包含「同意」和「不同意」"),
        ({"subjects": [{"name": "张三", "nominee": True}] * 2}, "对象重名"),
        ({"subjects": ["李不存在"]}, "第 1 行「李不存在」：在册干部中没有此人"),
        ({"subjects": ["110101199003070000"]}, "未找到身份证号"),
    ],
)
def test_a_bad_spec_is_refused_with_a_chinese_message(
    world: World, tmp_path: Path, change: dict[str, object], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        ballot("create", "--spec", spec_file(tmp_path, {**SPEC, **change}))
    assert not BallotSession.objects.exists()


def test_paper_counts_from_the_command_line(world: World, tmp_path: Path) -> None:
    spec = {
        **SPEC,
        "mode": "paper",
        "rule": "consultation",
        "groups": [{"name": "全委会委员", "expected": 35}],
    }
    session_id = ballot("create", "--spec", spec_file(tmp_path, spec)).strip().splitlines()[-1]
    ballot("open", session_id)
    counts = tmp_path / "counts.json"
    counts.write_text(
        json.dumps(
            {
                "present": 33,
                "returned": 33,
                "invalid": 1,
                "votes": {"张三": {"同意": 14, "不同意": 18}, "李四": {"同意": 30, "不同意": 2}},
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    ballot("paper", session_id, "--group", "全委会委员", "--file", str(counts))
    sealed = ballot("close", session_id, "--seal")
    assert "结果已封存，封存校验码：" in sealed and "SHA-256" not in sealed
    result = json.loads(ballot("result", session_id, "--format", "json"))
    assert [s["dropped"] for s in result["subjects"]] == [True, False]  # 18 × 2 > 35
    assert result["totals"]["valid"] == 32
