"""Anchors: signed checkpoints of the chain kept outside the database (README.md, "Anchors").

`anchor_write(path)` appends one line to a file the operator chooses (`audit_anchor --out FILE`,
daily, and after every ballot seal through `anchor_on_commit()`); `verify_with_anchors(path)` checks
the whole chain and every anchor of the file (`verify_audit --anchors FILE`).

What an anchor proves: the event at its seq had its hash when it was signed, with a key the database
does not hold. A rewrite of any event up to the newest anchor changes that hash (or breaks the chain
before it), and deleting events from the end leaves an anchor beyond the tail. Events after the
newest anchor are protected only by the chain until the next anchor.

Writing an anchor changes nothing in the database (it reads the tail), so it writes no audit event.
"""

from __future__ import annotations

import dataclasses
import fcntl
import logging
import os
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from ganbu.audit import conf
from ganbu.audit.rules import Anchor, AnchorFormatError, anchor_line, anchor_sign
from ganbu.audit.rules import anchor_signature_ok as signature_ok
from ganbu.audit.selectors import read_anchors
from ganbu.audit.services.chain import ChainReport, chain_tail, verify_chain

logger = logging.getLogger(__name__)


class AnchorError(Exception):
    """The chain or the anchor file does not allow a new anchor (the message is Chinese)."""


def check_signatures(anchors: list[Anchor]) -> str:
    """Empty when every anchor is signed by a known key, else the reason naming the first that is not."""
    if not anchors:
        return ""
    keys = conf.verify_keys()
    if not keys:
        return (
            "没有可用来验证锚点的公钥：设置 GANBU_AUDIT_VERIFY_KEY（公钥），"
            "或 GANBU_AUDIT_SIGNING_KEY / 锚点签名密钥文件"
        )
    for anchor in anchors:
        public = keys.get(anchor.key)
        if public is None:
            return f"{anchor.describe()}由未知密钥 {anchor.key} 签名：锚点被伪造，或缺少该密钥的公钥"
        if not signature_ok(anchor, public):
            return f"{anchor.describe()}的签名无效：锚点被伪造或改动"
    return ""


def verify_with_anchors(path: Path) -> ChainReport:
    """The whole chain, and every anchor of `path` against it (signatures first)."""
    try:
        anchors = read_anchors(path)
    except AnchorFormatError as exc:
        return ChainReport(False, 0, None, f"锚点文件 {path}：{exc}")
    except (OSError, UnicodeDecodeError) as exc:
        return ChainReport(False, 0, None, f"锚点文件 {path} 读不出：{exc}")
    if not anchors:
        return ChainReport(False, 0, None, f"锚点文件 {path} 不存在或没有锚点")
    problem = check_signatures(anchors)
    if problem:
        return ChainReport(False, 0, None, f"锚点文件 {path}：{problem}", len(anchors))
    return verify_chain(anchors=anchors)


def _open_for_append(path: Path) -> int:
    """A descriptor appending to `path`; a new file is created with mode 0600 from the first byte."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_EXCL, 0o600)
        os.fchmod(fd, 0o600)
    except FileExistsError:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    return fd


def anchor_write(path: Path) -> Anchor:
    """Sign the chain's current tail and append the anchor to `path`.

    Refuses (AnchorError) when what was appended since the file's newest anchor does not verify
    against it, or that anchor is forged: an anchor never vouches for a chain already rewritten. The
    first anchor of a file checks the whole chain. The key file is created on first use."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = conf.signing_key()
    fd = _open_for_append(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # concurrent seals and the daily run append one at a time
        try:
            anchors = read_anchors(path)
        except AnchorFormatError as exc:
            raise AnchorError(f"锚点文件 {path}：{exc}") from exc
        previous = anchors[-1] if anchors else None
        problem = check_signatures([previous]) if previous else ""
        if problem:
            raise AnchorError(f"锚点文件 {path}：{problem}")
        seq, digest = chain_tail()
        report = verify_chain(since=previous)
        if not report.ok:
            raise AnchorError(f"记实链校验失败，不写锚点：{report.reason}")
        anchor = anchor_sign(private_key=key, seq=seq, hash=digest, at=timezone.now())
        existing = path.read_bytes()
        separator = b"\n" if existing and not existing.endswith(b"\n") else b""
        lines = len(existing.splitlines())
        os.write(fd, separator + (anchor_line(anchor) + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)  # also releases the lock
    return dataclasses.replace(anchor, line=lines + 1)


def _anchor_after_commit(path: Path) -> None:
    try:
        anchor = anchor_write(path)
    except Exception:  # the sealed result stands; the daily anchor run fails loudly instead
        logger.exception("记实锚点未写入（%s）", path)
        return
    logger.info("记实锚点：第 %s 条，%s", anchor.seq, anchor.hash_prefix)


def anchor_on_commit() -> bool:
    """When GANBU_AUDIT_ANCHOR_FILE is set, append an anchor once the current transaction commits
    (ballots' seal calls this inside its transaction, so the anchor covers the seal event); nothing
    on rollback. Returns whether one was scheduled. A failure is logged, never raised into the
    request that sealed."""
    path = conf.anchor_file()
    if path is None:
        return False
    transaction.on_commit(lambda: _anchor_after_commit(path))
    return True
