"""core.rulesettings: a rules dataclass read from and written to a settings page."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from django.http import QueryDict

from ganbu.core.rulesettings import Label, as_json, as_text, diff, form_rows, humanize, posted_values, stored


@dataclass(frozen=True)
class Rules:
    share: Fraction = Fraction(30, 100)
    quorum: Fraction = Fraction(2, 3)
    days: int = 5
    strict: bool = True
    words: tuple[str, ...] = ("党委书记", "镇长")
    forbidden: tuple[str, ...] = ("一般", "较差")
    by_grade: dict[str, Fraction] = field(
        default_factory=lambda: {"好": Fraction(15, 100), "一般": Fraction(12, 100)}
    )


LABELS = {
    "share": Label("比例"),
    "quorum": Label("到会比例"),
    "days": Label("天数", unit="天"),
    "strict": Label("从严"),
    "words": Label("职务"),
    "forbidden": Label("不得有的等次", choices=("好", "较好", "一般", "较差")),
    "by_grade": Label("按等次的比例"),
}


def test_values_print_as_the_page_writes_them() -> None:
    assert as_text(Fraction(30, 100)) == "30%"
    assert as_text(Fraction(2, 3)) == "2/3"
    assert as_text(True) == "是" and as_text(()) == "（无）"
    assert as_text({"好": Fraction(15, 100)}) == "好：15%"
    assert as_json(Rules().by_grade) == {"好": "15%", "一般": "12%"}
    assert as_json(("a", "b")) == ["a", "b"]


def test_a_posted_form_becomes_the_values_and_a_blank_restores_the_default() -> None:
    post = QueryDict(mutable=True)
    post.update(
        {"share": " 25% ", "quorum": "", "days": "6", "words": "党委书记、乡长，镇长", "by_grade.好": "20%"}
    )
    post.setlist("forbidden", ["较差", "不存在"])
    values = posted_values(post, Rules(), LABELS)
    assert values == {
        "share": "25%",
        "days": 6,
        "strict": False,  # an unticked box
        "words": ["党委书记", "乡长", "镇长"],
        "forbidden": ["较差"],  # only the words offered
        "by_grade": {"好": "20%", "一般": "12%"},  # the blank key keeps its default
    }
    assert "quorum" not in values
    post["days"] = "六"
    assert posted_values(post, Rules(), LABELS)["days"] == "六"  # left for the rules to refuse


def test_rows_show_defaults_changes_and_what_was_typed() -> None:
    current = Rules(days=7)
    rows = {r.name: r for r in form_rows(current, Rules(), LABELS)}
    assert rows["days"].changed and rows["days"].default == "5" and rows["days"].inputs[0].value == "7"
    assert not rows["share"].changed and rows["share"].inputs[0].value == "30%"
    assert [i.name for i in rows["by_grade"].inputs] == ["by_grade.好", "by_grade.一般"]
    assert rows["forbidden"].inputs[0].selected == ("一般", "较差")
    post = QueryDict("days=abc&share=1")
    typed = {r.name: r for r in form_rows(current, Rules(), LABELS, post)}
    assert typed["days"].inputs[0].value == "abc" and typed["strict"].inputs[0].checked is False


def test_only_changes_are_stored_and_the_diff_names_the_labels() -> None:
    after = Rules(days=7, share=Fraction(1, 4))
    assert stored(after, Rules(), LABELS) == {"share": "25%", "days": 7}
    assert diff(Rules(), after, LABELS) == {
        "before": {"比例": "30%", "天数": "5"},
        "after": {"比例": "25%", "天数": "7"},
    }


def test_messages_name_the_label_not_the_code() -> None:
    messages = ["设置 share 应为比例（如 0.3）", "设置 by_grade.好 应在 0 到 1 之间", "其他"]
    assert humanize(messages, LABELS) == [
        "「比例」应为比例（如 0.3）",
        "「按等次的比例（好）」应在 0 到 1 之间",
        "其他",
    ]
