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
