"""Settings kept as a frozen dataclass of named defaults: the rules of an app whose numbers are
many and typed (assessment.grading.GradingSettings, selection.rules.SelectionSettings). The second
form of the one settings pattern (core/conf.py):

- the dataclass holds the defaults, each with its source, and the app's `with_overrides(values)`
  validates a mapping of changed values by name (Chinese messages) and returns the settings;
- the app's row (`OverridesRow`) stores only what an administrator changed, by name, in the JSON
  form `with_overrides` reads (`as_json`); a value equal to its default is not stored;
- its settings page lists every labelled setting with its default (`form_rows`) and turns the
  posted form back into the mapping (`posted_values`); a blank input restores the default;
- the app's settings service validates, stores and audits (`diff` gives the before and after of
  each changed setting as the page shows it).

Fractions read and print as percentages ("30%") or as a fraction ("2/3"); tuples of words as a
list; dicts per key. Names in the rules' messages ("设置 cap 应为…") are replaced by the label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ganbu.core.conf import SettingsRow

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
SEPARATORS = re.compile(r"[、，,；;\s]+")


class OverridesRow(SettingsRow):
    """The stored overrides of an app's rules dataclass (see the module docstring)."""

    values = models.JSONField("已修改的设置", default=dict, blank=True)

    class Meta:
        abstract = True


@dataclass(frozen=True)
class Label:
    """How a setting reads on the page: its name, a help line (the source), and the words it may
    take (a text setting, a dict's values, a tuple's members); `keys` orders a dict's keys."""

    title: str
    help: str = ""
    choices: tuple[str, ...] = ()
    unit: str = ""


@dataclass
class Input:
    name: str
    label: str
    kind: str  # text | number | checkbox | select | checks
    value: str = ""
    checked: bool = False
    choices: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()


@dataclass
class Row:
    name: str
    title: str
    help: str
    unit: str
    default: str
    current: str
    changed: bool
    inputs: list[Input] = field(default_factory=list)
    invalid: bool = False  # a refusal names this setting


def share_text(value: Fraction) -> str:
    """A share as pages and messages print it: 30 %, 50 % → "30%", "50%"; 2/3 → "2/3"."""
    hundred = value * 100
    if hundred.denominator == 1:
        return f"{hundred.numerator}%"
    return f"{value.numerator}/{value.denominator}"


def parse_share(value: Any, name: str, *, example: str = "0.3、3/10 或 30%") -> Fraction:
    """A share as a settings file or the page gives it: 0.3, 3/10 or 30 %, between 0 and 100 %."""
    problem = f"设置 {name} 应为比例（如 {example}），不是「{value}」"
    if isinstance(value, bool):
        raise ValidationError(problem)
    try:
        text = str(value).strip()
        result = Fraction(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except (ValueError, ZeroDivisionError):
        raise ValidationError(problem) from None
    if not 0 <= result <= 1:
        raise ValidationError(f"设置 {name} 应在 0 到 100% 之间，不是「{value}」")
    return result


def apply_overrides(
    base: T, overrides: Any, change: Callable[[str, Any, Any], Any], *, code: str | None = None
) -> T:
    """`base` with the overrides by name, each value read by `change(name, default, value)` (which
    raises ValidationError); unknown names and bad values refused together, every one listed."""
    if not overrides:
        return base
    if not isinstance(overrides, dict):
        raise ValidationError("settings 应为以设置名为键的对象", code=code)
    known = [f.name for f in fields(base)]
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for name, value in overrides.items():
        if name not in known:
            problems.append(f"没有名为 {name} 的设置（可选：{'、'.join(known)}）")
            continue
        try:
            changes[name] = change(name, getattr(base, name), value)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError([ValidationError(p, code=code) for p in problems])
    return replace(base, **changes)


def as_text(value: Any) -> str:
    """A value as the page prints it."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Fraction):
        return share_text(value)
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value) or "（无）"
    if isinstance(value, dict):
        return "；".join(f"{k}：{as_text(v)}" for k, v in value.items())
    return str(value)


def as_json(value: Any) -> Any:
    """A value in the JSON form `with_overrides` reads."""
    if isinstance(value, Fraction):
        return as_text(value)
    if isinstance(value, tuple | list):
        return [as_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    return value


def stored(settings: Any, defaults: Any, labels: Mapping[str, Label]) -> dict[str, Any]:
    """The labelled values that differ from the defaults, in JSON form (what the row keeps)."""
    return {
        name: as_json(getattr(settings, name))
        for name in labels
        if getattr(settings, name) != getattr(defaults, name)
    }


def diff(before: Any, after: Any, labels: Mapping[str, Label]) -> dict[str, dict[str, str]]:
    """{"before": {title: text}, "after": {title: text}} of the settings that changed."""
    names = [n for n in labels if getattr(before, n) != getattr(after, n)]
    return {
        "before": {labels[n].title: as_text(getattr(before, n)) for n in names},
        "after": {labels[n].title: as_text(getattr(after, n)) for n in names},
    }


def _kind(value: Any, label: Label) -> str:
    if isinstance(value, bool):
        return "checkbox"
    if isinstance(value, tuple) and label.choices:
        return "checks"
    if isinstance(value, str) and label.choices:
        return "select"
    if isinstance(value, int) and not isinstance(value, bool):
        return "number"
    return "text"


def _input_text(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "、".join(str(v) for v in value)
    return as_text(value)


def form_rows(
    current: Any, defaults: Any, labels: Mapping[str, Label], posted: Any = None, problems: Sequence[str] = ()
) -> list[Row]:
    """The rows of the settings page, in the order of `labels`; with `posted` (request.POST), the
    inputs show what was posted (a refused form keeps what the user typed), and a row whose label a
    refusal names is marked invalid."""
    rows: list[Row] = []
    for name, label in labels.items():
        value, default = getattr(current, name), getattr(defaults, name)
        row = Row(
            name=name,
            title=label.title,
            help=label.help,
            unit=label.unit,
            default=as_text(default),
            current=as_text(value),
            changed=value != default,
            invalid=any(f"「{label.title}」" in p or f"「{label.title}（" in p for p in problems),
        )
        if isinstance(value, dict):
            select = bool(label.choices)
            for key, item in value.items():
                field_name = f"{name}.{key}"
                text = posted.get(field_name, "") if posted is not None else _input_text(item)
                row.inputs.append(
                    Input(
                        name=field_name,
                        label=f"{label.title}（{key}）",
                        kind="select" if select else "text",
                        value=text,
                        choices=label.choices,
                    )
                )
        else:
            kind = _kind(value, label)
            item = Input(name=name, label=label.title, kind=kind, choices=label.choices)
            if kind == "checkbox":
                item.checked = (name in posted) if posted is not None else bool(value)
            elif kind == "checks":
                item.selected = tuple(posted.getlist(name)) if posted is not None else tuple(value)
            else:
                item.value = posted.get(name, "") if posted is not None else _input_text(value)
            row.inputs.append(item)
        rows.append(row)
    return rows


def _number_or_text(text: str) -> int | str:
    return int(text) if re.fullmatch(r"\d{1,9}", text) else text


def posted_values(posted: Any, defaults: Any, labels: Mapping[str, Label]) -> dict[str, Any]:
    """The posted form as the mapping `with_overrides` validates. A blank input (or a dict all of
    whose inputs are blank) leaves the setting out, which restores its default."""
    values: dict[str, Any] = {}
    for name, label in labels.items():
        default = getattr(defaults, name)
        if isinstance(default, bool):
            values[name] = name in posted
        elif isinstance(default, dict):
            items = {str(k): str(posted.get(f"{name}.{k}", "")).strip() for k in default}
            if any(items.values()):
                values[name] = {k: v for k, v in items.items() if v} | {
                    k: as_json(default[k]) for k, v in items.items() if not v
                }
        elif isinstance(default, tuple) and label.choices:
            values[name] = [c for c in label.choices if c in posted.getlist(name)]
        elif isinstance(default, tuple):
            text = str(posted.get(name, "")).strip()
            if text:
                values[name] = [w for w in SEPARATORS.split(text) if w]
        else:
            text = str(posted.get(name, "")).strip()
            if text:
                values[name] = _number_or_text(text) if isinstance(default, int) else text
    return values


def humanize(messages: list[str], labels: Mapping[str, Label]) -> list[str]:
    """The rules' messages with each setting's name replaced by its label (「设置 cap 应为…」 →
    「「优秀比例上限」应为…」)."""

    def label_of(found: re.Match[str]) -> str:
        name, key = found.group(1), found.group(2)
        title = labels[name].title if name in labels else name
        return f"「{title}（{key}）」" if key else f"「{title}」"

    pattern = re.compile(r"设置 ([a-z_]+)(?:\.(\S+?))?(?= )\s*")
    return [pattern.sub(label_of, m) for m in messages]


def save_values(
    row_model: type[OverridesRow],
    with_overrides: Callable[[dict[str, Any]], Any],
    labels: Mapping[str, Label],
    values: Mapping[str, Any],
    *,
    code: str,
    limits: Callable[[Any], list[str]] | None = None,
) -> tuple[Any, dict[str, dict[str, str]], OverridesRow]:
    """Validate the page's values (labelled names only; what is left out is its default), store
    those that differ from the defaults on the locked row, and return (the settings now in force,
    the change as `diff` gives it, the row). Call inside a transaction; the app records the audit
    event when the change is not empty. Raises ValidationError with every problem, labelled;
    `limits(settings)` adds what a county may not set on its page (a regulation's floor)."""
    unknown = [name for name in values if name not in labels]
    if unknown:
        raise ValidationError(f"没有这些设置：{'、'.join(unknown)}", code=code)
    try:
        after = with_overrides(dict(values))
    except ValidationError as exc:
        raise ValidationError(
            [ValidationError(m, code=code) for m in humanize(exc.messages, labels)]
        ) from None
    refused = limits(after) if limits else []
    if refused:
        raise ValidationError([ValidationError(m, code=code) for m in refused])
    row = row_model.for_update()
    before = with_overrides(dict(row.values or {}))
    change = diff(before, after, labels)
    if change["after"]:
        row.values = stored(after, with_overrides({}), labels)
        row.save(update_fields=["values", "updated_at"])
    return after, change, row


def settings_view(
    request: HttpRequest,
    *,
    defaults: Any,
    labels: Mapping[str, Label],
    current: Callable[[], Any],
    update: Callable[[dict[str, Any]], Any],
    template: str,
    saved: str,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The settings page of a rules dataclass (the app's view checks the role, then calls this):
    GET shows `form_rows`; POST hands `posted_values` to the app's audited `update` and redirects
    with `saved`, or shows the refusals (400) with what was typed and the refused rows marked."""
    problems: list[str] = []
    if request.method == "POST":
        try:
            update(posted_values(request.POST, defaults, labels))
        except ValidationError as exc:
            problems = exc.messages
        else:
            messages.success(request, saved)
            return redirect(request.path)
    posted = request.POST if problems else None
    page = {"rows": form_rows(current(), defaults, labels, posted, problems), "problems": problems}
    return render(request, template, {**(context or {}), **page}, status=400 if problems else 200)
