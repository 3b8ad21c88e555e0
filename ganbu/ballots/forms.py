"""Forms of the organiser's pages. A session is set up in one screen: subjects and rater groups as
rows, options one per line; services validate and name what is wrong (with the row)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from ganbu.ballots import rules
from ganbu.ballots.models import (
    ApprovalRule,
    BallotSession,
    BallotSettings,
    Denominator,
    SessionKind,
    SessionMode,
)
from ganbu.ballots.services import GroupSpec
from ganbu.core.forms import add_errors
from ganbu.org.models import Role, Unit, User
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import users_with_role

SEPARATORS = re.compile(r"[,，、\s\t]+")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


# The kinds the create form offers (测评 / 推荐 / 征求意见 / 票决): (label, session kind, approval rule).
FORM_KINDS: dict[str, tuple[str, str, str]] = {
    "rating": ("民主测评", SessionKind.RATING, ""),
    "recommendation": ("民主推荐", SessionKind.RECOMMENDATION, ""),
    "consultation": ("全委会征求意见", SessionKind.APPROVAL, ApprovalRule.CONSULTATION),
    "decision": ("常委会票决", SessionKind.APPROVAL, ApprovalRule.DECISION),
}
# The fields that belong to some kinds only; the others are ignored (and hidden by ballots/session_form.js).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "options": ("rating", "consultation", "decision"),
    "max_choices": ("recommendation",),
    "min_choices": ("recommendation",),
    "allow_write_in": ("recommendation",),
    "denominator": ("consultation",),
}
DEFAULT_OPTIONS = {
    "rating": rules.RATING_OPTIONS,
    "consultation": rules.APPROVAL_OPTIONS,
    "decision": rules.APPROVAL_OPTIONS,
}
ROW_KEY = re.compile(r"^(subject|group)-(\d{1,4})-(name|cadre|note|nominee|expected|weight)$")
BLANK_SUBJECT_ROWS = 3
BLANK_GROUP_ROWS = 2


def form_kind(session: BallotSession) -> str:
    if session.kind == SessionKind.APPROVAL:
        return session.rule or "decision"
    return session.kind


def _rows(data: Any, prefix: str) -> list[dict[str, str]]:
    """The rows `<prefix>-<n>-<column>` of the posted data, in the order of n, blank rows left out."""
    found: dict[int, dict[str, str]] = {}
    for key in data:
        match = ROW_KEY.match(key)
        if match and match.group(1) == prefix:
            found.setdefault(int(match.group(2)), {})[match.group(3)] = str(data.get(key, "")).strip()
    rows = [found[n] for n in sorted(found)]
    # a row is blank without these (a group row keeps its default weight 1)
    columns = ("name", "cadre", "note") if prefix == "subject" else ("name", "expected")
    return [r for r in rows if any(r.get(c) for c in columns)]


class SessionForm(forms.Form):
    """Create or edit a session. Subjects and rater groups are rows (`subject-<n>-name|cadre|note|
    nominee`, `group-<n>-name|expected|weight`): the page adds and removes rows with
    ballots/session_form.js and works without it (blank rows are ignored, 「增加空行」 posts back).
    A subject row is a pick from the registry (`cadre`, set by the search or chosen among the
    namesakes the service named), a name (resolved in the registry by the service), or a nominee
    marked 「非在册人员」. Fields of other kinds are ignored."""

    title = forms.CharField(label="名称", max_length=200)
    unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="类型", choices=[(k, v[0]) for k, v in FORM_KINDS.items()])
    mode = forms.ChoiceField(label="投票方式", choices=SessionMode.choices, initial=SessionMode.ELECTRONIC)
    options = forms.CharField(
        label="选项（每行一个）", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    max_choices = forms.IntegerField(label="最多可选人数", min_value=1, initial=1, required=False)
    min_choices = forms.IntegerField(label="最少须选人数", min_value=0, initial=0, required=False)
    allow_write_in = forms.BooleanField(label="允许另选他人", required=False)
    denominator = forms.ChoiceField(label="征求意见计算基数", choices=Denominator.choices, required=False)
    description = forms.CharField(
        label="说明（显示在选票上）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units_in_scope(user).filter(
            kind__in=["county", "township", "town", "department", "village", "community"]
        )
        if user.scope_unit is not None:
            self.initial.setdefault("unit", user.scope_unit.pk)
        bound = self.is_bound
        subjects = _rows(self.data, "subject") if bound else self.initial.get("subject_rows", [])
        groups = _rows(self.data, "group") if bound else self.initial.get("group_rows", [])
        self.subject_rows = [self._subject_row(r) for r in subjects]
        self.group_rows = [self._group_row(r) for r in groups]

    # --- rows -------------------------------------------------------------------------------

    @staticmethod
    def _subject_row(raw: dict[str, Any]) -> dict[str, Any]:
        cadre = str(raw.get("cadre") or "")
        return {
            "name": str(raw.get("name") or ""),
            "cadre": cadre if cadre.isdigit() else "",
            "note": str(raw.get("note") or ""),
            "nominee": str(raw.get("nominee") or "") in ("on", "1", "true", "True"),
            "errors": [],
            "candidates": [],
        }

    @staticmethod
    def _group_row(raw: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": str(raw.get("name") or ""),
            "expected": str(raw.get("expected") or ""),
            "weight": str(raw.get("weight") or "1"),
            "errors": [],
        }

    def rows_for_display(self, extra: int = 0) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The rows numbered as the messages number them (blank rows dropped), then blank rows."""
        subjects = [*self.subject_rows]
        subjects += [self._subject_row({}) for _ in range(BLANK_SUBJECT_ROWS + extra)]
        groups = [*self.group_rows] + [
            self._group_row({"weight": "1"}) for _ in range(BLANK_GROUP_ROWS + extra)
        ]
        return subjects, groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        groups: list[GroupSpec] = []
        for number, row in enumerate(self.group_rows, start=1):
            problems = []
            if not row["name"]:
                problems.append("请填写类别名称")
            expected, weight = row["expected"], row["weight"] or "1"
            if not expected.isdigit() or int(expected) < 1:
                problems.append("应到人数应为正整数")
            if not weight.isdigit() or int(weight) < 1:
                problems.append("权重应为正整数")
            if problems:
                message = f"评议人类别第 {number} 行：{'，'.join(problems)}"
                row["errors"].append(message)
                self.add_error(None, message)
            else:
                groups.append(GroupSpec(name=row["name"], expected=int(expected), weight=int(weight)))
        if not self.group_rows:
            self.add_error(None, "请至少填写一类评议人（名称、应到人数、权重）")
        data["groups"] = groups
        subjects: list[dict[str, Any]] = []
        for row in self.subject_rows:
            item: dict[str, Any] = {"name": row["name"], "note": row["note"]}
            if row["cadre"]:
                item["cadre_id"] = int(row["cadre"])
            elif row["nominee"]:
                item["nominee"] = True
            elif re.fullmatch(r"\d{17}[\dXx]", row["name"]):
                item = {"id_number": row["name"], "note": row["note"]}
            subjects.append(item)
        data["subjects"] = subjects
        data["options"] = _lines(data.get("options") or "")
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """A refusal of the service onto the form: every message at the top; a subject's message
        (and the namesakes it names, as a choice) on its row as well."""
        for error in exc.error_list if hasattr(exc, "error_list") else []:
            params = error.params or {}
            row = params.get("row")
            if isinstance(row, int) and 1 <= row <= len(self.subject_rows):
                target = self.subject_rows[row - 1]
                target["errors"].extend(error.messages)
                target["candidates"] = list(params.get("candidates") or [])
        add_errors(self, exc)

    def session_kwargs(self) -> dict[str, Any]:
        """The service's arguments; the fields that do not belong to the kind are left out."""
        data = self.cleaned_data
        form_kind_ = data["kind"]
        _, kind, rule = FORM_KINDS[form_kind_]
        recommendation = form_kind_ == "recommendation"
        return {
            "unit": data["unit"],
            "title": data["title"],
            "kind": kind,
            "rule": rule,
            "mode": data["mode"],
            "subjects": data["subjects"],
            "options": (data["options"] or None) if form_kind_ in KIND_FIELDS["options"] else None,
            "groups": data["groups"],
            "max_choices": (data.get("max_choices") or 1) if recommendation else 1,
            "min_choices": (data.get("min_choices") or 0) if recommendation else 0,
            "allow_write_in": bool(data.get("allow_write_in")) if recommendation else False,
            "denominator": (data.get("denominator") or None) if form_kind_ == "consultation" else None,
            "description": data["description"],
        }

    @staticmethod
    def initial_for_template(key: str) -> dict[str, Any]:
        """The prefill of a meeting template (rules.MEETING_TEMPLATES)."""
        template = rules.MEETING_TEMPLATES.get(key)
        if template is None:
            return {}
        initial: dict[str, Any] = {
            name: template[name]
            for name in ("title", "kind", "mode", "max_choices", "min_choices", "allow_write_in")
            if name in template
        }
        options = template.get("options")
        if isinstance(options, list):
            initial["options"] = "\n".join(str(o) for o in options)
        groups = template.get("groups")
        if isinstance(groups, list):
            initial["group_rows"] = [{"name": n, "expected": str(e), "weight": str(w)} for n, e, w in groups]
        return initial

    @staticmethod
    def initial_for_kind(kind: str) -> dict[str, Any]:
        if kind not in FORM_KINDS:
            return {}
        options = DEFAULT_OPTIONS.get(kind)
        return {"kind": kind, **({"options": "\n".join(options)} if options else {})}

    @staticmethod
    def initial_for_session(
        session: BallotSession, *, subjects: list[Any], groups: list[Any]
    ) -> dict[str, Any]:
        """The edit form of a draft: its fields, and its subjects and groups as rows."""
        return {
            "title": session.title,
            "unit": session.unit_id,
            "kind": form_kind(session),
            "mode": session.mode,
            "options": "\n".join(session.options),
            "max_choices": session.max_choices,
            "min_choices": session.min_choices,
            "allow_write_in": session.allow_write_in,
            "denominator": session.denominator,
            "description": session.description,
            "subject_rows": [
                {
                    "name": s.label,
                    "cadre": str(s.cadre_id or ""),
                    "note": s.note,
                    "nominee": "on" if s.cadre_id is None else "",
                }
                for s in subjects
            ],
            "group_rows": [
                {"name": g.name, "expected": str(g.expected), "weight": str(g.weight)} for g in groups
            ],
        }


class CodesForm(forms.Form):
    group = forms.ChoiceField(label="评议人类别")
    count = forms.IntegerField(label="数量", min_value=1, max_value=5000)
    format = forms.ChoiceField(
        label="格式",
        choices=[("pdf", "二维码票签（A4 纸打印后裁开）"), ("csv", "票码清单（每行一个，可用 Excel 打开）")],
    )
    test = forms.BooleanField(label="模拟测试票码", required=False)

    def __init__(self, *args: Any, session: BallotSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [(str(g.pk), g.name) for g in session.groups.all()]


class PresentForm(forms.Form):
    """实到人数 per group (optional when opening; 票决 checks the two-thirds quorum with it)."""

    def __init__(self, *args: Any, session: BallotSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = list(session.groups.all())
        for g in self.groups:
            self.fields[f"present_{g.pk}"] = forms.IntegerField(
                label=f"{g.name} 实到（应到 {g.expected}）",
                min_value=0,
                max_value=g.expected,
                required=False,
                initial=g.present,
            )

    def present(self) -> dict[str, int]:
        return {
            g.name: self.cleaned_data[f"present_{g.pk}"]
            for g in self.groups
            if self.cleaned_data.get(f"present_{g.pk}") is not None
        }


class MembersForm(forms.Form):
    group = forms.ChoiceField(label="评议人类别")
    users = forms.ModelMultipleChoiceField(
        label="常委/全委会成员账号", queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, session: BallotSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [(str(g.pk), g.name) for g in session.groups.all()]
        users_field = self.fields["users"]
        assert isinstance(users_field, forms.ModelMultipleChoiceField)
        # members whose scope covers the organising unit (a county member votes on county matters)
        parts = [p for p in session.unit.path.split("/") if p]
        ancestors = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
        users_field.queryset = (
            users_with_role(Role.COMMITTEE).filter(scope_unit__path__in=ancestors).order_by("username")
        )


class PaperForm(forms.Form):
    """One group's hand count: 实参加, 收回, 作废 and every subject's votes."""

    group = forms.ChoiceField(label="评议人类别")
    present = forms.IntegerField(label="实参加人数", min_value=0)
    returned = forms.IntegerField(label="收回票数", min_value=0)
    invalid = forms.IntegerField(label="作废票数", min_value=0, initial=0)
    write_ins = forms.CharField(
        label="另选他人（每行：姓名 票数）", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, session: BallotSession, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        group_field = self.fields["group"]
        assert isinstance(group_field, forms.ChoiceField)
        group_field.choices = [(str(g.pk), g.name) for g in session.groups.all()]
        self.vote_fields: list[tuple[str, list[tuple[str, str]]]] = []
        for s in session.subjects.all():
            names = []
            columns = ["得票"] if session.kind == SessionKind.RECOMMENDATION else list(session.options)
            for index, option in enumerate(columns):
                name = f"v_{s.pk}_{index}"
                self.fields[name] = forms.IntegerField(
                    label=f"{s.label} {option}", min_value=0, required=False
                )
                names.append((name, option))
            self.vote_fields.append((s.label, names))
        if not session.allow_write_in:
            del self.fields["write_ins"]

    def votes(self) -> dict[str, Any]:
        data = self.cleaned_data
        result: dict[str, Any] = {}
        for label, names in self.vote_fields:
            if self.session.kind == SessionKind.RECOMMENDATION:
                result[label] = data.get(names[0][0]) or 0
            else:
                result[label] = {option: data.get(name) or 0 for name, option in names}
        return result

    def clean_write_ins(self) -> dict[str, int]:
        parsed: dict[str, int] = {}
        for number, line in enumerate(_lines(self.cleaned_data.get("write_ins", "")), start=1):
            parts = SEPARATORS.split(line)
            if len(parts) != 2 or not parts[1].isdigit():
                raise forms.ValidationError(f"第 {number} 行应为「姓名 票数」")
            name = rules.normalise_name(parts[0])
            parsed[name] = parsed.get(name, 0) + int(parts[1])
        return parsed


class BallotSettingsForm(forms.Form):
    """The 测评投票设置 page: one form field per field of the settings row (labels, choices and
    help texts from the model); the service validates the values again."""

    FIELDS = (
        "min_group_size",
        "live_min",
        "consult_denominator",
        "unfit_warning_percent",
        "second_round_percent",
        "turnout",
        "public_base_url",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.FIELDS:
            model_field = BallotSettings._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            form_field = model_field.formfield()
            assert form_field is not None
            self.fields[name] = form_field

    def cleaned_settings(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
