"""The forms of the home pages: the 记实's filters and the accounts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from ganbu.audit import catalogue
from ganbu.org.models import Role, Unit

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 2026-01-31"}


def _action_choices() -> list[Any]:
    """Actions grouped by module, in the order of the apps (the page's script shows only the
    chosen module's group; `clean` refuses an action of another module)."""
    groups: list[Any] = [("", "全部操作")]
    for app_label, module in catalogue.modules():
        options = [(action, label) for action, label in catalogue.actions(app_label)]
        if options:
            groups.append((module, options))
    return groups


class EventFilterForm(forms.Form):
    module = forms.ChoiceField(label="模块", required=False)
    action = forms.ChoiceField(label="操作", required=False)
    person = forms.CharField(label="操作人", required=False, max_length=50)
    object = forms.CharField(label="对象", required=False, max_length=100)
    start = forms.DateField(label="起始日期", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日期", required=False, widget=DATE_INPUT, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        module_field = self.fields["module"]
        action_field = self.fields["action"]
        assert isinstance(module_field, forms.ChoiceField) and isinstance(action_field, forms.ChoiceField)
        module_field.choices = [("", "全部模块"), *catalogue.modules()]
        action_field.choices = _action_choices()
        module_field.widget.attrs["data-narrows"] = self.add_prefix("action")
        module_field.error_messages["invalid_choice"] = "没有这个模块"
        action_field.error_messages["invalid_choice"] = "没有这个操作"
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["person"].widget.attrs["placeholder"] = "姓名或登录名"
        self.fields["object"].widget.attrs["placeholder"] = "如 干部姓名、单位名称"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: date | None = data.get("start")
        end: date | None = data.get("end")
        if start and end and start > end:
            self.add_error("end", "不能早于起始日期")
        module, action = data.get("module"), data.get("action")
        if module and action and action not in dict(catalogue.actions(module)):
            self.add_error("action", f"所选操作不属于「{dict(catalogue.modules())[module]}」模块")
        return data


# --- accounts -------------------------------------------------------------------------------------


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return "　" * max(obj.depth - 1, 0) + obj.name


class AccountForm(forms.Form):
    """Create (with `username`) or edit an account; a 驻村干部's account may be linked to their
    cadre record by its 身份证号."""

    username = forms.CharField(
        label="登录名", max_length=30, help_text="英文字母、数字或 . _ -，创建后不能修改"
    )
    display_name = forms.CharField(label="使用人姓名", max_length=50)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    scope_unit = UnitChoiceField(label="数据范围", queryset=Unit.objects.none(), empty_label="请选择单位")
    cadre_id_number = forms.CharField(
        label="关联干部（身份证号）",
        required=False,
        max_length=18,
        help_text="驻村干部的账号关联其干部档案后，登录即进入「我的驻村」",
    )
    unlink = forms.BooleanField(label="解除与干部档案的关联", required=False)

    def __init__(self, *args: Any, units: Any, creating: bool, linked: bool = False, **kwargs: Any) -> None:
        """`linked`: the account is linked to a cadre record (only then is 解除关联 offered)."""
        super().__init__(*args, **kwargs)
        scope = self.fields["scope_unit"]
        assert isinstance(scope, forms.ModelChoiceField)
        scope.queryset = units
        if not creating:
            del self.fields["username"]
        if creating or not linked:
            del self.fields["unlink"]
        for field in self.fields.values():
            if isinstance(field, forms.BooleanField):
                field.widget.attrs.setdefault("class", "form-check-input")
            else:
                css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
                field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cadre_id_number") and data.get("role") != Role.VILLAGE_CADRE:
            self.add_error("cadre_id_number", "只有驻村干部的账号关联干部档案")
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(label="姓名或登录名", required=False, max_length=50)
    role = forms.ChoiceField(label="角色", required=False, choices=[("", "全部角色"), *Role.choices])
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), ("active", "在用"), ("disabled", "已停用")]
    )
