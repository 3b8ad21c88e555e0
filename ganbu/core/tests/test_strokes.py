"""Tests for ganbu.core.strokes (按姓氏笔画 ordering); plain functions, no database."""

from __future__ import annotations

import gzip
import itertools
import random

import pytest

from ganbu.core.strokes import (
    DATA_FILE,
    GAP_KEY,
    KEY_WIDTH,
    char_sort_key,
    clean_name,
    data_version,
    name_sort_key,
    sort_names,
    stroke_count,
    stroke_sequence,
)

# The 100 most common surnames (公安部 2020 list).
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤"
)
COMMON_GIVEN_NAME_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文红玉海荣林云春辉斌鹏飞宇浩凯健俊帆帅旭"
    "宁欣婷雪琳晨瑞梅莉萍燕玲丹慧颖佳鑫博亮晓东生龙成金德福祥永立宏峰波翔江新凤兵光天爱民庆梓涵轩子"
    "睿诗琪怡萱晗嘉豪铭泽宸阳蕾倩薇璐琦瑶彤妍一二三四五六七八九十大小中山水"
)


def reference_key(name: str) -> list[tuple[int, str, int]]:
    """Independent statement of the rule, for names whose characters all have known sequences.

    Characters with identical sequences (e.g. 六/文, 土/士) are told apart by code point before the next
    character is looked at, so that people with the same surname stay together.
    """
    parts = []
    for ch in clean_name(name):
        seq = stroke_sequence(ch)
        assert seq is not None, ch
        parts.append((len(seq), seq, ord(ch)))
    if len(parts) == 2:
        parts.insert(1, (0, "", 0))
    return parts


def test_required_surname_order() -> None:
    expected = ["丁", "王", "白", "刘", "李", "张", "陈", "赵", "黄"]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    assert sort_names(shuffled) == expected
    assert [stroke_count(c) for c in expected] == [2, 4, 5, 6, 7, 7, 7, 9, 11]


@pytest.mark.parametrize(
    ("char", "sequence"),
    [
        ("丁", "12"),  # 竖钩 counts as 竖
        ("王", "1121"),
        ("白", "32511"),
        ("刘", "413422"),
        ("李", "1234521"),  # 一丨丿丶 乛亅一
        ("张", "5153154"),  # 乛一乛 丿一乛丶
        ("陈", "5215234"),  # 乛丨 一乛亅丿丶
        ("赵", "121213434"),
        ("黄", "12212512134"),
        ("达", "134454"),  # corrected source error (one source drops a stroke)
    ],
)
def test_known_sequences(char: str, sequence: str) -> None:
    assert stroke_sequence(char) == sequence
    assert stroke_count(char) == len(sequence)


def test_two_character_name_sorts_before_three_with_same_surname() -> None:
    assert sort_names(["田大利", "田富"]) == ["田富", "田大利"]
    # The gap rule holds even when the two-character given name has more strokes.
    assert name_sort_key("田富") < name_sort_key("田丁一")
    assert sort_names(["田大利", "田富", "田", "田丁"]) == ["田", "田丁", "田富", "田大利"]
    assert name_sort_key("田富") == char_sort_key("田") + GAP_KEY + char_sort_key("富")


def test_equal_count_decided_by_first_stroke() -> None:
    # 李 and 张 both have 7 strokes; 李 starts with 横 (1), 张 with 折 (5).
    assert stroke_count("李") == stroke_count("张") == 7
    assert (stroke_sequence("李") or "").startswith("1")
    assert (stroke_sequence("张") or "").startswith("5")
    assert sort_names(["张三", "李四"]) == ["李四", "张三"]


@pytest.mark.parametrize(
    ("first", "second", "position"),
    [
        ("张", "陈", 2),  # 7 strokes: 5-1... vs 5-2...
        ("刘", "江", 2),  # 6 strokes: 4-1... vs 4-4...
        ("丰", "王", 3),  # 4 strokes: 11-1- vs 11-2-
        ("文", "方", 3),  # 4 strokes: 41-3- vs 41-5-
        ("汪", "沈", 4),  # 7 strokes: 441-1... vs 441-4...
    ],
)
def test_equal_count_tie_broken_by_later_strokes(first: str, second: str, position: int) -> None:
    a, b = stroke_sequence(first), stroke_sequence(second)
    assert a is not None and b is not None
    assert len(a) == len(b)
    assert a[: position - 1] == b[: position - 1]
    assert a[position - 1] < b[position - 1]
    assert char_sort_key(first) < char_sort_key(second)
    assert sort_names([second, first]) == [first, second]


def test_same_surname_ordered_by_given_name() -> None:
    assert sort_names(["王五", "王二", "王一"]) == ["王一", "王二", "王五"]
    # Given names with 3-stroke first characters: 三 111 < 大 134 < 千 312.
    assert sort_names(["张大千", "张三丰", "张千里"]) == ["张三丰", "张大千", "张千里"]
    # Surname decides first, whatever the given names.
    assert sort_names(["李一", "王鑫鑫"]) == ["王鑫鑫", "李一"]
    # 六 and 文 have the same strokes (4134): the two characters are kept apart as blocks.
    assert stroke_sequence("六") == stroke_sequence("文")
    assert sort_names(["钱文一", "钱六程祥", "钱文"]) == ["钱文", "钱六程祥", "钱文一"]


def test_keys_are_fixed_width_digit_strings() -> None:
    for name in ["王", "王五", "欧阳修", "买买提·艾力", "Tom", "", "𬉼"]:
        key = name_sort_key(name)
        assert key.isascii() and (key == "" or key.isdigit())
        assert len(key) % KEY_WIDTH == 0
    assert name_sort_key("") == ""
    assert name_sort_key("王五")[:2] == "04"  # first two digits: stroke count of the surname


def test_sorting_by_key_string_matches_the_rule() -> None:
    rng = random.Random(2024)
    pool = COMMON_SURNAMES + COMMON_GIVEN_NAME_CHARS
    names = [
        rng.choice(COMMON_SURNAMES) + "".join(rng.choice(pool) for _ in range(rng.choice([1, 2, 2, 3])))
        for _ in range(2000)
    ]
    by_key = sorted(names, key=name_sort_key)  # plain string comparison, as ORDER BY would do
    for a, b in itertools.pairwise(by_key):
        assert reference_key(a) <= reference_key(b), (a, b)
    assert sort_names(names) == sorted(names, key=lambda n: (name_sort_key(n), n))


def test_whitespace_and_middle_dots_ignored() -> None:
    assert name_sort_key("田 富") == name_sort_key("田富") == name_sort_key("田\u3000富")
    assert name_sort_key(" 王五 ") == name_sort_key("王五")
    assert name_sort_key("买买提·艾力") == name_sort_key("买买提艾力") == name_sort_key("买买提•艾力")
    assert clean_name("阿依古丽・吐尔逊") == "阿依古丽吐尔逊"


def test_unknown_and_non_han_characters_do_not_crash() -> None:
    odd = ["", " ", "·", "Tom", "王A", "田😀", "\ue000", "\U0002ebf0", "王\U0002ebf0", "１２"]
    keys = [name_sort_key(n) for n in odd]
    assert keys == [name_sort_key(n) for n in odd]  # deterministic
    assert sort_names(odd) == sort_names(list(reversed(odd)))
    assert stroke_sequence("A") is None and stroke_count("A") is None
    assert stroke_sequence("") is None and stroke_count("王五") is None
    # Han characters sort before non-Han ones; unknown Han after known Han.
    assert char_sort_key("龘") < char_sort_key("\U0002ebf0") < char_sort_key("A")
    assert sort_names(["Tom", "王五"]) == ["王五", "Tom"]


def test_compatibility_ideographs_are_normalized() -> None:
    assert char_sort_key("\uf900") == char_sort_key("豈")  # U+F900 -> U+8C48
    assert stroke_sequence("\uf900") == stroke_sequence("豈")


def test_count_only_characters() -> None:
    # 𬉼 (通用规范汉字表 三级) has no trusted sequence; it is placed by the table order, after 炜.
    assert stroke_sequence("𬉼") is None
    assert stroke_count("𬉼") == 8
    assert char_sort_key("炜") < char_sort_key("𬉼") < char_sort_key("炖")


def test_data_covers_common_surnames_and_given_names() -> None:
    assert len(set(COMMON_SURNAMES)) == 100
    missing = [c for c in COMMON_SURNAMES + COMMON_GIVEN_NAME_CHARS if stroke_sequence(c) is None]
    assert missing == []
    for c in COMMON_SURNAMES + COMMON_GIVEN_NAME_CHARS:
        seq = stroke_sequence(c)
        assert seq is not None and set(seq) <= set("12345")


def test_data_file_is_in_stroke_order() -> None:
    with gzip.open(DATA_FILE, "rt", encoding="utf-8") as fh:
        rows = [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]
    chars = [c for c, _ in rows]
    assert len(chars) == len(set(chars)) > 90_000
    exact = [(len(v), v) for _, v in rows if not v.startswith("=")]
    assert exact == sorted(exact)
    # Every character of the basic CJK block (the GB13000.1 repertoire) has a sequence.
    have = {c for c, v in rows if not v.startswith("=")}
    assert all(chr(cp) in have for cp in range(0x4E00, 0x9FA6))
    assert len(data_version()) == 12
