"""Correct the codes of 学历 (ZB64) and 人员类别 (ZB125) in the code tables (org.codes; the stored
records: cadres 0013).

Data migration only. Sources in org.codes: a real export of the national software names 研究生班 13
and 省（区、市）委党校大专 37, not the 12 and 3B org 0005 gave them; 3A and 3C are in no source, the
national statistics count 34 and 3B among the 专科 codes; the 参照管理 人员类别 are 5 and 6 there.
- 学历: 12 研究生班 → 13, 3A 中央党校大专 → 34, 3B 省委党校大专 → 37, 3C 大学普通班 → 3B.
- 人员类别: 02 参照管理机关工作人员 → 5, 03 参照管理事业单位工作人员 → 6; the table's 依据标准 says
  which codes are confirmed.
Each value keeps its row (name, 归类, order, 有效, whatever an administrator changed): only its code
changes. The moves go through temporary codes (~3B), so that 3B → 37 and 3C → 3B never meet.

A table that already holds the new codes is left as it is: org 0002 and 0005 load org.codes as it
is when they run, so a database created after this change has them from the start (3B is then
大学普通班, and stays). A code to move onto that holds another value (an administrator's) stops the
migration and names it, rather than merge two values. The reverse moves the codes back likewise.
The values are frozen here, not read from org.codes.
"""

from django.db import migrations

# key → {old code: new code}
MOVES: dict[str, dict[str, str]] = {
    "education": {"12": "13", "3A": "34", "3B": "37", "3C": "3B"},
    "personnel_category": {"02": "5", "03": "6"},
}
# A code that is both moved from and moved to (3B): the name it has in the table as it is before
# and after. Whether the row at that code still has to move is told by it.
BEFORE_NAMES: dict[str, dict[str, str]] = {"education": {"3B": "省委党校大专"}}
AFTER_NAMES: dict[str, dict[str, str]] = {"education": {"3B": "大学普通班"}}
# key → (依据标准 before, after)
STANDARDS: dict[str, tuple[str, str]] = {
    "personnel_category": ("ZB125（代码待核）", "ZB125（1 已核，5、6 推定，其余代码待核）"),
}


def _move(apps, moves: dict[str, dict[str, str]], settled: dict[str, dict[str, str]], standard_index: int) -> None:
    """Give the items of each table their codes after `moves`. A row at a code that `settled` names
    with the name it has is already where it belongs and stays."""
    CodeTable = apps.get_model("org", "CodeTable")
    CodeItem = apps.get_model("org", "CodeItem")
    for key, mapping in moves.items():
        table = CodeTable.objects.filter(key=key).first()
        if table is None:
            continue
        items = {item.code: item for item in CodeItem.objects.filter(table=table)}
        moving = {
            old: new
            for old, new in mapping.items()
            if old in items and items[old].name != settled.get(key, {}).get(old)
        }
        clashes = [f"{new} {items[new].name}" for new in moving.values() if new in items and new not in moving]
        if clashes:
            raise RuntimeError(
                f"代码表「{table.name}」中的代码 {'、'.join(clashes)} 与要改用的国家代码冲突。"
                "请先把使用这些代码的记录改为其他值并删除这些代码项，再执行迁移。"
            )
        for old in moving:
            items[old].code = f"~{old}"
            items[old].save(update_fields=["code"])
        for old, new in moving.items():
            items[old].code = new
            items[old].save(update_fields=["code"])
        if key in STANDARDS:
            before = STANDARDS[key][1 - standard_index]
            if table.standard == before:
                table.standard = STANDARDS[key][standard_index]
                table.save(update_fields=["standard"])


def forward(apps, schema_editor):
    _move(apps, MOVES, AFTER_NAMES, 1)


def backward(apps, schema_editor):
    reverse = {key: {new: old for old, new in mapping.items()} for key, mapping in MOVES.items()}
    _move(apps, reverse, BEFORE_NAMES, 0)


class Migration(migrations.Migration):
    dependencies = [("org", "0005_national_code_tables_2018")]
    operations = [migrations.RunPython(forward, backward)]
