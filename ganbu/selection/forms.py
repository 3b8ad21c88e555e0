"""The forms of 选拔任用 - 动议 (a new case), a candidate's views, a complaint and its finding. The
step form is one per kind (its fields listed in `views/cases.py` STEP_FIELDS) and read there."""

from __future__ import annotations

from typing import Any

from django import forms

from ganbu.org.models import Post, User
from ganbu.selection.models import Method


def _post_label(post: Post) -> str:
    return f"{post.unit.name} · {post.name}（职数 {post.quota}）"


def _user_label(user: User) -> str:
    return str(user.display_name or user.username)


class CaseForm(forms.Form):
    post = forms.ModelChoiceField(label="拟任职位", queryset=Post.objects.none())
    seats = forms.IntegerField(label="拟选配人数", min_value=1, max_value=20, initial=1)
    method = forms.ChoiceField(label="选拔方式", choices=Method.choices, initial=Method.RECOMMEND)
    day = forms.DateField(label="动议日期", help_text="如 2026-06-01")
    decision = forms.CharField(
        label="动议情况",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="如：经县委书记专题会议研究，启动该职位人选选拔工作",
    )
    scope = forms.CharField(label="人选范围", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    conditions = forms.CharField(label="任职条件", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    over_quota_reason = forms.CharField(
        label="超职数配备的批准理由", required=False, max_length=300, help_text="职位没有空缺时必填"
    )
    handlers = forms.ModelMultipleChoiceField(
        label="经办人",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, posts: Any, handlers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["post"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = posts
        field.label_from_instance = _post_label  # type: ignore[method-assign, assignment]
        handlers_field = self.fields["handlers"]
        assert isinstance(handlers_field, forms.ModelMultipleChoiceField)
        handlers_field.queryset = handlers
        handlers_field.label_from_instance = _user_label  # type: ignore[method-assign, assignment]


OPINION = [("", "未记录"), ("1", "同意"), ("0", "不同意")]


class ViewsForm(forms.Form):
    """「两推」 and 「三点一线」 of one candidate."""

    two_recommendations = forms.ChoiceField(
        label="年终推荐与会议推荐", required=False, choices=[("", "未记录"), ("1", "一致"), ("0", "不一致")]
    )
    masses = forms.ChoiceField(label="群众意见", required=False, choices=OPINION)
    party_org = forms.ChoiceField(label="单位党组织意见", required=False, choices=OPINION)
    leader = forms.ChoiceField(label="分管领导意见", required=False, choices=OPINION)
    exception = forms.CharField(label="资格条件例外及批准", required=False, max_length=300)
    complaint_open = forms.ChoiceField(
        label="信访举报", required=False, choices=[("0", "无未了结的反映"), ("1", "有未了结的反映")]
    )

    def opinion(self, name: str) -> bool | None:
        value = self.cleaned_data.get(name, "")
        return None if value == "" else value == "1"


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label="收到日期")
    summary = forms.CharField(label="反映的主要问题", max_length=300)
    candidate = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FindingForm(forms.Form):
    finding = forms.CharField(label="核查结论", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    found_on = forms.DateField(label="核查日期")
