"""Anchors: signed checkpoints kept outside the database catch what the chain alone cannot (a
rewrite with every hash recomputed, deletions from the end, an emptied table), and refuse a forged
anchor. Runs on SQLite and PostgreSQL; the attacker here is the table's owner (tampering.as_owner)."""

from __future__ import annotations

import base64
import json
import logging
import stat
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from ganbu.audit import conf, selectors
from ganbu.audit.models import AuditEvent
from ganbu.audit.rules import anchor_line, anchor_parse, anchor_sign, key_id
from ganbu.audit.services import anchor_on_commit, anchor_write, record_event, verify_chain
from ganbu.audit.tests import tampering

pytestmark = pytest.mark.django_db


def _events(count: int = 5) -> list[AuditEvent]:
    return [
        record_event(actor=None, action="test.event", object_label=f"对象{i}", payload={"n": i, "名": "张三"})
        for i in range(count)
    ]


def _verify(anchors: Path) -> str:
    out = StringIO()
    call_command("verify_audit", "--anchors", str(anchors), stdout=out)
    return out.getvalue()


def _anchor(anchors: Path) -> str:
    out = StringIO()
    call_command("audit_anchor", "--out", str(anchors), stdout=out)
    return out.getvalue()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def anchors(tmp_path: Path) -> Path:
    return tmp_path / "anchors" / "audit-anchors.jsonl"


def test_an_anchor_is_written_signed_and_verified(anchors: Path) -> None:
    events = _events()
    printed = _anchor(anchors)
    lines = anchors.read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["seq"] == 5 and record["hash"] == events[-1].hash and record["v"] == 1
    assert set(record) == {"v", "seq", "hash", "at", "key", "sig"}
    assert "第 5 条" in printed and events[-1].hash[:12] in printed
    report = _verify(anchors)
    assert "记实链完整：共 5 条" in report
    assert f"最新锚点：第 5 条，哈希 {events[-1].hash[:12]}…" in report
    assert "2026-11-16" in report  # the suite's frozen day, printed in local time


def test_the_key_file_and_the_anchor_file_are_created_0600(anchors: Path) -> None:
    _events(1)
    key_file = conf.key_file()
    assert not key_file.exists()
    _anchor(anchors)
    assert _mode(key_file) == 0o600
    assert _mode(anchors) == 0o600
    first_key = json.loads(anchors.read_text().splitlines()[0])["key"]
    _anchor(anchors)  # the key is created once and reused
    assert {json.loads(line)["key"] for line in anchors.read_text().splitlines()} == {first_key}
    assert not list(key_file.parent.glob(".*"))  # no temporary file left beside it


def test_an_exposed_key_file_is_refused(anchors: Path) -> None:
    _events(1)
    _anchor(anchors)
    conf.key_file().chmod(0o644)
    with pytest.raises(CommandError, match="对其他用户可读"):
        _anchor(anchors)
    with pytest.raises(CommandError, match="对其他用户可读"):
        _verify(anchors)


def test_the_key_from_the_environment_is_used_and_no_file_is_written(anchors: Path, settings) -> None:
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    settings.GANBU_AUDIT_SIGNING_KEY = base64.b64encode(raw).decode()
    _events(2)
    anchor = anchor_write(anchors)
    assert anchor.key == key_id(key.public_key())
    assert not conf.key_file().exists()
    assert "最新锚点：第 2 条" in _verify(anchors)


def test_a_verifier_with_only_the_public_key(anchors: Path, settings, tmp_path: Path) -> None:
    _events(3)
    _anchor(anchors)
    public = conf.public_key_text(conf.signing_key())
    settings.GANBU_AUDIT_KEY_FILE = str(tmp_path / "elsewhere" / "no_key_here")
    with pytest.raises(CommandError, match="没有可用来验证锚点的公钥"):
        _verify(anchors)
    assert not Path(settings.GANBU_AUDIT_KEY_FILE).exists()  # verifying never creates a key
    settings.GANBU_AUDIT_VERIFY_KEY = public
    assert "最新锚点：第 3 条" in _verify(anchors)


def test_without_anchors_a_rehashed_rewrite_passes(anchors: Path) -> None:
    """The limit of the chain alone, documented: whoever can write the table rewrites an event and
    recomputes every hash after it, and the chain is consistent again."""
    _events()
    tampering.as_owner(tampering.rehash_from(2, payload={"n": 1000}))
    assert AuditEvent.objects.get(seq=2).payload == {"n": 1000}
    assert verify_chain().ok
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert "未校验锚点" in out.getvalue()


def test_a_rehashed_rewrite_is_caught_by_the_anchor(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.rehash_from(2, payload={"n": 1000}))
    with pytest.raises(CommandError) as caught:
        _verify(anchors)
    message = str(caught.value)
    assert "第 5 条的哈希与第 1 行锚点（第 5 条" in message
    assert "第 1 条至第 5 条之间的记录被改写，并重算了哈希" in message


def test_a_rehashed_change_of_actor_is_caught_by_the_anchor(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    _events(2)
    _anchor(anchors)
    tampering.as_owner(tampering.rehash_from(6, actor_label="someone"))
    assert verify_chain().ok
    with pytest.raises(CommandError, match=r"第 7 条的哈希与第 2 行锚点.*第 6 条至第 7 条之间"):
        _verify(anchors)


def test_a_changed_actor_is_caught_by_the_chain_and_named_against_the_anchor(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.change_actor(3, "someone"))
    with pytest.raises(CommandError, match=r"第 3 条的内容与其哈希不符：记录被修改（在最新第 1 行锚点"):
        _verify(anchors)


def test_dropping_the_tail_is_caught_by_the_anchor(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.drop_tail(2))
    assert verify_chain().ok
    with pytest.raises(CommandError, match=r"表中最后一条为第 3 条，而第 1 行锚点（第 5 条.*末尾记录被删除"):
        _verify(anchors)


def test_emptying_the_table_is_caught_by_the_anchor(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.truncate())
    assert verify_chain().ok and AuditEvent.objects.count() == 0
    with pytest.raises(CommandError, match=r"表中最后一条为第 0 条.*整表被清空"):
        _verify(anchors)


def test_events_after_the_newest_anchor_are_protected_only_by_the_chain(anchors: Path) -> None:
    """The documented window: what was appended after the newest anchor can be dropped unseen
    until the next anchor (hence an anchor daily and at every seal)."""
    _events()
    _anchor(anchors)
    _events(2)
    assert "最新锚点之后的 2 条只受哈希链保护" in _verify(anchors)
    tampering.as_owner(tampering.drop_tail(2))
    assert "记实链完整：共 5 条" in _verify(anchors)


def test_a_forged_anchor_is_refused(anchors: Path) -> None:
    """The attacker rewrites the chain and edits the anchor to its new hash: the signature fails."""
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.rehash_from(2, payload={"n": 1000}))
    record = json.loads(anchors.read_text())
    record["hash"] = AuditEvent.objects.get(seq=5).hash
    anchors.write_text(json.dumps(record) + "\n")
    with pytest.raises(CommandError, match=r"第 1 行锚点（第 5 条.*签名无效：锚点被伪造或改动"):
        _verify(anchors)


def test_an_anchor_signed_with_another_key_is_refused(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.rehash_from(2, payload={"n": 1000}))
    tail = AuditEvent.objects.get(seq=5)
    forged = anchor_sign(private_key=Ed25519PrivateKey.generate(), seq=5, hash=tail.hash, at=tail.created_at)
    with anchors.open("a") as handle:
        handle.write(anchor_line(forged) + "\n")
    with pytest.raises(CommandError, match=r"第 2 行锚点（第 5 条.*由未知密钥"):
        _verify(anchors)


def test_a_line_that_is_no_anchor_is_named(anchors: Path) -> None:
    _events(1)
    _anchor(anchors)
    with anchors.open("a") as handle:
        handle.write("\n{not json\n")
    with pytest.raises(CommandError, match="第 3 行不是锚点"):
        _verify(anchors)
    with pytest.raises(CommandError, match="第 3 行不是锚点"):
        _anchor(anchors)


def test_an_anchor_never_vouches_for_a_rewritten_chain(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.rehash_from(2, payload={"n": 1000}))
    with pytest.raises(CommandError, match="记实链校验失败，不写锚点"):
        _anchor(anchors)
    assert len(anchors.read_text().splitlines()) == 1


def test_the_first_anchor_checks_the_whole_chain(anchors: Path) -> None:
    _events()
    tampering.as_owner(tampering.change_actor(2, "someone"))
    with pytest.raises(CommandError, match="第 2 条的内容与其哈希不符"):
        _anchor(anchors)
    assert not anchors.exists() or not anchors.read_text().strip()


def test_an_anchor_after_dropped_events_is_refused(anchors: Path) -> None:
    _events()
    _anchor(anchors)
    tampering.as_owner(tampering.drop_tail(2))
    with pytest.raises(CommandError, match="末尾记录被删除"):
        _anchor(anchors)


def test_an_anchor_of_the_empty_chain(anchors: Path) -> None:
    anchor = anchor_write(anchors)
    assert anchor.seq == 0 and anchor.hash == "0" * 64
    _events(1)
    assert "最新锚点：第 0 条" in _verify(anchors)


def test_sealing_appends_an_anchor_after_commit_only(
    anchors: Path, settings, django_capture_on_commit_callbacks
) -> None:
    settings.GANBU_AUDIT_ANCHOR_FILE = str(anchors)
    _events(2)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        event = record_event(actor=None, action="test.sealed")
        assert anchor_on_commit()
        assert not anchors.exists()  # not before the commit
    newest = selectors.latest_anchor()
    assert newest is not None and newest.seq == event.seq and newest.hash == event.hash
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        record_event(actor=None, action="test.sealed")
        anchor_on_commit()
        raise RuntimeError("rolled back")
    assert callbacks == []
    assert len(anchors.read_text().splitlines()) == 1


def test_no_anchor_file_configured_means_no_anchor_at_sealing(
    settings, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        assert not anchor_on_commit()
    assert callbacks == []
    assert selectors.latest_anchor() is None


def test_a_failed_anchor_after_sealing_is_logged_not_raised(
    anchors: Path, settings, django_capture_on_commit_callbacks, caplog
) -> None:
    settings.GANBU_AUDIT_ANCHOR_FILE = str(anchors)
    anchors.parent.mkdir(parents=True)
    anchors.write_text("garbage\n")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        record_event(actor=None, action="test.sealed")
        anchor_on_commit()
    assert "记实锚点未写入" in caplog.text


def test_latest_anchor_is_the_newest_verified_line(anchors: Path, settings) -> None:
    settings.GANBU_AUDIT_ANCHOR_FILE = str(anchors)
    _events(2)
    _anchor(anchors)
    _events(1)
    _anchor(anchors)
    newest = selectors.latest_anchor()
    assert newest is not None and (newest.seq, newest.line) == (3, 2)
    assert newest.hash_prefix == AuditEvent.objects.get(seq=3).hash[:12]
    forged = anchor_parse(anchors.read_text().splitlines()[-1])
    forged = anchor_parse(anchor_line(forged).replace(forged.hash, "f" * 64))
    with anchors.open("a") as handle:
        handle.write(anchor_line(forged) + "\n")
    assert selectors.latest_anchor() is None  # a page never shows what verification refuses


def test_the_public_key_is_printed_for_a_verifier(anchors: Path) -> None:
    out = StringIO()
    call_command("audit_anchor", "--print-public-key", stdout=out)
    raw = base64.b64decode(out.getvalue().strip())
    assert raw == conf.signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@pytest.mark.parametrize(
    ("value", "message"),
    [("not base64!", "不是 base64"), (base64.b64encode(b"short").decode(), "应为 32 字节")],
)
def test_a_malformed_key_in_the_environment_fails_loudly(
    anchors: Path, settings, value: str, message: str
) -> None:
    settings.GANBU_AUDIT_SIGNING_KEY = value
    _events(1)
    with pytest.raises(CommandError, match=message):
        _anchor(anchors)
    assert not anchors.exists() and not conf.key_file().exists()


def test_an_unreadable_or_unwritable_anchor_file_is_a_clear_error(tmp_path: Path) -> None:
    _events(1)
    directory = tmp_path / "a_directory"
    directory.mkdir()
    with pytest.raises(CommandError, match="锚点或密钥文件写不进"):
        _anchor(directory)
    with pytest.raises(CommandError, match="读不出"):
        _verify(directory)
