"""Default composition rules (DESIGN.md, from seed 004) and age caps (乡科级 正职/副职: men 55,
women 50). Administrators edit them afterwards; the reverse removes only these defaults."""

from decimal import Decimal

from django.db import migrations

SEED004 = "种子004(市级班子建设规划目标)"
TEAM_RULES = [
    # name, metric, age, min_count, team_kinds
    ("每个班子至少配备1名女干部", "women", None, 1, ""),
    ("党委、政府班子40岁以下干部至少2名", "age_at_most", 40, 2, "party_committee,government"),
    ("党委、政府班子35岁以下干部至少1名", "age_at_most", 35, 1, "party_committee,government"),
    ("部门领导班子40岁以下干部至少1名", "age_at_most", 40, 1, "leadership"),
    ("每个班子至少1名大学以上学历干部", "university", None, 1, ""),
]
POPULATION_RULES = [
    ("女干部不低于领导干部总数的15%", "women", Decimal("15")),
    ("党外干部不低于领导干部总数的10%", "non_party", Decimal("10")),
    ("少数民族干部不低于领导干部总数的2%", "minority", Decimal("2")),
    ("大学以上学历不低于领导干部总数的70%", "university", Decimal("70")),
    ("研究生学历不低于领导干部总数的15%", "postgraduate", Decimal("15")),
]
AGE_CAPS = [("1A41", "1", 55), ("1A41", "2", 50), ("1A42", "1", 55), ("1A42", "2", 50)]


def load_defaults(apps, schema_editor):
    CompositionRule = apps.get_model("analytics", "CompositionRule")
    AgeCap = apps.get_model("analytics", "AgeCap")
    for order, (name, metric, age, count, kinds) in enumerate(TEAM_RULES, start=1):
        CompositionRule.objects.create(
            name=name, scope="team", metric=metric, age=age, min_count=count, team_kinds=kinds,
            source=SEED004, sort_order=order,
        )
    for order, (name, metric, percent) in enumerate(POPULATION_RULES, start=1):
        CompositionRule.objects.create(
            name=name, scope="population", metric=metric, min_percent=percent, source=SEED004, sort_order=order
        )
    for level, gender, age in AGE_CAPS:
        AgeCap.objects.create(level=level, gender=gender, age=age)


def remove_defaults(apps, schema_editor):
    CompositionRule = apps.get_model("analytics", "CompositionRule")
    AgeCap = apps.get_model("analytics", "AgeCap")
    names = [r[0] for r in TEAM_RULES] + [r[0] for r in POPULATION_RULES]
    CompositionRule.objects.filter(name__in=names, source=SEED004).delete()
    for level, gender, age in AGE_CAPS:
        AgeCap.objects.filter(level=level, gender=gender, age=age).delete()


class Migration(migrations.Migration):
    dependencies = [("analytics", "0001_composition_rules_and_age_caps")]

    operations = [migrations.RunPython(load_defaults, remove_defaults)]
