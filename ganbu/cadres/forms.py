"""Forms of the registry pages. Code-valued fields get their choices from the code tables at
construction time (one query per table), so administrators' edits show up at once."""

from __future__ import annotations

from typing import Any

from django import forms

from ganbu.cadres.models import AppointmentMethod, CadreStatus, EducationKind, RewardKind
from ganbu.cadres.selectors import CadreFilters
from ganbu.org.models import Post, Unit, User
from ganbu.org.scoping import units_in_scope
from ganbu.org.selectors import active_code_choices, posts_in_scope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _model_field(form: forms.Form, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class CodeChoiceField(forms.ChoiceField):
    def __init__(self, table: str, *args: Any, **kwargs: Any) -> None:
        self.table = table
        super().__init__(*args, **kwargs)


class CodeFormMixin:
    """Fill CodeChoiceField choices from the code tables."""

    _choices: dict[str, list[tuple[str, str]]]

    def _load_codes(self) -> None:
        self._choices = active_code_choices()
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, CodeChoiceField):
                field.choices = [("", "—"), *self._choices.get(field.table, [])]

    def code_choices(self, table: str, *, blank: bool = True) -> list[tuple[str, str]]:
        return ([("", "—")] if blank else []) + self._choices.get(table, [])


class CadreFilterForm(CodeFormMixin, forms.Form):
    q = forms.CharField(label="姓名/拼音/身份证号", required=False, max_length=40)
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, empty_label="全部单位"
    )
    level = CodeChoiceField("leadership_level", label="职务层次", required=False)
    rank = CodeChoiceField("civil_service_rank", label="职级", required=False)
    gender = CodeChoiceField("gender", label="性别", required=False)
    age_min = forms.IntegerField(label="年龄从", required=False, min_value=0, max_value=100)
    age_max = forms.IntegerField(label="到", required=False, min_value=0, max_value=100)
    education = forms.ChoiceField(label="最高学历", required=False)
    political = forms.ChoiceField(label="政治面貌", required=False)
    ethnicity = forms.ChoiceField(label="民族", required=False)
    category = CodeChoiceField("personnel_category", label="人员类别", required=False)
    leaders_only = forms.BooleanField(label="仅领导职务", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *CadreStatus.choices], initial="active"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()
        _model_field(self, "unit").queryset = (
            units_in_scope(user).exclude(kind__in=["village", "community"]).order_by("path")
        )
        _choice_field(self, "education").choices = [
            ("", "—"),
            ("研究生", "研究生（类）"),
            ("大学", "大学（类）"),
            ("大专及以下", "大专及以下（类）"),
            *self.code_choices("education", blank=False),
        ]
        _choice_field(self, "political").choices = [
            ("", "—"),
            ("党员", "中共党员（含预备）"),
            ("党外", "党外"),
            *self.code_choices("political_status", blank=False),
        ]
        _choice_field(self, "ethnicity").choices = [
            ("", "—"),
            ("汉族", "汉族"),
            ("少数民族", "少数民族"),
            *self.code_choices("ethnicity", blank=False)[1:],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("age_min") is not None
            and data.get("age_max") is not None
            and data["age_min"] > data["age_max"]
        ):
            self.add_error("age_max", "年龄上限应不小于下限")
        return data

    def _status(self) -> str:
        """Active cadres unless the user picked another status ("" = all)."""
        value = self.data.get("status", CadreStatus.ACTIVE)
        return value if value in ("", *CadreStatus.values) else CadreStatus.ACTIVE

    def filters(self) -> CadreFilters:
        d = self.cleaned_data if self.is_valid() else {}
        return CadreFilters(
            q=d.get("q") or "",
            unit=d.get("unit"),
            level=d.get("level") or "",
            rank=d.get("rank") or "",
            gender=d.get("gender") or "",
            age_min=d.get("age_min"),
            age_max=d.get("age_max"),
            education=d.get("education") or "",
            political=d.get("political") or "",
            ethnicity=d.get("ethnicity") or "",
            category=d.get("category") or "",
            leaders_only=bool(d.get("leaders_only")),
            status=self._status(),
        )


class CadreForm(CodeFormMixin, forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    gender = CodeChoiceField("gender", label="性别")
    ethnicity = CodeChoiceField("ethnicity", label="民族")
    birth_date = forms.DateField(label="出生日期", widget=DATE_INPUT)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    native_place = forms.CharField(label="籍贯", max_length=50, required=False)
    birthplace = forms.CharField(label="出生地", max_length=50, required=False)
    political_status = CodeChoiceField("political_status", label="政治面貌")
    party_joined_on = forms.DateField(label="入党时间", required=False, widget=DATE_INPUT)
    work_started_on = forms.DateField(label="参加工作时间", required=False, widget=DATE_INPUT)
    health = forms.CharField(label="健康状况", max_length=20, required=False)
    professional_title = forms.CharField(label="专业技术职务", max_length=50, required=False)
    expertise = forms.CharField(label="熟悉专业有何专长", max_length=100, required=False)
    personnel_category = CodeChoiceField("personnel_category", label="人员类别")
    establishment = CodeChoiceField("establishment", label="编制类型", required=False)
    status = forms.ChoiceField(label="状态", choices=CadreStatus.choices, initial=CadreStatus.ACTIVE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()


class CadreCreateForm(CadreForm):
    unit = forms.ModelChoiceField(label="工作单位", queryset=Unit.objects.none())

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _model_field(self, "unit").queryset = units_in_scope(user).order_by("path")
        self.order_fields(["unit"])


class EducationForm(CodeFormMixin, forms.Form):
    kind = forms.ChoiceField(label="教育类别", choices=EducationKind.choices)
    education = CodeChoiceField("education", label="学历", required=False)
    degree = CodeChoiceField("degree", label="学位", required=False)
    school = forms.CharField(label="毕业院校", max_length=100, required=False)
    major = forms.CharField(label="系及专业", max_length=100, required=False)
    started_on = forms.DateField(label="入学时间", required=False, widget=DATE_INPUT)
    ended_on = forms.DateField(label="毕业时间", required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()


class AppointmentForm(CodeFormMixin, forms.Form):
    unit = forms.ModelChoiceField(label="任职单位", queryset=Unit.objects.none())
    post = forms.ModelChoiceField(label="职位（可选）", queryset=Post.objects.none(), required=False)
    title = forms.CharField(label="职务名称", max_length=200)
    level = CodeChoiceField("leadership_level", label="职务层次", required=False)
    is_leadership = forms.BooleanField(label="领导职务", required=False)
    is_primary = forms.BooleanField(label="主要职务", required=False, initial=True)
    method = forms.ChoiceField(
        label="任职方式", choices=[("", "—"), *AppointmentMethod.choices], required=False
    )
    started_on = forms.DateField(label="任职时间", widget=DATE_INPUT)
    ended_on = forms.DateField(label="免职时间", required=False, widget=DATE_INPUT)
    document_number = forms.CharField(label="任职文号", max_length=100, required=False)
    end_document_number = forms.CharField(label="免职文号", max_length=100, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()
        _model_field(self, "unit").queryset = units_in_scope(user).order_by("path")
        _model_field(self, "post").queryset = (
            posts_in_scope(user).select_related("unit").order_by("unit__path", "sort_order")
        )


class RankForm(CodeFormMixin, forms.Form):
    rank = CodeChoiceField("civil_service_rank", label="职级")
    started_on = forms.DateField(label="任职级时间", widget=DATE_INPUT)
    ended_on = forms.DateField(label="终止时间", required=False, widget=DATE_INPUT)
    document_number = forms.CharField(label="文号", max_length=100, required=False)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()


class RewardForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=RewardKind.choices)
    name = forms.CharField(label="名称", max_length=100)
    granted_on = forms.DateField(label="时间", widget=DATE_INPUT)
    authority = forms.CharField(label="批准机关", max_length=100, required=False)
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class AssessmentForm(CodeFormMixin, forms.Form):
    year = forms.IntegerField(label="年度", min_value=1950, max_value=2100)
    grade = CodeChoiceField("assessment_result", label="考核结果")
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()


class FamilyForm(CodeFormMixin, forms.Form):
    relation = CodeChoiceField("family_relation", label="称谓")
    name = forms.CharField(label="姓名", max_length=50)
    birth_date = forms.DateField(label="出生日期", required=False, widget=DATE_INPUT)
    political_status = CodeChoiceField("political_status", label="政治面貌", required=False)
    workplace = forms.CharField(label="工作单位及职务", max_length=200, required=False)
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._load_codes()


RECORD_FORMS: dict[str, tuple[str, type[forms.Form]]] = {
    "education": ("学历学位", EducationForm),
    "appointment": ("任职经历", AppointmentForm),
    "rank": ("职级", RankForm),
    "reward": ("奖惩情况", RewardForm),
    "assessment": ("年度考核", AssessmentForm),
    "family": ("家庭成员及社会关系", FamilyForm),
}


class ImportForm(forms.Form):
    file = forms.FileField(label="Excel 文件（.xlsx）")
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件（可先下载导入模板）")
        if f.size > 50 * 1024 * 1024:
            raise forms.ValidationError("文件超过 50MB，请拆分后导入")
        return f


class AppointmentFormOptions(forms.Form):
    as_of = forms.DateField(label="年龄计算时间", widget=DATE_INPUT, required=False)
    proposed_post = forms.CharField(label="拟任职务", max_length=200, required=False)
    proposed_removal = forms.CharField(label="拟免职务", max_length=200, required=False)
    reason = forms.CharField(label="任免理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
