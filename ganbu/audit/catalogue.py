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

`describe(event)` turns one event into what the 记实 page and a cadre's 修改记录 show; callers pass
the payload as the reader may see it (masked) and the actor's name and role.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Mapping
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
]

# Payload keys used across apps that are no model field, with the words the page shows.
COMMON_KEYS = {
    "reason": "原因",
    "note": "说明",
    "filename": "文件名",
    "rows": "行数",
    "format": "格式",
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
    "record_id": "记录编号",
    "created": "新增",
    "updated": "更新",
    "received": "收回票数",
    "present": "实到人数",
    "group": "参评群体",
    "groups": "参评群体",
    "subjects": "测评对象",
    "title": "名称",
    "result": "结果",
    "score": "得分",
    "role": "角色",
    "username": "登录名",
    "day": "日期",
    "is_workday": "上班",
    "level": "层次",
    "scope": "范围",
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
    "sha256": "文件校验值",
    "tally_sha256": "计票结果校验值",
    "unused_codes_voided": "作废的未用票码",
    "test_ballots": "测试选票",
    "test_codes_wiped": "清除的测试票码",
    "job": "后台任务",
    "matched_by_name": "按姓名匹配",
    "incomplete": "待补充",
    "unchanged": "无变化",
    "cadre_ids": "干部",
    "columns_not_imported": "未导入的列",
    "report": "报表",
}
LONG_VALUE = 300  # characters of one value on the page; the export carries the whole text
DASH = "—"


@dataclass(frozen=True)
class Catalogue:
    app_label: str
    module: str  # the app's Chinese name (its AppConfig.verbose_name)
    events: Mapping[str, str]
    models: Mapping[str, str]
    code_fields: Mapping[str, Mapping[str, str]]


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
    """(action, label) of one app's catalogue (all apps when None), actions with placeholders
    left out (they are families, not one action)."""
    return [
        (action, label)
        for c in catalogues()
        if app_label in (None, c.app_label)
        for action, label in c.events.items()
        if "{" not in action
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
        return "；".join(f"{COMMON_KEYS.get(str(k), str(k))}：{_text(v)}" for k, v in value.items()) or DASH
    if isinstance(value, float | int):
        return str(value)
    return str(value)


def _value(
    model: type[models.Model] | None, name: str, value: Any, codes: Mapping[str, Mapping[str, str]]
) -> str:
    table = _code_table(model, name)
    if table and isinstance(value, str) and value in codes.get(table, {}):
        return codes[table][value]
    model_field = _field(model, name)
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if choices and isinstance(value, str | int) and value in choices:
        return str(choices[value])
    return _text(value)


def _short(text: str) -> str:
    return text if len(text) <= LONG_VALUE else text[: LONG_VALUE - 1] + "…"


def describe(
    event: Any,
    *,
    payload: Any = None,
    actor: str | None = None,
    codes: Mapping[str, Mapping[str, str]] | None = None,
    full: bool = False,
) -> EventView:
    """`event` (an AuditEvent) as the page shows it. `payload`: the payload as the reader may see
    it (defaults to the event's own, unmasked: callers mask); `actor`: the actor's name and role
    (defaults to the stored login); `full`: values not shortened (exports)."""
    payload = event.payload if payload is None else payload
    codes = codes or {}
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
                        cut(_value(model, name, before.get(name), codes)) if name in before else DASH,
                        cut(_value(model, name, after.get(name), codes)) if name in after else DASH,
                    )
                )
        elif before is not None or after is not None:  # a before/after that is no record
            changes.append(Change("内容", cut(_text(before)), cut(_text(after))))
        if "from" in rest and "to" in rest:
            old, new = rest.pop("from"), rest.pop("to")
            changes.append(
                Change(
                    "状态", cut(_value(model, "status", old, codes)), cut(_value(model, "status", new, codes))
                )
            )
        fields = rest.pop("fields", None)
        if isinstance(fields, dict):
            details += [
                (_label(model, name), cut(_value(model, name, value, codes)))
                for name, value in fields.items()
                if value not in (None, "")
            ]
        elif fields is not None:
            details.append(("内容", cut(_text(fields))))
        for name, value in rest.items():
            if isinstance(value, dict | list) and len(json.dumps(value, ensure_ascii=False)) > 4 * LONG_VALUE:
                text = f"（{len(value)} 项，见导出）" if not full else _text(value)
            else:
                text = _value(model, name, value, codes)
            details.append((_label(model, name), cut(text)))
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
