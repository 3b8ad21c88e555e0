"""Forms of the work logs (the phone form, its correction, the list's filter) and of villagers'
requests; the parsers of the log form's inline requests and photos."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from ganbu.cadres.selectors import cadres_by_ids
from ganbu.org.models import Unit, User
from ganbu.villagework import errors, rules
from ganbu.villagework.forms.base import DATE_ERRORS, set_choices
from ganbu.villagework.models import Household, LogKind, RequestCategory, RequestStatus
from ganbu.villagework.selectors.scope import townships_for, villages_for
from ganbu.villagework.services.logs import photo_too_large_message

if TYPE_CHECKING:
    from ganbu.cadres.models import Cadre

# --------------------------------------------------------------------------------------------------
# Work logs
# --------------------------------------------------------------------------------------------------

KIND_ERRORS = {"required": "请选择工作类型", "invalid_choice": "请选择工作类型"}


class LogForm(forms.Form):
    logged_on = forms.DateField(label="日期", error_messages=DATE_ERRORS)
    village = forms.ModelChoiceField(
        label="村（社区）",
        queryset=Unit.objects.none(),
        empty_label=None,
        error_messages={"required": "请选择村", "invalid_choice": "请选择您驻的村"},
    )
    kind = forms.ChoiceField(
        label="工作类型",
        choices=LogKind.choices,
        initial=LogKind.VISIT,
        widget=forms.RadioSelect,
        error_messages=KIND_ERRORS,
    )
    content = forms.CharField(label="工作内容", required=False, widget=forms.Textarea)
    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, villages: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["village"], villages)


class LogEditForm(forms.Form):
    logged_on = forms.DateField(label="日期", error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(
        label="工作类型", choices=LogKind.choices, widget=forms.RadioSelect, error_messages=KIND_ERRORS
    )
    content = forms.CharField(label="工作内容", required=False, widget=forms.Textarea)
    reason = forms.CharField(label="修改原因", required=False, max_length=500, widget=forms.Textarea)


class LogFilterForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(label="村（社区）", queryset=Unit.objects.none(), required=False)
    cadre = forms.ModelChoiceField(label="驻村干部", queryset=cadres_by_ids(()), required=False)
    kind = forms.ChoiceField(label="工作类型", choices=[("", "全部"), *LogKind.choices], required=False)
    start = forms.DateField(label="起始日期", required=False, error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日期", required=False, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, user: User, cadres: QuerySet[Cadre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["township"], townships_for(user).order_by("path"))
        set_choices(self.fields["village"], villages_for(user).select_related("parent").order_by("path"))
        set_choices(self.fields["cadre"], cadres)

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of selectors.logs.log_list."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {k: data[k] or None for k in ("township", "village", "cadre", "start", "end")} | {
            "kind": data["kind"]
        }


def request_rows(post: Any) -> list[dict[str, Any]]:
    """The requests raised inline in the log form (parallel lists); blank rows are skipped."""
    categories = post.getlist("req_category")
    descriptions = post.getlist("req_description")
    households = post.getlist("req_household")
    rows = []
    for index, description in enumerate(descriptions):
        category = categories[index] if index < len(categories) else ""
        household = households[index] if index < len(households) else ""
        if not description.strip() and not category:
            continue
        rows.append({"category": category, "description": description, "household_id": household or None})
    return rows


def photo_uploads(files: Any, *, max_files: int, max_kb: int) -> list[bytes]:
    """The photos of a log form, refused before they are read into memory when there are too many
    or one is larger than the limit in force."""
    uploads = [f for f in files.getlist("photos") if f.size]
    if len(uploads) > max_files:
        raise ValidationError({"photos": f"每条记录最多{max_files}张照片"}, code=errors.PHOTO_COUNT)
    for index, upload in enumerate(uploads, start=1):
        if upload.size and rules.photo_too_large(upload.size, max_kb):
            raise ValidationError(
                {"photos": photo_too_large_message(index, upload.size, max_kb)}, code=errors.PHOTO_TOO_LARGE
            )
    return [f.read() for f in uploads]


# --------------------------------------------------------------------------------------------------
# Villagers' requests
# --------------------------------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    township = forms.ModelChoiceField(label="乡镇", queryset=Unit.objects.none(), required=False)
    village = forms.ModelChoiceField(label="村（社区）", queryset=Unit.objects.none(), required=False)
    status = forms.ChoiceField(
        label="状态", choices=[("", "全部"), ("open", "未办结"), *RequestStatus.choices], required=False
    )
    category = forms.ChoiceField(
        label="类别", choices=[("", "全部"), *RequestCategory.choices], required=False
    )
    overdue = forms.BooleanField(label="只看逾期", required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self.fields["township"], townships_for(user).order_by("path"))
        set_choices(self.fields["village"], villages_for(user).select_related("parent").order_by("path"))

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of selectors.requests.request_list."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "township": data["township"],
            "village": data["village"],
            "status": data["status"],
            "category": data["category"],
            "overdue_only": data["overdue"],
        }


class RequestForm(forms.Form):
    household = forms.ModelChoiceField(
        label="农户", queryset=Household.objects.none(), required=False, empty_label="不指定农户"
    )
    category = forms.ChoiceField(
        label="类别",
        choices=[("", "请选择"), *RequestCategory.choices],
        error_messages={"required": "请选择诉求类别"},
    )
    description = forms.CharField(
        label="诉求内容",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "诉求内容不能为空"},
    )
    raised_on = forms.DateField(
        label="提出日期", error_messages={**DATE_ERRORS, "required": "请填写提出日期"}
    )
    due_on = forms.DateField(label="办理期限", required=False, error_messages=DATE_ERRORS)
    cadre = forms.ModelChoiceField(
        label="承办驻村干部", queryset=cadres_by_ids(()), required=False, empty_label="不指定"
    )

    def __init__(
        self,
        *args: Any,
        households: QuerySet[Household],
        cadres: QuerySet[Cadre] | None,
        **kwargs: Any,
    ) -> None:
        """`cadres`: the choices of 承办驻村干部; None leaves the field out (a 驻村干部 registers the
        requests they handle themself)."""
        super().__init__(*args, **kwargs)
        set_choices(self.fields["household"], households)
        if cadres is None:
            del self.fields["cadre"]
            return
        set_choices(self.fields["cadre"], cadres)
        if cadres.count() == 1:
            self.fields["cadre"].initial = cadres.first()


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=RequestStatus.choices, error_messages={"invalid_choice": "未知的诉求状态"})
    resolution = forms.CharField(required=False, max_length=2000)
