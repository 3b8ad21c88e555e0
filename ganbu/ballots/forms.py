"""Forms of the organiser's pages. Lists (subjects, options, groups) are typed one per line, so a
session is set up in one screen; services validate and name what is wrong."""

from __future__ import annotations

import re
from typing import Any

from django import forms
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
from ganbu.org.models import Role, Unit, User
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import users_with_role

SEPARATORS = re.compile(r"[,，、\s\t]+")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class SessionForm(forms.Form):
    title = forms.CharField(label="名称", max_length=200)
    unit = forms.ModelChoiceField(label="组织单位", queryset=Unit.objects.none(), empty_label=None)
    kind = forms.ChoiceField(label="类型", choices=SessionKind.choices)
    rule = forms.ChoiceField(label="表决规则（仅表决）", choices=ApprovalRule.choices, required=False)
    mode = forms.ChoiceField(label="投票方式", choices=SessionMode.choices, initial=SessionMode.ELECTRONIC)
    subjects = forms.CharField(
        label="测评/表决对象或候选人（每行一人：姓名，或身份证号；可加「|说明」）",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    options = forms.CharField(
        label="选项（每行一个；留空用默认：测评 优秀/称职/基本称职/不称职，表决 同意/不同意/缓议）",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    groups = forms.CharField(
        label="评议人类别（每行：名称 权重 应到人数，如「村民代表 4 30」）",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    max_choices = forms.IntegerField(label="最多可选人数（推荐）", min_value=1, initial=1)
    min_choices = forms.IntegerField(label="最少须选人数（推荐）", min_value=0, initial=0)
    allow_write_in = forms.BooleanField(label="允许另选他人（推荐）", required=False)
    denominator = forms.ChoiceField(label="征求意见计算基数", choices=Denominator.choices)
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

    def clean_groups(self) -> list[GroupSpec]:
        specs = []
        for number, line in enumerate(_lines(self.cleaned_data["groups"]), start=1):
            parts = SEPARATORS.split(line)
            if len(parts) == 2:
                parts = [parts[0], "1", parts[1]]
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].isdigit():
                raise forms.ValidationError(f"第 {number} 行应为「名称 权重 应到人数」，如「村民代表 4 30」")
            specs.append(GroupSpec(name=parts[0], weight=int(parts[1]), expected=int(parts[2])))
        return specs

    def clean_subjects(self) -> list[dict[str, str]]:
        result = []
        for line in _lines(self.cleaned_data["subjects"]):
            name, _, note = line.partition("|")
            name = name.strip()
            key = "id_number" if re.fullmatch(r"\d{17}[\dXx]", name) else "name"
            result.append({key: name, "note": note.strip()})
        return result

    def clean_options(self) -> list[str]:
        return _lines(self.cleaned_data["options"])

    def session_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "unit": data["unit"],
            "title": data["title"],
            "kind": kind,
            "rule": data["rule"] if kind == SessionKind.APPROVAL else "",
            "mode": data["mode"],
            "subjects": data["subjects"],
            "options": data["options"] or None,
            "groups": data["groups"],
            "max_choices": data["max_choices"],
            "min_choices": data["min_choices"],
            "allow_write_in": data["allow_write_in"],
            "denominator": data["denominator"],
            "description": data["description"],
        }


class CodesForm(forms.Form):
    group = forms.ChoiceField(label="评议人类别")
    count = forms.IntegerField(label="数量", min_value=1, max_value=5000)
    format = forms.ChoiceField(
        label="格式", choices=[("pdf", "A4 二维码票签（PDF）"), ("csv", "票码清单（CSV）")]
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
