"""The national code tables, each against its source: every value of the national 干部大数据信息提取表
(V2018.11, `org/data/code-lists-2018.tsv`) is an active item with that exact name, and the codes are
the standard's where the table says they are confirmed (GB/T 4761-2008, GB/T 6864-2003, ZB18, ZB64,
ZB125); the data migrations org 0006 / cadres 0013 move the 学历 and 人员类别 codes of the tables and
of the stored records to the corrected ones and back."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ganbu.org.codes import CODE_TABLES, HISTORICAL, SYNONYMS, gb4761_code
from ganbu.org.models import CodeItem, CodeTable, Unit
from ganbu.testing.world import World

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


# ZB64 as a real export of the national software writes it, name (A0801A) next to code (A0801B):
# repository JoneWold/wdy_jfinal_demo, download/testF/Table/A08.xml
ZB64_CONFIRMED = {
    "1": "研究生教育",
    "11": "研究生",
    "13": "研究生班",
    "1A": "中央党校研究生",
    "1B": "省委党校研究生",  # the export: 省(区、市)委党校研究生, a synonym
    "2": "本科教育",
    "21": "大学",
    "2A": "中央党校大学",
    "2B": "省委党校大学",
    "3": "专科教育",
    "31": "大专",
    "37": "省委党校大专",  # the export: 省（区、市）委党校大专, a synonym
    "41": "中专",
    "61": "高中",
}
# The national software's statistics (repository HuangHL92/ZHGBSYS, SjfxServlet.java) count these
# codes as 大学专科 and as 中专以下; the names of 34, 3B, 47, 71, 81 are inferred (org.codes).
ZB64_COLLEGE = {"31", "34", "37", "3B"}
ZB64_BELOW_COLLEGE = {"41", "47", "61", "71", "81", "91"}


def listed(key: str) -> dict[str, str]:
    """{code: name} of the current values of one table as org.codes lists them."""
    return {code: name for code, name, _ in CODE_TABLES[key][2]}


@pytest.mark.parametrize("source", ["org.codes", "database"])
def test_education_carries_the_zb64_codes_of_the_national_software(source: str) -> None:
    codes = listed("education") if source == "org.codes" else codes_of("education")
    assert {code: codes.get(code) for code in ZB64_CONFIRMED} == ZB64_CONFIRMED
    # the inferred ones, as the table gives them
    assert {code: codes.get(code) for code in ("34", "3B", "47", "71", "81")} == {
        "34": "中央党校大专",
        "3B": "大学普通班",
        "47": "中技",
        "71": "初中",
        "81": "小学",
    }
    # every code is one the national software uses: the 专科 values are exactly its 大学专科 codes
    college = {code for code in codes if code.startswith("3") and code != "3"}
    assert college == ZB64_COLLEGE
    assert {code for code in codes if code[0] in "45678"} <= ZB64_BELOW_COLLEGE
    # the former guesses are gone (12, 3A, 3C), also from the inactive values
    stored = set(CodeItem.objects.filter(table__key="education").values_list("code", flat=True))
    assert (stored | {code for code, _, _ in HISTORICAL["education"]}) & {"12", "3A", "3C"} == set()
    assert "大学本科" not in active("education") and "大学专科" not in active("education")
    groups = dict(CodeItem.objects.filter(table__key="education").values_list("name", "group"))
    assert (groups["研究生班"], groups["中央党校大学"], groups["大学普通班"], groups["中技"]) == (
        "研究生",
        "大学",
        "大专及以下",
        "大专及以下",
    )


def test_the_export_s_spellings_of_the_party_school_values_are_synonyms() -> None:
    synonyms = SYNONYMS["education"]
    assert (synonyms["省（区、市）委党校研究生"], synonyms["省（区、市）委党校大专"]) == (
        "省委党校研究生",
        "省委党校大专",
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


@pytest.mark.parametrize("source", ["org.codes", "database"])
def test_personnel_categories_carry_the_zb125_codes_the_national_software_uses(source: str) -> None:
    # 1 confirmed (A0160='1' selects 公务员); 5 and 6 inferred (A0160='5' / '6' select the 参照公务员法
    # 管理 staff of 群团机关 / 事业单位): repositories HuangHL92/ZHGBSYS, JoneWold/wdy_jfinal_demo
    if source == "org.codes":
        names = {name: code for code, name in listed("personnel_category").items()}
        standard = CODE_TABLES["personnel_category"][1]
    else:
        names = active("personnel_category")
        standard = CodeTable.objects.get(key="personnel_category").standard
    assert (names["公务员"], names["参照管理机关工作人员"], names["参照管理事业单位工作人员"]) == (
        "1",
        "5",
        "6",
    )
    # the others keep their local codes, marked as such
    assert {name: code for name, code in names.items() if code not in ("1", "5", "6")} == {
        "事业单位管理人员": "04",
        "事业单位专业技术人员": "05",
        "在机关工作的事业编制人员": "06",
        "机关工勤人员": "07",
        "事业单位工勤人员": "08",
        "企业管理人员": "09",
        "企业专业技术人员": "10",
        "企业工勤人员": "11",
        "其他人员": "9",
        "村（社区）干部": "4",
    }
    assert standard == "ZB125（1 已核，5、6 推定，其余代码待核）"
    stored = set(CodeItem.objects.filter(table__key="personnel_category").values_list("code", flat=True))
    assert stored & {"02", "03"} == set()


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


# --- the data migrations org 0006 / cadres 0013 ----------------------------------------------------

ORG_0006 = importlib.import_module("ganbu.org.migrations.0006_zb64_zb125_codes")
CADRES_0013 = importlib.import_module("ganbu.cadres.migrations.0013_zb64_zb125_codes")
BEFORE = [("org", "0005_national_code_tables_2018"), ("cadres", "0012_national_code_tables")]
OLD_CODES = {
    "education": {"12": "研究生班", "3A": "中央党校大专", "3B": "省委党校大专", "3C": "大学普通班"},
    "personnel_category": {"02": "参照管理机关工作人员", "03": "参照管理事业单位工作人员"},
}
NEW_CODES = {
    "education": {"13": "研究生班", "34": "中央党校大专", "37": "省委党校大专", "3B": "大学普通班"},
    "personnel_category": {"5": "参照管理机关工作人员", "6": "参照管理事业单位工作人员"},
}


@contextmanager
def migrated_back() -> Iterator[None]:
    """The database as org 0005 / cadres 0012 left it for the body; afterwards every app's newest
    migration again (`leaf_nodes`: exactly the schema the suite runs on), whatever happened. The
    executor needs a transactional test (SQLite's schema editor refuses to run inside one)."""
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        yield
    finally:
        executor.loader.build_graph()
        executor.migrate(latest)


def _codes(key: str, codes: dict[str, str]) -> dict[str, str | None]:
    stored = dict(CodeItem.objects.filter(table__key=key).values_list("code", "name"))
    return {code: stored.get(code) for code in codes}


def _cadre(unit: Unit, name: str, *, category: str, fulltime: str, highest: str, records: list[str]) -> int:
    """A cadre with its education records and one state period, written with the models as they are
    (no code is checked): the id."""
    Cadre = apps.get_model("cadres", "Cadre")
    Education = apps.get_model("cadres", "Education")
    StatePeriod = apps.get_model("cadres", "StatePeriod")
    cadre = Cadre.objects.create(
        name=name,
        gender="1",
        ethnicity="01",
        birth_date=date(1980, 1, 1),
        political_status="01",
        personnel_category=category,
        unit=unit,
        fulltime_education=fulltime,
        highest_education=highest,
    )
    for code in records:
        Education.objects.create(cadre=cadre, kind="inservice", education=code)
    StatePeriod.objects.create(
        cadre=cadre,
        valid_from=date(2020, 1, 1),
        valid_to=date(2030, 1, 1),
        unit=unit,
        is_leader=False,
        gender="1",
        birth_date=date(1980, 1, 1),
        political_status="01",
        ethnicity="01",
        personnel_category=category,
        fulltime_education=fulltime,
        highest_education=highest,
    )
    return cadre.pk


def _stored(pk: int) -> tuple:
    """(personnel_category, fulltime, highest, sorted education records, the state period's three)"""
    cadre = apps.get_model("cadres", "Cadre").objects.get(pk=pk)
    period = apps.get_model("cadres", "StatePeriod").objects.get(cadre_id=pk)
    records = apps.get_model("cadres", "Education").objects.filter(cadre_id=pk)
    return (
        cadre.personnel_category,
        cadre.fulltime_education,
        cadre.highest_education,
        sorted(records.values_list("education", flat=True)),
        (period.personnel_category, period.fulltime_education, period.highest_education),
    )


@pytest.mark.django_db(transaction=True)  # the migration executor: outside a transaction
def test_the_migrations_move_stored_codes_to_the_corrected_ones(world: World) -> None:
    with migrated_back():
        for key, codes in OLD_CODES.items():
            assert _codes(key, codes) == codes  # the tables as org 0005 wrote them
        a = _cadre(world.town_a, "甲", category="02", fulltime="3C", highest="3B", records=["3B", "3C", "12"])
        b = _cadre(world.town_a, "乙", category="03", fulltime="3A", highest="12", records=["3A", "21"])
        c = _cadre(world.town_a, "丙", category="1", fulltime="21", highest="11", records=["21", "11"])
    for key, codes in NEW_CODES.items():
        assert _codes(key, codes) == codes
    gone = CodeItem.objects.filter(table__key__in=list(NEW_CODES), code__in=["12", "3A", "3C", "02", "03"])
    assert list(gone) == []
    # 3B 省委党校大专 → 37 and 3C 大学普通班 → 3B, each once; 12 → 13; 3A → 34; 02 → 5, 03 → 6
    assert _stored(a) == ("5", "3B", "37", ["13", "37", "3B"], ("5", "3B", "37"))
    assert _stored(b) == ("6", "34", "13", ["21", "34"], ("6", "34", "13"))
    assert _stored(c) == ("1", "21", "11", ["11", "21"], ("1", "21", "11"))


@pytest.mark.django_db(transaction=True)  # the migration executor: outside a transaction
def test_the_reverse_moves_them_back(world: World) -> None:
    a = _cadre(
        world.town_a, "甲", category="5", fulltime="3B", highest="37", records=["37", "3B", "13", "34"]
    )
    b = _cadre(world.town_a, "乙", category="6", fulltime="21", highest="13", records=["13"])
    with migrated_back():
        for key, codes in OLD_CODES.items():
            assert _codes(key, codes) == codes
        assert _stored(a) == ("02", "3C", "3B", ["12", "3A", "3B", "3C"], ("02", "3C", "3B"))
        assert _stored(b) == ("03", "21", "12", ["12"], ("03", "21", "12"))
    assert _stored(a) == ("5", "3B", "37", ["13", "34", "37", "3B"], ("5", "3B", "37"))
    assert _stored(b) == ("6", "21", "13", ["13"], ("6", "21", "13"))


def test_tables_that_already_have_the_new_codes_stay_as_they_are() -> None:
    # a database created after org.codes changed: org 0005 wrote the new codes (3B is 大学普通班)
    before = list(CodeItem.objects.order_by("pk").values_list("pk", "code", "name", "is_active"))
    ORG_0006.forward(apps, None)
    assert list(CodeItem.objects.order_by("pk").values_list("pk", "code", "name", "is_active")) == before


def test_a_value_on_a_code_a_move_goes_to_stops_the_migration(world: World) -> None:
    ORG_0006.backward(apps, None)
    table = CodeTable.objects.get(key="education")
    CodeItem.objects.create(table=table, code="34", name="自定义学历", sort_order=99)
    with pytest.raises(RuntimeError, match="34 自定义学历"):
        ORG_0006.forward(apps, None)
    _cadre(world.town_a, "甲", category="5", fulltime="", highest="", records=[])  # 5 taken before the move
    with pytest.raises(RuntimeError, match="1 条干部的人员类别"):
        CADRES_0013.forward(apps, None)
