"""The national code tables as the registry reads them: `CodeBook.code_for` takes a code, a name or a
synonym clerks type (both widths of brackets), keeps a degree's discipline, and answers None for
anything else (the import then names the value); the data migration moves stored codes to the
national ones and back."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from ganbu.cadres.models import Cadre, Education, EducationKind, FamilyMember
from ganbu.cadres.services import CodeBook
from ganbu.cadres.tests.test_excel_import import person, run, xlsx
from ganbu.org.models import CodeItem, CodeTable
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("table", "value", "code"),
    [
        ("education", "大学", "21"),
        ("education", "大学本科", "21"),
        ("education", "本科", "21"),
        ("education", "大学专科", "31"),
        ("education", "专科", "31"),
        ("education", "大专", "31"),
        ("education", "在职研究生", "11"),
        ("education", "研究生班", "13"),
        ("education", "省（区、市）委党校大专", "37"),
        ("education", "省(区、市)委党校大学", "2B"),  # half-width: what a file may hold
        ("education", "省（区、市）委党校大学", "2B"),
        ("education", "技工学校", "47"),
        ("degree", "法学学士", "403"),
        ("degree", "法学学士学位", "403"),
        ("degree", "学士学位", "4"),
        ("degree", "公共管理硕士", "349"),
        ("degree", "军事硕士", "352"),
        ("assessment_result", "合格", "2B"),
        ("assessment_result", "基本合格", "3B"),
        ("assessment_result", "不合格", "4B"),
        ("assessment_result", "不确定等次", "5"),
        ("family_relation", "配偶", "10"),
        ("family_relation", "爱人", "10"),
        ("family_relation", "妻", "12"),
        ("family_relation", "儿子", "20"),
        ("family_relation", "子", "20"),
        ("family_relation", "女儿", "30"),
        ("family_relation", "三女", "34"),
        ("family_relation", "继父", "571"),
        ("family_relation", "嫂子", "72"),
        ("family_relation", "嫂", "72"),
        ("family_relation", "侄子", "93"),
        ("family_relation", "其他", "97"),
        ("family_relation", "51", "51"),
        ("personnel_category", "参照管理机关工作人员", "5"),
        ("personnel_category", "参照管理事业单位工作人员", "6"),
        ("personnel_category", "村(社区)干部", "4"),  # half-width: what a file may hold
    ],
)
def test_a_code_a_name_or_a_synonym_is_found(table: str, value: str, code: str) -> None:
    assert CodeBook().code_for(table, value) == code


@pytest.mark.parametrize(
    ("table", "value"),
    [
        ("education", "大学本科学历"),  # not a name, not a listed synonym: no guess
        ("education", "3A"),  # a former code, gone (中央党校大专 is 34)
        ("education", "3C"),  # a former code, gone (大学普通班 is 3B)
        ("degree", "文学学士后"),
        ("family_relation", "干女儿"),
        ("family_relation", "13"),
        ("personnel_category", "参公人员"),  # historical (inactive): two national values, a clerk chooses
        ("assessment_result", "良好"),
    ],
)
def test_anything_else_is_not_found(table: str, value: str) -> None:
    assert CodeBook().code_for(table, value) is None


def test_an_import_takes_the_values_clerks_type_and_names_an_unknown_one(world: World) -> None:
    rows = [
        person(
            1, 全日制学历="大学", 全日制学位="法学学士学位", 最高学历="在职研究生", 最高学位="公共管理硕士"
        ),
        person(2, 人员类别="参照管理机关工作人员"),
    ]
    result = run(world, xlsx(rows))
    assert result.ok, result.errors
    cadre = Cadre.objects.get(personnel_category="1")
    assert (
        cadre.fulltime_education,
        cadre.fulltime_degree,
        cadre.highest_education,
        cadre.highest_degree,
    ) == (
        "21",
        "403",
        "11",
        "349",
    )
    result = run(world, xlsx([person(3, 全日制学历="大学本科学历")]))
    assert not result.ok
    assert [e.message for e in result.errors] == ["全日制学历「大学本科学历」不在代码表中"]


# --- the data migration ------------------------------------------------------------------------

ORG = importlib.import_module("ganbu.org.migrations.0005_national_code_tables_2018")
CADRES = importlib.import_module("ganbu.cadres.migrations.0012_national_code_tables")


def test_the_migration_moves_stored_codes_to_the_national_ones_and_back(world: World) -> None:
    ORG.backward(apps, None)  # the tables as they were
    cadre = make_cadre(world.town_a, fulltime_education="34", highest_education="37")
    for code in CADRES.FAMILY:  # every former code
        FamilyMember.objects.create(cadre=cadre, relation=code, name=f"成员{code}")
    Education.objects.create(cadre=cadre, kind=EducationKind.FULL_TIME, education="34")
    Education.objects.create(cadre=cadre, kind=EducationKind.IN_SERVICE, education="21", degree="3")
    former = dict(CodeItem.objects.filter(table__key="family_relation").values_list("code", "name"))
    before = {m.name: former[m.relation] for m in FamilyMember.objects.all()}

    ORG.forward(apps, None)
    CADRES.forward(apps, None)

    names = dict(CodeItem.objects.filter(table__key="family_relation").values_list("code", "name"))
    after = {m.name: names[m.relation] for m in FamilyMember.objects.all()}
    assert {k: v for k, v in after.items() if v != before[k]} == {"成员29": "其他亲属"}  # was 其他
    assert FamilyMember.objects.get(name="成员10").relation == "51"
    assert FamilyMember.objects.get(name="成员13").relation == "12"
    assert sorted(Education.objects.values_list("education", flat=True)) == ["21", "3A"]
    cadre.refresh_from_db()
    assert (cadre.fulltime_education, cadre.highest_education) == ("3A", "3B")

    CADRES.backward(apps, None)
    ORG.backward(apps, None)
    assert {m.name: former[m.relation] for m in FamilyMember.objects.all()} == before
    cadre.refresh_from_db()
    assert (cadre.fulltime_education, cadre.highest_education) == ("34", "37")


def test_the_reverse_refuses_records_the_former_tables_cannot_hold(world: World) -> None:
    cadre = make_cadre(world.town_a)
    FamilyMember.objects.create(cadre=cadre, relation="22", name="长子甲")  # 长子: the former table had none
    with pytest.raises(RuntimeError, match="1 个家庭成员的称谓"):
        CADRES.backward(apps, None)
    assert FamilyMember.objects.get().relation == "22"


def test_the_migration_stops_on_an_administrators_value_on_a_national_code(world: World) -> None:
    ORG.backward(apps, None)
    table = CodeTable.objects.get(key="family_relation")
    CodeItem.objects.create(table=table, code="26", name="干女儿", sort_order=99)
    with pytest.raises(RuntimeError, match="26 干女儿"):
        ORG.forward(apps, None)
