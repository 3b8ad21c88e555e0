from django import forms


class UnitEditForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    category = forms.CharField(label="分类", max_length=32, required=False)
    households = forms.IntegerField(label="户数", min_value=0, required=False)
    sort_order = forms.IntegerField(label="排序", min_value=0, initial=0)
