"""The forms of 综合考核. Parameters of a rule are typed as organisation departments write them
(「省级 20；市级 10」, one bracket per line 「90 200」) and turned into the engine's JSON here; the
whole scheme is then checked by the engine's validator, whose messages the page shows."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from ganbu.assessment import rules
from ganbu.core.punctuation import normalise

PAIR_SEPARATORS = re.compile(r"[；;\n]+")
YEAR = forms.IntegerField(label="考核年度", min_value=2000, max_value=2100)


def _pairs(text: str, what: str) -> dict[str, str]:
    """「省级 20；市级 10」 → {"省级": "20", "市级": "10"} (full- or half-width separators)."""
    out: dict[str, str] = {}
    for part in PAIR_SEPARATORS.split(normalise(text or "")):
        part = part.strip()
        if not part:
            continue
        name, _, number = part.rpartition(" ")
        name = name.strip().rstrip("：").rstrip(":")
        if not name or not number:
            raise forms.ValidationError(f"{what}「{part}」应写成「名称 分值」，如「省级 20」")
        out[name] = number
    return out


class SchemeImportForm(forms.Form):
    year = YEAR
    file = forms.FileField(label="方案文件（JSON）", help_text="由本系统「导出方案」得到的文件，或按说明编写")


class SchemeCopyForm(forms.Form):
    year = forms.IntegerField(label="新版本用于年度", min_value=2000, max_value=2100)


class IndicatorForm(forms.Form):
    """One indicator: a parent (no rule) or a leaf with its rule and parameters."""

    original = forms.CharField(required=False, widget=forms.HiddenInput)
    parent = forms.CharField(label="上级指标代码", required=False, max_length=32)
    code = forms.RegexField(
        label="指标代码",
        regex=r"^[A-Za-z0-9._-]{1,32}$",
        error_messages={"invalid": "指标代码只能由字母、数字和 . _ - 组成"},
    )
    name = forms.CharField(label="指标名称", max_length=100)
    weight = forms.DecimalField(label="分值", required=False, min_value=0, max_digits=8, decimal_places=2)
    rule = forms.ChoiceField(
        label="计分规则",
        required=False,
        choices=[("", "（有下级指标，不设规则）"), *rules.RULE_LABELS.items()],
    )
    lead = forms.CharField(
        label="牵头单位", required=False, max_length=100, help_text="负责该项考核的县直单位名称"
    )
    cap = forms.DecimalField(label="完成率上限", required=False, min_value=1, max_digits=6, decimal_places=3)
    top = forms.DecimalField(label="第一名得分", required=False, min_value=0, max_digits=8, decimal_places=2)
    bottom = forms.DecimalField(
        label="最后一名得分", required=False, min_value=0, max_digits=8, decimal_places=2
    )
    step = forms.DecimalField(
        label="每低一名扣减（占分值比例）",
        required=False,
        min_value=0,
        max_value=1,
        max_digits=6,
        decimal_places=4,
    )
    brackets = forms.CharField(
        label="区间分档",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="每行「下限 得分」，从高到低，如「90 200」",
    )
    share_of = forms.CharField(
        label="按哪一选项的得票率分档",
        required=False,
        max_length=20,
        help_text="如「优秀」；不填则按填报的数值分档",
    )
    levels = forms.CharField(
        label="加分级别", required=False, max_length=200, help_text="如「国家级 30；省级 20；市级 10」"
    )
    max = forms.DecimalField(label="加分上限", required=False, min_value=0, max_digits=8, decimal_places=2)
    values = forms.CharField(
        label="选项分值",
        required=False,
        max_length=200,
        help_text="如「优秀 100；称职 80；基本称职 60；不称职 40」；不填用默认",
    )
    groups = forms.CharField(
        label="评议人类别及权重", required=False, max_length=200, help_text="如「干部群众 60；县领导 40」"
    )
    grade = forms.CharField(label="否决后最高等次", required=False, max_length=20)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rule = data.get("rule") or ""
        for name in ("levels", "values", "groups"):
            try:
                data[name] = _pairs(data.get(name) or "", str(self.fields[name].label))
            except forms.ValidationError as exc:
                self.add_error(name, exc)
        brackets: list[list[str]] = []
        for line in normalise(data.get("brackets") or "").splitlines():
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2:
                self.add_error("brackets", f"「{line.strip()}」应写成「下限 得分」")
                continue
            brackets.append(parts)
        data["brackets"] = brackets
        if rule and data.get("weight") is None and rule not in rules.UNWEIGHTED_RULES:
            self.add_error("weight", "请填写分值")
        return data

    def indicator(self) -> dict[str, Any]:
        """The indicator as the engine's JSON (only the parameters of its rule)."""
        d = self.cleaned_data
        rule = d.get("rule") or ""
        node: dict[str, Any] = {"code": d["code"], "name": d["name"]}
        if d.get("weight") is not None:
            node["weight"] = str(d["weight"])
        if d.get("lead"):
            node["lead"] = d["lead"].strip()
        if not rule:
            return node
        node["rule"] = rule
        decimals = {"cap", "top", "bottom", "step", "max"}
        for key in ("cap", "top", "bottom", "step", "max", "share_of", "grade"):
            value = d.get(key)
            if value not in (None, "") and key in _params(rule):
                node[key] = str(value) if key in decimals else value
        if "brackets" in _params(rule) and d["brackets"]:
            node["brackets"] = d["brackets"]
        for key in ("levels", "values"):
            if key in _params(rule) and d[key]:
                node[key] = d[key]
        if "groups" in _params(rule) and d["groups"]:
            node["groups"] = d["groups"] if rule != "bracket" else list(d["groups"])
        return node


def _params(rule: str) -> tuple[str, ...]:
    from ganbu.assessment.services.schemes import RULE_PARAMETERS

    return RULE_PARAMETERS.get(rule, ())


def initial_of(node: dict[str, Any], parent: str) -> dict[str, Any]:
    """The form's initial values for an indicator of the tree."""

    def pairs(value: Any) -> str:
        if isinstance(value, dict):
            return "；".join(f"{k} {v}" for k, v in value.items())
        if isinstance(value, list):
            return "；".join(f"{k} 1" for k in value)
        return ""

    return {
        "original": node.get("code", ""),
        "parent": parent,
        "code": node.get("code", ""),
        "name": node.get("name", ""),
        "weight": node.get("weight"),
        "rule": node.get("rule", ""),
        "lead": node.get("lead", ""),
        "cap": node.get("cap"),
        "top": node.get("top"),
        "bottom": node.get("bottom"),
        "step": node.get("step"),
        "brackets": "\n".join(f"{a} {b}" for a, b in node.get("brackets", [])),
        "share_of": node.get("share_of", ""),
        "levels": pairs(node.get("levels")),
        "max": node.get("max"),
        "values": pairs(node.get("values")),
        "groups": pairs(node.get("groups")),
        "grade": node.get("grade", ""),
    }


class HeaderForm(forms.Form):
    """The scheme's total, its grades (one per line 「实绩突出 900 1/3」: name, lowest score, the
    optional largest share of the category) and whether a 难度系数 is used."""

    total = forms.DecimalField(label="总分", min_value=1, max_digits=8, decimal_places=2)
    grades = forms.CharField(
        label="等次",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一个等次，从高到低：「名称 最低分 最多占比」，如「实绩突出 900 1/3」「好 800」「一般 700」「较差 0」",
    )
    difficulty = forms.BooleanField(label="使用难度系数（0.8—1.2）", required=False)

    def clean_grades(self) -> list[dict[str, str]]:
        grades: list[dict[str, str]] = []
        for n, line in enumerate(normalise(self.cleaned_data.get("grades") or "").splitlines(), start=1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) not in (2, 3):
                raise forms.ValidationError(
                    f"第 {n} 行「{line.strip()}」应写成「名称 最低分」或「名称 最低分 最多占比」"
                )
            grade = {"name": parts[0], "min_score": parts[1]}
            if len(parts) == 3:
                grade["max_share"] = parts[2]
            grades.append(grade)
        return grades

    @staticmethod
    def initial_of(definition: dict[str, Any]) -> dict[str, Any]:
        lines = [
            " ".join(
                str(x) for x in (g.get("name"), g.get("min_score"), g.get("max_share")) if x not in (None, "")
            )
            for g in definition.get("grades") or []
            if isinstance(g, dict)
        ]
        return {
            "total": definition.get("total", 1000),
            "grades": "\n".join(lines),
            "difficulty": bool(definition.get("difficulty")),
        }


class CycleForm(forms.Form):
    year = YEAR
    name = forms.CharField(label="名称", max_length=100, help_text="如「2026年度乡镇和县直部门综合考核」")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
