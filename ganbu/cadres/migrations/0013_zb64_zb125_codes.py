"""Stored 学历 and 人员类别 codes moved to the corrected codes (org.codes; the tables: org 0006).

Data migration only:
- 学历 (Education.education, Cadre.fulltime_education / highest_education and the same fields of
  StatePeriod): 12 研究生班 → 13, 3A 中央党校大专 → 34, 3B 省委党校大专 → 37, 3C 大学普通班 → 3B.
- 人员类别 (Cadre.personnel_category, StatePeriod.personnel_category): 02 参照管理机关工作人员 → 5,
  03 参照管理事业单位工作人员 → 6. The former 参公人员 (2) and 事业人员 (3) stay.
Cadre.lrmx_extras keeps the texts of the LRMX file (names such as 研究生班), no codes: unchanged.
Each field is rewritten by one UPDATE with a CASE over the old codes, so that 3B → 37 and 3C → 3B
move each record once. The moves are a one-to-one renaming, so the reverse maps back exactly. Both
directions refuse (naming the count) when records already hold a code that a move goes to and that
is not itself moved (a value an administrator added on it): the two values would merge.
"""

from django.db import migrations
from django.db.models import Case, CharField, F, Value, When

EDUCATION = {"12": "13", "3A": "34", "3B": "37", "3C": "3B"}
PERSONNEL = {"02": "5", "03": "6"}

# (model, field, mapping) of every stored code that changes
FIELDS = (
    ("Education", "education", EDUCATION),
    ("Cadre", "fulltime_education", EDUCATION),
    ("Cadre", "highest_education", EDUCATION),
    ("StatePeriod", "fulltime_education", EDUCATION),
    ("StatePeriod", "highest_education", EDUCATION),
    ("Cadre", "personnel_category", PERSONNEL),
    ("StatePeriod", "personnel_category", PERSONNEL),
)


def _recode(apps, mapping_of) -> None:
    fields = [(apps.get_model("cadres", m), field, mapping_of(mapping)) for m, field, mapping in FIELDS]
    taken = []
    for model, field, mapping in fields:
        blocked = sorted(set(mapping.values()) - set(mapping))
        count = model.objects.filter(**{f"{field}__in": blocked}).count()
        if count:
            label = f"{model._meta.verbose_name}的{model._meta.get_field(field).verbose_name}"
            taken.append(f"{count} 条{label}（代码 {'、'.join(blocked)}）")
    if taken:
        raise RuntimeError(f"无法改代码：{'；'.join(taken)}已使用要改用的代码，请先改为其他值")
    for model, field, mapping in fields:
        whens = [When(**{field: old}, then=Value(new)) for old, new in mapping.items()]
        model.objects.filter(**{f"{field}__in": list(mapping)}).update(
            **{field: Case(*whens, default=F(field), output_field=CharField())}
        )


def forward(apps, schema_editor):
    _recode(apps, lambda mapping: mapping)


def backward(apps, schema_editor):
    _recode(apps, lambda mapping: {new: old for old, new in mapping.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("cadres", "0012_national_code_tables"),
        ("org", "0006_zb64_zb125_codes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
