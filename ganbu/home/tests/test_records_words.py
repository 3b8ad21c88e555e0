"""The 记实's 内容 column in words (tour 13): an export's filters by their labels and names, the file
size and a short digest instead of `bytes` and 64 hex digits, counts and names instead of ids, code
names instead of codes; the stored payloads untouched; maintenance actions not offered as a filter."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from ganbu.audit import catalogue
from ganbu.audit.models import AuditEvent
from ganbu.audit.services import record_event
from ganbu.home.forms import EventFilterForm
from ganbu.org.selectors import code_name
from ganbu.testing.registry import make_cadre
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

DIGEST = hashlib.sha256(b"file").hexdigest()


def _text(world: World, action: str) -> str:
    """The 内容 cells of the 记实 rows of one action, tags removed, white space collapsed."""
    client = Client()
    client.force_login(world.users["admin"])
    response = client.get(reverse("home:event_list"), {"action": action})
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    cells = re.findall(r'<td class="small text-wrap">(.*?)</td>', body, re.S)
    assert cells, action
    return " ".join(" ".join(re.sub(r"<[^>]+>", "", cell).split()) for cell in cells)


def _record(world: World, action: str, payload: dict[str, object], **obj: object) -> AuditEvent:
    return record_event(actor=world.users["county"], action=action, payload=payload, **obj)  # type: ignore[arg-type]


def test_exports_name_their_filters_file_size_and_digest_in_words(world: World) -> None:
    stored = {
        "filters": {"unit": str(world.town_a.pk), "gender": "1", "sort": "-age", "page": "2", "size": "50"},
        "format": "xlsx",
        "filename": "干部名册_20261207.xlsx",
        "bytes": 11718,
        "sha256": DIGEST,
    }
    event = _record(world, "cadre.export", stored)
    text = _text(world, "cadre.export")
    assert "筛选条件：单位：甲镇；性别：男；排序：年龄（倒序）" in text, text
    assert "文件格式：Excel 表格" in text and "文件大小：11.4 KB" in text
    assert f"文件校验码（SHA-256）前 12 位：{DIGEST[:12]}…" in text and DIGEST not in text
    _record(
        world,
        "records.export",
        {
            "filters": {"module": "org", "action": "user.create", "start": "2026-01-01", "end": "2026-12-31"},
            "rows": 3,
            "format": "xlsx",
        },
    )
    text = _text(world, "records.export")
    assert "模块：组织机构；操作：新增登录账号；起始日期：2026-01-01；截止日期：2026-12-31" in text, text
    assert catalogue.module_of("records.export") == "记实"
    event.refresh_from_db()
    assert event.payload == stored  # the chain's payload is never rewritten
    view = catalogue.describe(event, full=True)  # the Excel export keeps the whole digest
    assert ("文件校验码（SHA-256）", DIGEST) in view.details


def test_ids_codes_and_nested_lists_read_as_names_and_counts(world: World) -> None:
    cadre = make_cadre(world.village_a, "驻村甲")
    account = world.users["village_cadre"]
    _record(
        world,
        "ballots.session_created",
        {
            "kind": "rating",
            "subjects": ["邓华英", "刘波", "郑军东"],
            "registry_subjects": [136, 190, 252],
            "groups": [{"name": "领导班子成员", "weight": 1, "expected": 7}],
        },
        object_type="ballots.ballotsession",
    )
    text = _text(world, "ballots.session_created")
    assert "在册测评对象：3 人" in text and "136" not in text
    assert "评议人类别：领导班子成员（权重：1，应到：7）" in text, text
    _record(world, "user.create", {"username": "zhangsan", "role": "township", "scope": world.town_a.code})
    assert "数据范围：甲镇" in _text(world, "user.create")
    _record(world, "cadre.account", {"before": None, "after": account.pk}, obj=cadre)
    text = _text(world, "cadre.account")
    assert re.search(r"登录账号：— → \S+（驻村干部）", text), text
    _record(world, "post.create", {"name": "副镇长", "level": "1A42", "quota": 3})
    assert f"职务层次：{code_name('leadership_level', '1A42')}" in _text(world, "post.create")
    _record(world, "ballots.codes_export", {"group": "领导班子成员", "format": "pdf", "bytes": 812})
    text = _text(world, "ballots.codes_export")
    assert (
        "评议人类别：领导班子成员" in text and "文件格式：PDF 文件" in text and "文件大小：812 字节" in text
    )
    # no developer word anywhere in the column
    everything = " ".join(
        _text(world, a)
        for a in (
            "ballots.session_created",
            "user.create",
            "cadre.account",
            "post.create",
            "ballots.codes_export",
        )
    )
    # a login is a login (用户名, an account without a name); anything else in Latin letters is not
    everything = re.sub(r"用户名：[\w.-]+|→ village_cadre", "", everything)
    assert not re.findall(r"(?<![A-Za-z_])(?!PDF|Excel)[A-Za-z_]{3,}", everything), everything


def test_the_action_filter_offers_no_maintenance_action() -> None:
    field = EventFilterForm().fields["action"]
    assert isinstance(field, forms.ChoiceField)
    groups: list[Any] = list(field.choices)  # type: ignore[arg-type]
    offered = {action for _, group in groups[1:] for action, _ in group}
    assert "audit.runtime_role_granted" not in offered
    assert "records.export" in offered and "cadre.export" in offered
    assert "数据库" not in catalogue.action_label("audit.runtime_role_granted")
