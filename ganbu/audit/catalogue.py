"""The audit actions of every app with their Chinese labels, and how an event reads on a page.

Each app declares its actions in `<app>/events.py` (`EVENTS = {action: 中文名称}`; an action may
hold a `{placeholder}` for a family of actions, e.g. `villagework.{kind}.export`). The catalogue
finds those modules through the app registry, as Django finds admin modules, so the audit app
(below every other app but `core` and `org`'s users) imports none of them. An events module may
also say what the names in its payloads mean:

- `MODELS = {action prefix: "app_label.ModelName"}`: the model whose fields the payloads of those
  actions name (`before`, `after`, `fields`), so a change reads 「出生日期：1975-08-01 → 1975-08-15」;
- `CODE_FIELDS = {"app_label.ModelName": {field: code table key}}`: fields holding codes, shown
  by their names when the caller passes the code tables (`describe(..., codes=...)`, read by the
  caller from `org.selectors.all_code_names()`).

- `FILTER_FORMS = {action: "dotted.path.FilterForm"}`: the filter form of an export, whose field
  labels and fixed choices turn its stored query (`filters`) into words;
- `BEFORE_AFTER = {action: (label, kind)}`: payloads whose before/after are ids of a `kind`;
- `SYSTEM_EVENTS`: actions the system's maintenance writes, not offered in the 操作 filter.

`describe(event)` turns one event into what the 记实 page and a cadre's 修改记录 show; callers pass
the payload as the reader may see it (masked), the actor's name and role, and `names`, which names
the units, accounts and cadres a payload holds by id or code (`referenced` says which): a reader
never sees a bare id, a developer key or a raw code.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

__all__ = [
    "Change",
    "EventView",
    "action_label",
    "actions",
    "describe",
    "module_of",
    "modules",
    "referenced",
]

# Payload keys used across apps that are no model field, with the words the page shows.
COMMON_KEYS = {
    "reason": "原因",
    "note": "说明",
    "filename": "文件名",
    "rows": "行数",
    "format": "文件格式",
    "filters": "筛选条件",
    "count": "数量",
    "n": "数量",
    "name": "名称",
    "year": "年度",
    "kind": "类别",
    "unit": "单位",
    "units": "单位",
    "status": "状态",
    "from": "原状态",
    "to": "新状态",
    "created": "新增",
    "updated": "更新",
    "received": "收回票数",
    "present": "实到人数",
    "group": "评议人类别",
    "groups": "评议人类别",
    "subjects": "测评对象",
    "title": "名称",
    "result": "结果",
    "score": "得分",
    "role": "角色",
    "username": "登录名",
    "day": "日期",
    "is_workday": "上班",
    "level": "层次",
    "scope": "数据范围",
    "mode": "方式",
    "today": "日期",
    "seed": "示范数据种子",
    "test": "模拟测试",
    "q": "查询",
    "members_claimed": "已领取票码的成员",
    "registry_subjects": "在册测评对象",
    "small_groups": "人数较少的类别",
    "weight": "权重",
    "expected": "应到",
    "issued": "发出",
    "returned": "收回",
    "invalid": "废票",
    "logs": "工作记录",
    "assignments": "驻村安排",
    "visits": "走访户次",
    "requests": "群众诉求",
    "households": "农户",
    "cadres": "干部",
    "unused_codes_voided": "作废的未用票码",
    "test_ballots": "测试选票",
    "test_codes_wiped": "清除的测试票码",
    "job": "后台任务",
    "matched_by_name": "按姓名匹配",
    "incomplete": "待补充",
    "unchanged": "无变化",
    "cadre_ids": "干部",
    "bytes": "文件大小",
    "columns_not_imported": "未导入的列",
    "report": "报表",
}
LONG_VALUE = 300  # characters of one value on the page; the export carries the whole text
DASH = "—"
HASH_SHOWN = 12  # hex digits of a file's SHA-256 on the page (the export carries all 64)
# file digests: the words before 「（SHA-256）」
DIGESTS = {"sha256": "文件校验码", "uploaded_sha256": "上传文件的校验码", "tally_sha256": "计票结果校验码"}
FILE_FORMATS = {
    "xlsx": "Excel 表格",
    "docx": "Word 文档",
    "pdf": "PDF 文件",
    "csv": "票码清单（可用 Excel 打开）",
    "zip": "压缩包",
    "appointment_form_zip": "任免审批表压缩包",
}
# ids whose count is what a reader needs (the names are in the event's other details)
ID_LISTS = {"registry_subjects": "人", "cadre_ids": "人", "household_ids": "户"}
# the models a payload's ids point to, by the kind `names` looks up
MODEL_KINDS = {"org.Unit": "unit", "org.User": "user", "cadres.Cadre": "cadre"}
# an export's query: parameters that are no filter, and the words of the sortable columns
HIDDEN_FILTERS = frozenset({"page", "size"})
SORT_LABELS = {
    "name": "姓名",
    "age": "年龄",
    "level": "职务层次",
    "rank": "职级",
    "since": "任现职时间",
    "education": "学历",
    "seq": "序号",
    "actor": "操作人",
    "action": "操作",
    "date": "日期",
    "username": "登录名",
    "role": "角色",
    "scope": "数据范围",
    "last_login": "最近登录",
}
# filter fields whose choices the form fills at run time from a code table
FILTER_CODE_TABLES = {"education": "education", "political": "political_status", "ethnicity": "ethnicity"}

# (kind, key) → the name of a unit ("unit": pk, "unit_code": code), an account ("user": pk) or a
# cadre ("cadre": pk); None when unknown
Names = Callable[[str, str], str | None]


@dataclass(frozen=True)
class Catalogue:
    app_label: str
    module: str  # the app's Chinese name (its AppConfig.verbose_name)
    events: Mapping[str, str]
    models: Mapping[str, str]
    code_fields: Mapping[str, Mapping[str, str]]
    filter_forms: Mapping[str, str] = field(default_factory=dict)
    before_after: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    system: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EventView:
    """One event as a reader sees it."""

    seq: int
    created_at: datetime
    actor: str
    module: str
    action: str
    label: str
    object_label: str
    changes: list[Change] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)
    hash: str = ""

    @property
    def summary(self) -> str:
        """The changes and details as one line of text (the Excel export)."""
        parts = [f"{c.label}：{c.before} → {c.after}" for c in self.changes]
        parts += [f"{label}：{value}" for label, value in self.details]
        return "；".join(parts)


@cache
def catalogues() -> tuple[Catalogue, ...]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("ganbu."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.events")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.events":
                raise
            continue
        events = getattr(module, "EVENTS", None)
        if not isinstance(events, Mapping):
            continue
        found.append(
            Catalogue(
                app_label=config.label,
                module=str(config.verbose_name),
                events=events,
                models=getattr(module, "MODELS", {}),
                code_fields=getattr(module, "CODE_FIELDS", {}),
                filter_forms=getattr(module, "FILTER_FORMS", {}),
                before_after=getattr(module, "BEFORE_AFTER", {}),
                system=frozenset(getattr(module, "SYSTEM_EVENTS", ())),
            )
        )
    return tuple(found)


def _pattern(action: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", r"[a-z_]+", re.escape(action)) + "$")


@cache
def _index() -> tuple[dict[str, tuple[Catalogue, str]], list[tuple[re.Pattern[str], Catalogue, str]]]:
    exact: dict[str, tuple[Catalogue, str]] = {}
    patterns: list[tuple[re.Pattern[str], Catalogue, str]] = []
    for catalogue in catalogues():
        for action, label in catalogue.events.items():
            if "{" in action:
                patterns.append((_pattern(action), catalogue, label))
            else:
                exact[action] = (catalogue, label)
    return exact, patterns


def _lookup(action: str) -> tuple[Catalogue, str] | None:
    exact, patterns = _index()
    if action in exact:
        return exact[action]
    for pattern, catalogue, label in patterns:
        if pattern.match(action):
            return catalogue, label
    return None


def action_label(action: str) -> str:
    """The Chinese name of an action; an action no catalogue declares shows as itself (the
    architecture test keeps that from happening for actions the code writes)."""
    found = _lookup(action)
    return found[1] if found else action


def module_of(action: str) -> str:
    found = _lookup(action)
    return found[0].module if found else ""


def modules() -> list[tuple[str, str]]:
    """(app label, Chinese name) of every app that writes events, in the order of the apps."""
    return [(c.app_label, c.module) for c in catalogues()]


def actions(app_label: str | None = None) -> list[tuple[str, str]]:
    """(action, label) of one app's catalogue (all apps when None) that a reader may pick in the
    记实's 操作 filter: actions with placeholders (families, not one action) and the system's
    maintenance actions (SYSTEM_EVENTS) left out."""
    return [
        (action, label)
        for c in catalogues()
        if app_label in (None, c.app_label)
        for action, label in c.events.items()
        if "{" not in action and action not in c.system
    ]


def actions_of_module(app_label: str) -> tuple[list[str], list[str]]:
    """The exact actions and the prefixes of the action families of one app (for filtering)."""
    exact, families = [], []
    for c in catalogues():
        if c.app_label != app_label:
            continue
        for action in c.events:
            if "{" in action:
                families.append(action.split("{", 1)[0])
            else:
                exact.append(action)
    return exact, families


def _model_for(action: str, object_type: str) -> type[models.Model] | None:
    found = _lookup(action)
    if found:
        catalogue = found[0]
        best = max((p for p in catalogue.models if action.startswith(p)), key=len, default=None)
        if best is not None:
            return apps.get_model(catalogue.models[best])
    if object_type and "." in object_type:
        try:
            return apps.get_model(object_type)
        except (LookupError, ValueError):
            return None
    return None


def _code_table(model: type[models.Model] | None, name: str) -> str | None:
    if model is None:
        return None
    key = f"{model._meta.app_label}.{model.__name__}"
    for catalogue in catalogues():
        table = catalogue.code_fields.get(key, {}).get(name)
        if table:
            return table
    return None


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _label(model: type[models.Model] | None, name: str) -> str:
    model_field = _field(model, name)
    if model_field is not None and getattr(model_field, "verbose_name", None):
        return str(model_field.verbose_name)
    return COMMON_KEYS.get(name, name)


def _text(value: Any) -> str:
    if value is None or value == "":
        return DASH
    if value is True:
        return "是"
    if value is False:
        return "否"
    if isinstance(value, list | tuple):
        return "、".join(_text(v) for v in value) or DASH
    if isinstance(value, dict):
        rest = {k: v for k, v in value.items() if k != "name"}
        text = "，".join(f"{COMMON_KEYS.get(str(k), str(k))}：{_text(v)}" for k, v in rest.items())
        if "name" in value:  # one of a list, e.g. 评议人类别「领导班子成员（权重：1，应到：7）」
            return f"{_text(value['name'])}（{text}）" if text else _text(value["name"])
        return text or DASH
    return str(value)


def _no_names(kind: str, key: str) -> str | None:
    return None


def _named(kind: str | None, value: Any, names: Names) -> str | None:
    """The name of the unit, account or cadre `value` (an id or a code) stands for."""
    if kind is None or value in (None, "") or isinstance(value, bool):
        return None
    return names(kind, str(value))


def _kind_of(model_field: Any) -> str | None:
    related = getattr(model_field, "related_model", None)
    return MODEL_KINDS.get(related._meta.label) if related is not None else None


def _value(
    model: type[models.Model] | None,
    name: str,
    value: Any,
    codes: Mapping[str, Mapping[str, str]],
    names: Names = _no_names,
) -> str:
    table = _code_table(model, name)
    if table and isinstance(value, str) and value in codes.get(table, {}):
        return codes[table][value]
    model_field = _field(model, name)
    if model_field is not None and getattr(model_field, "is_relation", False):
        named = _named(_kind_of(model_field), value, names)
        if named is not None:
            return named
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if choices and isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return _text(value)


def _short(text: str) -> str:
    return text if len(text) <= LONG_VALUE else text[: LONG_VALUE - 1] + "…"


def file_size(size: int) -> str:
    """「812 字节」, 「12.3 KB」, 「4.5 MB」."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


@cache
def _filter_form(action: str) -> Any:
    """The filter form class an events module names for `action` (FILTER_FORMS), or None."""
    found = _lookup(action)
    path = found[0].filter_forms.get(action) if found else None
    if not path:
        return None
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _sort_text(value: str) -> str:
    label = SORT_LABELS.get(value.removeprefix("-"), "所选列")
    return f"{label}（倒序）" if value.startswith("-") else label


def _filter_value(
    key: str, value: str, form_field: Any, codes: Mapping[str, Mapping[str, str]], names: Names
) -> str:
    from django import forms  # a form field describes the value

    if isinstance(form_field, forms.BooleanField):
        return "是" if value not in ("", "0", "false", "off") else "否"
    if isinstance(form_field, forms.ModelChoiceField):
        queryset = form_field.queryset
        kind = MODEL_KINDS.get(queryset.model._meta.label) if queryset is not None else None
        return _named(kind, value, names) or "（已不存在）"
    table = getattr(form_field, "table", None) or FILTER_CODE_TABLES.get(key)
    if table and value in codes.get(table, {}):
        return codes[table][value]
    choices = {str(k): v for k, v in (getattr(form_field, "choices", None) or ())}
    if value in choices and isinstance(choices[value], str):
        return str(choices[value]) or value
    if key == "module":
        return dict(modules()).get(value, value)
    if key == "action" and _lookup(value):
        return action_label(value)
    return value


def filters_text(
    action: str, filters: Mapping[str, Any], codes: Mapping[str, Mapping[str, str]], names: Names = _no_names
) -> str:
    """An export's stored query in words: 「单位：青山镇；性别：男；排序：年龄（倒序）」. Labels and
    fixed choices come from the export's filter form (FILTER_FORMS); the page number and size are
    left out; a parameter no form names is not shown (nobody chose it on the page)."""
    fields = getattr(_filter_form(action), "base_fields", {})
    parts = []
    position = {key: i for i, key in enumerate(fields)}  # the form's order (jsonb reorders keys)
    for key in sorted(filters, key=lambda k: (k == "sort", position.get(k, len(position)), k)):
        value = "" if filters[key] is None else str(filters[key]).strip()
        if not value or key in HIDDEN_FILTERS:
            continue
        if key == "sort":
            parts.append(f"排序：{_sort_text(value)}")
            continue
        form_field = fields.get(key)
        label = str(form_field.label) if form_field is not None and form_field.label else COMMON_KEYS.get(key)
        if label is None:
            continue
        parts.append(f"{label}：{_filter_value(key, value, form_field, codes, names)}")
    return "；".join(parts) or "无（全部）"


def _detail(
    action: str,
    model: type[models.Model] | None,
    name: str,
    value: Any,
    codes: Mapping[str, Mapping[str, str]],
    names: Names,
    full: bool,
) -> tuple[str, str] | None:
    """One payload entry in words, or None when it says nothing to a reader (an id)."""
    if name == "filters" and isinstance(value, dict):
        return "筛选条件", filters_text(action, value, codes, names)
    if name in DIGESTS and isinstance(value, str):
        if full:
            return f"{DIGESTS[name]}（SHA-256）", value
        return f"{DIGESTS[name]}（SHA-256）前 {HASH_SHOWN} 位", value[:HASH_SHOWN] + "…"
    if name == "bytes" and isinstance(value, int):
        return "文件大小", file_size(value)
    if name == "format" and isinstance(value, str):
        return "文件格式", FILE_FORMATS.get(value, value)
    if name == "scope" and isinstance(value, str):  # an account's scope, by unit code
        return "数据范围", _named("unit_code", value, names) or value
    if name in ID_LISTS or name.endswith("_ids"):
        count = len(value) if isinstance(value, list | tuple) else 0
        return _label(model, name.removesuffix("_ids")), f"{count} {ID_LISTS.get(name, '项')}"
    if name.endswith("_id") or name == "id":
        named = _named(_kind_of(_field(model, name)), value, names)
        return (_label(model, name), named) if named else None
    if isinstance(value, dict | list) and len(json.dumps(value, ensure_ascii=False)) > 4 * LONG_VALUE:
        return _label(model, name), (f"（{len(value)} 项，见导出）" if not full else _text(value))
    return _label(model, name), _value(model, name, value, codes, names)


def describe(
    event: Any,
    *,
    payload: Any = None,
    actor: str | None = None,
    codes: Mapping[str, Mapping[str, str]] | None = None,
    names: Names | None = None,
    full: bool = False,
) -> EventView:
    """`event` (an AuditEvent) as the page shows it. `payload`: the payload as the reader may see
    it (defaults to the event's own, unmasked: callers mask); `actor`: the actor's name and role
    (defaults to the stored login); `names`: the names of the ids and codes the payload holds
    (`referenced`); `full`: values not shortened (exports)."""
    payload = event.payload if payload is None else payload
    codes = codes or {}
    names = names or _no_names
    model = _model_for(event.action, event.object_type)
    cut = (lambda s: s) if full else _short
    changes: list[Change] = []
    details: list[tuple[str, str]] = []
    if isinstance(payload, dict):
        rest = dict(payload)
        before, after = rest.pop("before", None), rest.pop("after", None)
        if isinstance(before, dict) or isinstance(after, dict):
            before = before if isinstance(before, dict) else {}
            after = after if isinstance(after, dict) else {}
            for name in [*after, *(k for k in before if k not in after)]:
                changes.append(
                    Change(
                        _label(model, name),
                        cut(_value(model, name, before.get(name), codes, names)) if name in before else DASH,
                        cut(_value(model, name, after.get(name), codes, names)) if name in after else DASH,
                    )
                )
        elif before is not None or after is not None:  # a before/after that is no record
            found = _lookup(event.action)
            label, kind = found[0].before_after.get(event.action, ("内容", "")) if found else ("内容", "")
            changes.append(
                Change(
                    label,
                    cut(_named(kind or None, before, names) or _text(before)),
                    cut(_named(kind or None, after, names) or _text(after)),
                )
            )
        if "from" in rest and "to" in rest:
            old, new = rest.pop("from"), rest.pop("to")
            changes.append(
                Change(
                    "状态",
                    cut(_value(model, "status", old, codes, names)),
                    cut(_value(model, "status", new, codes, names)),
                )
            )
        fields = rest.pop("fields", None)
        if isinstance(fields, dict):
            rest = {**fields, **rest}
        elif fields is not None:
            details.append(("内容", cut(_text(fields))))
        for name, value in rest.items():
            if value in (None, "") and isinstance(fields, dict) and name in fields:
                continue
            shown = _detail(event.action, model, name, value, codes, names, full)
            if shown is not None:
                details.append((shown[0], cut(shown[1])))
    elif payload not in (None, ""):
        details.append(("内容", cut(_text(payload))))
    return EventView(
        seq=event.seq,
        created_at=event.created_at,
        actor=actor if actor is not None else (event.actor_label or "系统"),
        module=module_of(event.action),
        action=event.action,
        label=action_label(event.action),
        object_label=event.object_label,
        changes=changes,
        details=details,
        hash=event.hash,
    )


def referenced(event: Any, *, payload: Any = None) -> set[tuple[str, str]]:
    """The (kind, key) pairs `describe` would ask `names` for: the caller looks them up for a page
    of events at once (one query per kind) and passes them back."""
    asked: set[tuple[str, str]] = set()

    def record(kind: str, key: str) -> None:
        asked.add((kind, key))

    describe(event, payload=payload, names=record, full=True)
    return asked
