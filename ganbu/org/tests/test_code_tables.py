"""The national code tables, each against its source: every value of the national 干部大数据信息提取表
(V2018.11, `org/data/code-lists-2018.tsv`) is an active item with that exact name, and the codes are
the standard's where the table says they are confirmed (GB/T 4761-2008, GB/T 6864-2003, ZB18, ZB64)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ganbu.org.codes import CODE_TABLES, HISTORICAL, SYNONYMS, gb4761_code
from ganbu.org.models import CodeItem

pytestmark = pytest.mark.django_db

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "code-lists-2018.tsv"
# the template's table → our code table
TEMPLATE_TABLES = {
    "学历代码(DIC_RS_ZB64)": "education",  # half-width: the template's spelling
    "学位代码(DIC_RS_GB6864)": "degree",  # half-width: the template's spelling
    "考核结论类别代码(DIC_RS_ZB18)": "assessment_result",  # half-width: the template's spelling
    "家庭关系(GB/T4761)": "family_relation",  # half-width: the template's spelling
    "人员类别代码(DIC_RS_ZB125)": "personnel_category",  # half-width: the template's spelling
}


def template_values(key: str) -> list[str]:
    """The names of one table of the national template, in its order."""
    lines = [line.split("\t") for line in TEMPLATE.read_text(encoding="utf-8").splitlines()]
    rows = [cells for cells in lines if len(cells) == 2 and not cells[0].startswith("#")]
    return [value for table, value in rows if TEMPLATE_TABLES.get(table) == key]


def active(key: str) -> dict[str, str]:
    """{name: code} of the active items of one table, as the database holds it after migrating."""
    return dict(CodeItem.objects.filter(table__key=key, is_active=True).values_list("name", "code"))


def codes_of(key: str) -> dict[str, str]:
    return {code: name for name, code in active(key).items()}


@pytest.mark.parametrize(
    ("key", "count"),
    [
        ("education", 19),
        ("degree", 56),
        ("assessment_result", 14),
        ("family_relation", 71),
        ("personnel_category", 12),
    ],
)
def test_every_value_of_the_national_template_is_an_active_item_with_its_exact_name(
    key: str, count: int
) -> None:
    values = template_values(key)
    assert len(values) == count
    names = active(key)
    assert [v for v in values if v not in names] == []


def test_family_relations_carry_the_gb_t_4761_codes() -> None:
    codes = codes_of("family_relation")
    assert {
        code: codes[code]
        for code in ("10", "11", "12", "20", "21", "22", "27", "28", "29", "30", "38", "51", "52", "53", "54")
    } == {
        "10": "配偶",
        "11": "丈夫",
        "12": "妻子",
        "20": "儿子",
        "21": "独生子",
        "22": "长子",
        "27": "养子或继子",
        "28": "女婿",
        "29": "其他儿子",
        "30": "女儿",
        "38": "儿媳",
        "51": "父亲",
        "52": "母亲",
        "53": "公公",
        "54": "婆婆",
    }
    assert (codes["55"], codes["56"], codes["61"], codes["63"], codes["66"]) == (
        "岳父",
        "岳母",
        "祖父",
        "外祖父",
        "曾祖父",
    )
    assert (
        codes["71"],
        codes["72"],
        codes["73"],
        codes["74"],
        codes["75"],
        codes["76"],
        codes["77"],
        codes["78"],
    ) == (
        "哥哥",
        "嫂子",
        "弟弟",
        "弟媳",
        "姐姐",
        "姐夫",
        "妹妹",
        "妹夫",
    )
    assert (codes["81"], codes["87"], codes["90"], codes["93"], codes["96"], codes["97"]) == (
        "伯父",
        "姨夫",
        "姑母",
        "侄子",
        "外甥女",
        "其他亲属",
    )


def test_names_the_standard_merges_get_local_codes_under_the_standard_code() -> None:
    names = active("family_relation")
    merged = {
        "养子": "27",
        "继子": "27",
        "养女": "37",
        "继女": "37",
        "继父": "57",
        "养父": "57",
        "继母": "58",
        "养母": "58",
        "堂兄": "91",
        "堂弟": "91",
        "堂姐": "91",
        "堂妹": "91",
        "表兄": "92",
        "表弟": "92",
        "表姐": "92",
        "表妹": "92",
    }
    assert {name: gb4761_code(names[name]) for name in merged} == merged
    assert all(len(names[name]) == 3 for name in merged)
    # every other value has the standard's own two-digit code
    assert {name: code for name, code in names.items() if name not in merged and len(code) != 2} == {}


def test_assessment_results_carry_the_zb18_codes() -> None:
    assert codes_of("assessment_result") == {
        "1": "优秀",
        "2": "称职",
        "2B": "合格",
        "3": "基本称职",
        "3B": "基本合格",
        "4": "不称职",
        "4B": "不合格",
        "5": "不定等次",
        "5A": "新录用人员试用期年度考核不确定等次",
        "5B": "被立案调查尚未结案年度考核不确定等次",
        "5C": "受政纪处分期间年度考核不确定等次",
        "6": "不进行考核",
        "6A": "病、事假累计超过考核年度半年不进行考核",
        "6B": "其他原因不进行考核",
    }


def test_education_uses_the_organisation_system_names_and_codes() -> None:
    codes = codes_of("education")
    assert {c: codes[c] for c in ("11", "1A", "1B", "21", "2A", "2B", "31")} == {
        "11": "研究生",
        "1A": "中央党校研究生",
        "1B": "省委党校研究生",
        "21": "大学",
        "2A": "中央党校大学",
        "2B": "省委党校大学",
        "31": "大专",
    }
    assert "大学本科" not in active("education") and "大学专科" not in active("education")
    groups = dict(CodeItem.objects.filter(table__key="education").values_list("name", "group"))
    assert (groups["研究生班"], groups["中央党校大学"], groups["大学普通班"], groups["中技"]) == (
        "研究生",
        "大学",
        "大专及以下",
        "大专及以下",
    )


def test_historical_values_are_kept_inactive() -> None:
    for key, items in HISTORICAL.items():
        stored = dict(CodeItem.objects.filter(table__key=key).values_list("code", "is_active"))
        assert {code: stored.get(code) for code, _, _ in items} == {code: False for code, _, _ in items}


def test_degrees_keep_their_discipline_with_the_gb_t_6864_codes() -> None:
    codes = codes_of("degree")
    assert {
        c: codes[c] for c in ("1", "2", "203", "245", "3", "303", "341", "349", "4", "403", "412", "444")
    } == {
        "1": "名誉博士",
        "2": "博士",
        "203": "法学博士",
        "245": "临床医学博士",
        "3": "硕士",
        "303": "法学硕士",
        "341": "法律硕士",
        "349": "公共管理硕士",
        "4": "学士",
        "403": "法学学士",
        "412": "管理学学士",
        "444": "建筑学学士",
    }
    groups = dict(CodeItem.objects.filter(table__key="degree").values_list("code", "group"))
    assert {groups[c] for c in codes if c.startswith("2")} == {"博士"}
    assert {groups[c] for c in codes if c.startswith("4")} == {"学士"}


def test_personnel_categories_are_the_national_twelve_and_the_local_village_value() -> None:
    names = active("personnel_category")
    assert set(names) == {*template_values("personnel_category"), "村（社区）干部"}
    assert (names["公务员"], names["其他人员"], names["村（社区）干部"]) == ("1", "9", "4")


def test_every_synonym_names_one_value_of_its_table_and_is_not_itself_a_value() -> None:
    for key, synonyms in SYNONYMS.items():
        names = {name for _, name, _ in CODE_TABLES[key][2]}
        assert {s: t for s, t in synonyms.items() if t not in names} == {}, key
        assert names & set(synonyms) == set(), key


def test_codes_and_names_are_unique_and_fit_the_record_fields() -> None:
    widths = {
        "education": 4,
        "degree": 4,
        "assessment_result": 2,
        "family_relation": 4,
        "personnel_category": 2,
    }
    for key, width in widths.items():
        items = CODE_TABLES[key][2] + HISTORICAL.get(key, [])
        codes = [code for code, _, _ in items]
        names = [name for _, name, _ in items]
        assert len(set(codes)) == len(codes) and len(set(names)) == len(names), key
        assert max(len(code) for code in codes) <= width, key
