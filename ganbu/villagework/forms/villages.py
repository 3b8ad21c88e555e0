"""Forms of the village pages: the household register and its import, assignments, the cadre's
login, the rotation list."""

from __future__ import annotations

from typing import Any

from django import forms

from ganbu.org.models import Role, Unit, User
from ganbu.org.selectors import users_with_role
from ganbu.villagework import imports
from ganbu.villagework.forms.base import DATE_INPUT, BootstrapForm, VillageChoiceField, set_choices
from ganbu.villagework.models import AssignmentRole, HouseholdCategory
from ganbu.villagework.selectors.scope import townships_for, villages_for
from ganbu.villagework.services.households import MAX_MEMBERS

# --------------------------------------------------------------------------------------------------
# Households
# --------------------------------------------------------------------------------------------------


class HouseholdForm(forms.Form):
    """Parses the fields; the rules (and their messages) are services.households.clean_household."""

    head_name = forms.CharField(label="户主", error_messages={"required": "户主不能为空"})
    group_name = forms.CharField(label="村民小组", required=False)
    members = forms.CharField(
        label="人口",
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_MEMBERS}),
        error_messages={"required": f"人口不能为空，应为1到{MAX_MEMBERS}之间的整数"},
    )
    phone = forms.CharField(
        label="联系电话", required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    category = forms.ChoiceField(
        label="类别", choices=HouseholdCategory.choices, initial=HouseholdCategory.GENERAL
    )
    address = forms.CharField(label="住址", required=False)
    note = forms.CharField(label="备注", required=False)


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label="户主/拼音首字母/小组", required=False)
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部类别"), *HouseholdCategory.choices]
    )
    group = forms.CharField(label="村民小组", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "在册"), ("inactive", "已注销"), ("all", "全部")]
    )

    def filters(self) -> dict[str, str]:
        """The keyword arguments of selectors.villages.village_households."""
        data = self.cleaned_data if self.is_valid() else {}
        return {k: data.get(k, "") for k in ("q", "category", "group", "status")}


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）", error_messages={"required": "请选择要导入的文件"})
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）")
        if f.size > imports.MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"文件超过 {imports.MAX_FILE_BYTES // (1024 * 1024)}MB，请检查是否选错文件或拆分后导入"
            )
        return f


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", required=False, max_length=200)


# --------------------------------------------------------------------------------------------------
# Assignments and rotation
# --------------------------------------------------------------------------------------------------


class AssignmentFieldsForm(BootstrapForm):
    role = forms.ChoiceField(
        label="驻村身份", choices=AssignmentRole.choices, initial=AssignmentRole.STATIONED
    )
    started_on = forms.DateField(
        label="驻村开始",
        widget=DATE_INPUT,
        error_messages={"required": "请填写驻村开始日期", "invalid": "驻村开始日期不正确"},
    )
    ended_on = forms.DateField(
        label="驻村结束（不填表示至今）",
        widget=DATE_INPUT,
        required=False,
        error_messages={"invalid": "驻村结束日期不正确"},
    )
    document_number = forms.CharField(label="派驻文号", required=False, max_length=100)
    duties = forms.CharField(
        label="本村具体任务（六大员之外）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label="备注", required=False, max_length=200)


class AssignmentCreateForm(AssignmentFieldsForm):
    cadre = forms.IntegerField(widget=forms.HiddenInput)
    q = forms.CharField(widget=forms.HiddenInput, required=False)
    village = VillageChoiceField(
        label="村（社区）", queryset=Unit.objects.none(), error_messages={"required": "请选择村（社区）"}
    )
    field_order = ["village", "role", "started_on", "ended_on", "document_number", "duties", "note"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["village"], villages_for(user).select_related("parent").order_by("path"))


class EndForm(BootstrapForm):
    ended_on = forms.DateField(
        label="驻村结束日期（最后一天）",
        widget=DATE_INPUT,
        error_messages={"required": "请填写驻村结束日期", "invalid": "驻村结束日期不正确"},
    )


class AccountForm(BootstrapForm):
    user = forms.ModelChoiceField(
        label="选择已有的驻村干部账号", queryset=User.objects.none(), required=False
    )
    new_username = forms.CharField(label="或新建账号（用户名）", required=False, max_length=150)

    def __init__(self, *args: Any, choices: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        accounts = users_with_role(Role.VILLAGE_CADRE).filter(pk__in=[u.pk for u in choices])
        set_choices(field, accounts.order_by("username"))
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            f"{u.username}（{u.display_name or '未填姓名'}，{u.scope_unit.name if u.scope_unit else ''}）"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("new_username") or "").strip():
            raise forms.ValidationError("请选择已有账号，或填写新账号的用户名")
        return data


class AssignmentFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label="乡镇", queryset=Unit.objects.none(), required=False, empty_label="全部乡镇"
    )
    village = forms.ModelChoiceField(
        label="村（社区）", queryset=Unit.objects.none(), required=False, empty_label="全部村"
    )
    role = forms.ChoiceField(
        label="驻村身份", required=False, choices=[("", "全部身份"), *AssignmentRole.choices]
    )
    state = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "在驻"), ("ended", "已结束"), ("upcoming", "未开始"), ("all", "全部")],
    )
    q = forms.CharField(label="干部姓名", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["township"], townships_for(user).order_by("path"))
        set_choices(self.fields["village"], villages_for(user).order_by("path"))

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of selectors.villages.assignment_list."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "township": data.get("township"),
            "village": data.get("village"),
            "role": data.get("role", ""),
            "state": data.get("state", ""),
            "q": data.get("q", ""),
        }


class RotationForm(BootstrapForm):
    on = forms.DateField(label="截至日期", required=False, widget=DATE_INPUT)
