"""Bring 学历, 学位, 考核结果, 家庭成员称谓 and 人员类别 to the national tables (org.codes, issue 12).

Data migration only. Per table: the values of the former tables whose code went away are deleted
(their records are recoded by cadres 0012); every current value is written by code (name, 归类,
order); the historical values (org.codes.HISTORICAL) are written inactive. A value an administrator
added keeps its code; if its name is now a national value's name it is renamed 「name（原代码 X）」
and made inactive; if its code is now a national value's code the migration stops and names it
(its records would change meaning). The reverse writes the former tables back (frozen below).
"""

from django.db import migrations

from ganbu.org.codes import CODE_TABLES, HISTORICAL

KEYS = ("education", "degree", "assessment_result", "family_relation", "personnel_category")

# The tables as they were before this migration (0002 loaded them from org.codes at the time):
# key → (standard, [(code, name, group)]).
FORMER: dict[str, tuple[str, list[tuple[str, str, str]]]] = {
    "education": (
        "ZB64",
        [
            ("11", "研究生", "研究生"),
            ("1A", "中央党校研究生", "研究生"),
            ("1B", "省委党校研究生", "研究生"),
            ("21", "大学本科", "大学"),
            ("2A", "中央党校大学", "大学"),
            ("2B", "省委党校大学", "大学"),
            ("31", "大学专科", "大专及以下"),
            ("34", "中央党校大专", "大专及以下"),
            ("37", "省委党校大专", "大专及以下"),
            ("41", "中专", "大专及以下"),
            ("47", "技工学校", "大专及以下"),
            ("61", "高中", "大专及以下"),
            ("71", "初中", "大专及以下"),
            ("81", "小学", "大专及以下"),
        ],
    ),
    "degree": ("GB/T 6864", [("2", "博士", ""), ("3", "硕士", ""), ("4", "学士", "")]),
    "assessment_result": (
        "ZB18",
        [
            ("1", "优秀", ""),
            ("2", "称职", ""),
            ("3", "基本称职", ""),
            ("4", "不称职", ""),
            ("5", "不定等次", ""),
            ("6", "不进行考核", ""),
        ],
    ),
    "family_relation": (
        "GB/T 4761（本地补充 20-29）",
        [
            ("10", "父亲", ""),
            ("11", "母亲", ""),
            ("12", "丈夫", ""),
            ("13", "妻子", ""),
            ("14", "儿子", ""),
            ("15", "女儿", ""),
            ("16", "哥哥", ""),
            ("17", "姐姐", ""),
            ("18", "弟弟", ""),
            ("19", "妹妹", ""),
            ("20", "岳父", ""),
            ("21", "岳母", ""),
            ("22", "公公", ""),
            ("23", "婆婆", ""),
            ("24", "儿媳", ""),
            ("25", "女婿", ""),
            ("29", "其他", ""),
        ],
    ),
    "personnel_category": (
        "本地",
        [
            ("1", "公务员", ""),
            ("2", "参公人员", ""),
            ("3", "事业人员", ""),
            ("4", "村（社区）干部", ""),
            ("9", "其他", ""),
        ],
    ),
}


def _write(
    apps, key: str, standard: str, current: list, historical: list, former: list, *, reactivate: bool = False
) -> None:
    """Make table `key` hold `current` (active) and `historical` (inactive) values. `former` is the
    table being replaced: its values whose code is gone are deleted (cadres 0012 recodes their
    records), whatever an administrator renamed them to. A current value keeps an administrator's
    deactivation unless its meaning changes, or `reactivate` (the reverse)."""
    CodeTable = apps.get_model("org", "CodeTable")
    CodeItem = apps.get_model("org", "CodeItem")
    name = CODE_TABLES[key][0]
    table, _ = CodeTable.objects.get_or_create(key=key, defaults={"name": name, "standard": standard})
    if table.standard != standard:
        table.standard = standard
        table.save(update_fields=["standard"])
    wanted = [(c, n, g, True) for c, n, g in current] + [(c, n, g, False) for c, n, g in historical]
    label_of = {w[0]: w[1] for w in wanted}
    wanted_names = {w[1] for w in wanted}
    former_codes = {c for c, _, _ in former}
    existing = {item.code: item for item in CodeItem.objects.filter(table=table)}
    # An administrator's value on a code the national table now uses for another value: its records
    # would silently change meaning. Stop and say which, rather than guess.
    clashes = [
        f"{code} {item.name}"
        for code, item in existing.items()
        if code in label_of and code not in former_codes and item.name != label_of[code]
    ]
    if clashes:
        raise RuntimeError(
            f"代码表「{name}」中自行添加的代码与国家标准代码冲突：{'、'.join(clashes)}。"
            "请先把使用这些代码的记录改为其他值并删除这些代码项，再执行迁移。"
        )
    before = {code: item.name for code, item in existing.items()}
    for code, item in existing.items():
        if code in label_of:
            continue
        if code in former_codes:
            item.delete()  # a former value whose records moved to another code
        elif item.name in wanted_names:  # an administrator's value named like a national one
            item.name = f"{item.name}（原代码 {code}）"[:50]
            item.is_active = False
            item.save(update_fields=["name", "is_active"])
    # free the names first: a name may move from one code to another (家庭成员称谓 10 父亲 → 51)
    for code, item in existing.items():
        if code in label_of:
            item.name = f"~{code}"
            item.save(update_fields=["name"])
    for order, (code, label, group, active) in enumerate(wanted):
        item = existing.get(code)
        if item is None:
            CodeItem.objects.create(
                table=table, code=code, name=label, group=group, sort_order=order, is_active=active
            )
            continue
        item.name, item.group, item.sort_order = label, group, order
        # a historical value, a code with a new meaning, or the reverse: the state is ours to set
        if reactivate or not active or before.get(code) != label:
            item.is_active = active
        item.save(update_fields=["name", "group", "sort_order", "is_active"])


def forward(apps, schema_editor):
    for key in KEYS:
        _, standard, items = CODE_TABLES[key]
        _write(apps, key, standard, list(items), HISTORICAL.get(key, []), FORMER[key][1])


def backward(apps, schema_editor):
    for key in KEYS:
        standard, items = FORMER[key]
        now = list(CODE_TABLES[key][2]) + HISTORICAL.get(key, [])
        _write(apps, key, standard, items, [], now, reactivate=True)


class Migration(migrations.Migration):
    dependencies = [("org", "0004_calendar_days")]
    operations = [migrations.RunPython(forward, backward)]
