from django import forms


class UnitEditForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    category = forms.CharField(label="分类", max_length=32, required=False)
    households = forms.IntegerField(label="户数", min_value=0, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)


class DateInput(forms.DateInput):
    input_type = "date"


class CalendarDayForm(forms.Form):
    day = forms.DateField(label="日期", widget=DateInput)
    is_workday = forms.TypedChoiceField(
        label="安排",
        choices=[("0", "放假"), ("1", "调休上班")],
        coerce=lambda value: value == "1",
        initial="0",
    )
    note = forms.CharField(
        label="说明", max_length=50, required=False, help_text="如 元旦、春节、国庆节调休上班"
    )


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class UnitListFilterForm(forms.Form):
    """The 单位与班子 list's filter (`selectors.UNIT_LIST_KINDS`): the home figures link here."""

    kind = forms.ChoiceField(
        label="单位类型",
        required=False,
        choices=[
            ("", "全部单位"),
            ("township", "乡镇"),
            ("village", "村（社区）"),
            ("department", "县直部门"),
            ("leadership", "设领导班子或职数的单位"),
        ],
    )

    def kind_value(self) -> str:
        if not self.is_valid():  # an unknown ?kind= lists every unit
            return ""
        return str(self.cleaned_data.get("kind") or "")
