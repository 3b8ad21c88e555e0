"""Stored codes moved to the national tables' codes (issue 12; the tables themselves: org 0005).

Data migration only:
- 家庭成员称谓 (FamilyMember.relation): the former private codes → GB/T 4761-2008 (10 父亲 → 51,
  11 母亲 → 52, 12 丈夫 → 11, 13 妻子 → 12, 14 儿子 → 20, 15 女儿 → 30, 16 哥哥 → 71,
  17 姐姐 → 75, 18 弟弟 → 73, 19 妹妹 → 77, 20 岳父 → 55, 21 岳母 → 56, 22 公公 → 53,
  23 婆婆 → 54, 24 儿媳 → 38, 25 女婿 → 28, 29 其他 → 97).
- 学历 (Education.education, Cadre.fulltime_education / highest_education and the same fields of
  StatePeriod): 34 中央党校大专 → 3A, 37 省委党校大专 → 3B. 大学本科 (21) and 大学专科 (31) keep their
  codes under their national names 大学 and 大专; 技工学校 (47) is now 中技.
- 学位, 考核结果, 人员类别: no stored code changes (former 参公人员 2 and 事业人员 3 stay, inactive:
  each is two national values, a clerk chooses).
Each field is rewritten by one UPDATE with a CASE over the old codes, so that a code both old and
new (12 丈夫 → 11 while 13 妻子 → 12) moves once. The reverse maps back, and refuses (naming the
count) when records hold codes the former tables lack, rather than guess.
"""

from django.db import migrations
from django.db.models import Case, CharField, F, Value, When

FAMILY = {
    "10": "51",
    "11": "52",
    "12": "11",
    "13": "12",
    "14": "20",
    "15": "30",
    "16": "71",
    "17": "75",
    "18": "73",
    "19": "77",
    "20": "55",
    "21": "56",
    "22": "53",
    "23": "54",
    "24": "38",
    "25": "28",
    "29": "97",
}
EDUCATION = {"34": "3A", "37": "3B"}
# The codes of the former 学历 table (a record may hold any of them, and only them, before).
FORMER_EDUCATION = {"11", "1A", "1B", "21", "2A", "2B", "31", "34", "37", "41", "47", "61", "71", "81"}

# (model, field, mapping) of every stored code that changes
FIELDS = (
    ("FamilyMember", "relation", FAMILY),
    ("Education", "education", EDUCATION),
    ("Cadre", "fulltime_education", EDUCATION),
    ("Cadre", "highest_education", EDUCATION),
    ("StatePeriod", "fulltime_education", EDUCATION),
    ("StatePeriod", "highest_education", EDUCATION),
)


def _recode(apps, mapping_of) -> None:
    for model_name, field, mapping in FIELDS:
        model = apps.get_model("cadres", model_name)
        mapping = mapping_of(mapping)
        whens = [When(**{field: old}, then=Value(new)) for old, new in mapping.items()]
        model.objects.filter(**{f"{field}__in": list(mapping)}).update(
            **{field: Case(*whens, default=F(field), output_field=CharField())}
        )


def forward(apps, schema_editor):
    _recode(apps, lambda mapping: mapping)


def backward(apps, schema_editor):
    FamilyMember = apps.get_model("cadres", "FamilyMember")
    Education = apps.get_model("cadres", "Education")
    unknown_family = FamilyMember.objects.exclude(relation__in=list(FAMILY.values())).count()
    former_new_education = (FORMER_EDUCATION - set(EDUCATION)) | set(EDUCATION.values())
    unknown_education = (
        Education.objects.exclude(education="").exclude(education__in=former_new_education).count()
    )
    if unknown_family or unknown_education:
        raise RuntimeError(
            f"无法回退：{unknown_family} 个家庭成员的称谓、{unknown_education} 条学历记录的学历"
            "使用了原代码表没有的代码，请先改为原有的值"
        )
    _recode(apps, lambda mapping: {new: old for old, new in mapping.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0011_lrmx_extras"),
        ("org", "0005_national_code_tables_2018"),
    ]

    operations = [migrations.RunPython(forward, backward)]
