"""Schemes (考核方案) as versioned data: imported from the JSON contract, edited indicator by
indicator in the browser, copied to a new version, frozen once a cycle scores on them.

A draft may be incomplete while it is edited (weights that do not yet add up): `problems()` lists
what the engine's validator refuses, the page shows it, and a cycle refuses a scheme with problems.
Each indicator's own fields are checked when it is saved (a known rule, numbers that are numbers).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from ganbu.assessment import errors, events, rules
from ganbu.assessment.models import Scheme
from ganbu.audit.services import record_event
from ganbu.org.models import User

MAX_SCHEME_BYTES = 512 * 1024

FROZEN_MESSAGE = "该方案已用于考核计分，不能再修改；请「复制为新版本」后修改，新的考核年度选用新版本"


def refusal(messages: list[str], code: str) -> ValidationError:
    """Every message with its code: `ValidationError(list, code=...)` would drop the code (Django
    keeps it only on a single message)."""
    return ValidationError([ValidationError(m, code=code) for m in messages])


def problems(definition: Any) -> list[str]:
    """What the engine's validator refuses in a scheme (empty: the scheme can be used)."""
    try:
        rules.parse_scheme(definition)
    except ValidationError as exc:
        return list(exc.messages)
    return []


def read_scheme_file(content: bytes) -> dict[str, Any]:
    """The JSON of an uploaded scheme file (UTF-8, with or without a BOM)."""
    if len(content) > MAX_SCHEME_BYTES:
        raise ValidationError("方案文件过大（不超过 512 KB）", code=errors.SCHEME_FILE)
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_float=str)
    except UnicodeDecodeError:
        raise ValidationError("方案文件应为 UTF-8 编码的 JSON 文件", code=errors.SCHEME_FILE) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"方案文件不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列附近有误", code=errors.SCHEME_FILE
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            "方案文件应为一个 JSON 对象（含 name、total、indicators、grades）", code=errors.SCHEME_FILE
        )
    return data


def _next_version(name: str) -> int:
    return (Scheme.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def import_scheme(*, actor: User | None, data: dict[str, Any], year: int) -> Scheme:
    """A scheme from the JSON contract. It must pass the validator whole (an imported file is a
    finished scheme); a name already used becomes its next version."""
    found = problems(data)
    if found:
        raise refusal(found, errors.SCHEME_INVALID)
    name = str(data["name"]).strip()
    scheme = Scheme.objects.create(
        name=name, year=year, version=_next_version(name), definition=data, created_by=actor
    )
    record_event(
        actor=actor,
        action=events.SCHEME_IMPORT,
        obj=scheme,
        object_label=str(scheme),
        payload={"year": year, "leaves": len(rules.parse_scheme(data).leaves)},
    )
    return scheme


def _refuse_frozen(scheme: Scheme) -> None:
    locked = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if locked.frozen_at is not None:
        raise ValidationError(FROZEN_MESSAGE, code=errors.SCHEME_FROZEN)


@transaction.atomic
def update_definition(
    *, scheme: Scheme, actor: User | None, definition: dict[str, Any], change: str
) -> Scheme:
    """Store an edited tree (a draft may still have problems; they are shown, not hidden).
    Refused once the scheme is frozen."""
    _refuse_frozen(scheme)
    before = problems(scheme.definition)
    scheme.definition = definition
    scheme.save(update_fields=["definition", "updated_at"])
    record_event(
        actor=actor,
        action=events.SCHEME_UPDATE,
        obj=scheme,
        object_label=str(scheme),
        payload={
            "change": change,
            "problems_before": len(before),
            "problems_after": len(problems(definition)),
        },
    )
    return scheme


@transaction.atomic
def copy_scheme(*, scheme: Scheme, actor: User | None, year: int | None = None) -> Scheme:
    """A new version of a scheme, unfrozen, to edit and use in a later cycle."""
    new = Scheme.objects.create(
        name=scheme.name,
        year=year or scheme.year,
        version=_next_version(scheme.name),
        based_on=scheme,
        definition=copy.deepcopy(scheme.definition),
        created_by=actor,
    )
    record_event(
        actor=actor,
        action=events.SCHEME_COPY,
        obj=new,
        object_label=str(new),
        payload={"from": scheme.pk, "from_version": scheme.version},
    )
    return new


# --- editing one indicator of the tree ------------------------------------------------------------

RULE_PARAMETERS: dict[str, tuple[str, ...]] = {
    "completion": ("cap",),
    "ratio_to_top": (),
    "rank_linear": ("top", "bottom"),
    "rank_step": ("step", "raters"),
    "bracket": ("brackets", "share_of", "options", "groups", "override"),
    "deduct": (),
    "bonus": ("levels", "max"),
    "ballot": ("values", "groups"),
    "satisfaction": ("values", "groups"),
    "manual": (),
    "veto": ("grade",),
}
COMMON_KEYS = ("code", "name", "weight", "rule", "lead", "description", "children")


def walk(definition: dict[str, Any]) -> list[tuple[int, dict[str, Any], str]]:
    """Every indicator of the tree in order, with its depth and its parent's code."""
    out: list[tuple[int, dict[str, Any], str]] = []

    def visit(nodes: Any, depth: int, parent: str) -> None:
        for node in nodes if isinstance(nodes, list) else []:
            if isinstance(node, dict):
                out.append((depth, node, parent))
                visit(node.get("children"), depth + 1, str(node.get("code", "")))

    visit(definition.get("indicators"), 0, "")
    return out


def find(definition: dict[str, Any], code: str) -> dict[str, Any] | None:
    return next((node for _, node, _ in walk(definition) if str(node.get("code")) == code), None)


def _siblings(definition: dict[str, Any], parent: str) -> list[Any]:
    if not parent:
        return definition.setdefault("indicators", [])
    node = find(definition, parent)
    if node is None:
        raise ValidationError(f"上级指标「{parent}」不存在", code=errors.SCHEME_INVALID)
    if node.get("rule"):
        raise ValidationError(
            f"指标 {parent}（{node.get('name', '')}）已设计分规则，不能再有下级指标",
            code=errors.SCHEME_INVALID,
        )
    return node.setdefault("children", [])


def save_indicator(
    *, scheme: Scheme, actor: User | None, original: str, parent: str, fields: dict[str, Any]
) -> Scheme:
    """Add (original == "") or replace one indicator: its code, name, weight, rule and the rule's
    parameters (`fields`, already cleaned by the form). The subtree under it is kept."""
    definition = copy.deepcopy(scheme.definition) or {"name": scheme.name, "total": 1000, "indicators": []}
    code = str(fields["code"])
    clash = find(definition, code)
    if clash is not None and code != original:
        raise ValidationError(
            f"指标代码「{code}」已被指标「{clash.get('name', '')}」使用", code=errors.SCHEME_INVALID
        )
    node: dict[str, Any] = {k: v for k, v in fields.items() if v not in (None, "", [], {})}
    if original:
        current = find(definition, original)
        if current is None:
            raise ValidationError(f"指标「{original}」不存在", code=errors.SCHEME_INVALID)
        if current.get("children"):
            if node.get("rule"):
                raise ValidationError(
                    f"指标 {original} 有下级指标，不能设计分规则（计分规则设在末级指标上）",
                    code=errors.SCHEME_INVALID,
                )
            node["children"] = current["children"]
        current.clear()
        current.update(node)
        change = f"修改指标 {code}"
    else:
        _siblings(definition, parent).append(node)
        change = f"新增指标 {code}"
    return update_definition(scheme=scheme, actor=actor, definition=definition, change=change)


def remove_indicator(*, scheme: Scheme, actor: User | None, code: str) -> Scheme:
    definition = copy.deepcopy(scheme.definition)

    def drop(nodes: list[Any]) -> bool:
        for i, node in enumerate(nodes):
            if isinstance(node, dict) and str(node.get("code")) == code:
                del nodes[i]
                return True
            if isinstance(node, dict) and drop(node.get("children") or []):
                if not node.get("children"):
                    node.pop("children", None)
                return True
        return False

    if not drop(definition.get("indicators") or []):
        raise ValidationError(f"指标「{code}」不存在", code=errors.SCHEME_INVALID)
    return update_definition(scheme=scheme, actor=actor, definition=definition, change=f"删除指标 {code}")


def save_header(
    *, scheme: Scheme, actor: User | None, total: Any, grades: list[dict[str, Any]], difficulty: Any
) -> Scheme:
    definition = copy.deepcopy(scheme.definition)
    definition["total"] = total
    definition["grades"] = grades
    if difficulty in (None, False, ""):
        definition.pop("difficulty", None)
    else:
        definition["difficulty"] = difficulty
    return update_definition(scheme=scheme, actor=actor, definition=definition, change="修改总分与等次")
