"""The anchor format, pure (no database, no files): what is signed, how a line is written and read.

An anchor is a checkpoint of the chain kept outside the database: the sequence number and hash of
the chain's tail at one moment, signed with an Ed25519 key the database does not hold. One anchor is
one line of JSON (sorted keys, no spaces) in a file the operator chooses:

    {"at":"2026-11-16T01:30:00Z","hash":"<64 hex>","key":"<key id>","seq":42,"sig":"<base64>","v":1}

The signature covers `anchor_message(...)`: a fixed prefix, the format version, seq, hash, time and
key id joined by "|". The key id is the first 16 hex digits of SHA-256 over the raw public key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

GENESIS_HASH = "0" * 64  # the prev_hash of the first event, and the hash of the empty chain
ANCHOR_VERSION = 1
ANCHOR_DOMAIN = "ganbu-audit-anchor"
KEY_ID_HEX_DIGITS = 16
HASH_PREFIX_SHOWN = 12  # hex digits of a hash printed on pages and reports
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class AnchorFormatError(ValueError):
    """A line that is not an anchor (its message is Chinese and names what is wrong)."""


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str  # UTC, "YYYY-MM-DDTHH:MM:SSZ"
    key: str  # key id
    sig: str  # base64 of the 64-byte Ed25519 signature
    line: int = 0  # line number in the file it was read from (0: not read from a file)

    @property
    def hash_prefix(self) -> str:
        return self.hash[:HASH_PREFIX_SHOWN]

    @property
    def at_datetime(self) -> datetime:
        return datetime.strptime(self.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)

    def describe(self) -> str:
        """How a message names this anchor: 「第 3 行锚点（第 42 条，哈希 0123abcd4567…，2026-11-16T01:30:00Z）」."""
        where = f"第 {self.line} 行锚点" if self.line else "锚点"
        return f"{where}（第 {self.seq} 条，哈希 {self.hash_prefix}…，{self.at}）"


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:KEY_ID_HEX_DIGITS]


def anchor_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def anchor_message(*, seq: int, hash: str, at: str, key: str) -> bytes:
    """The canonical bytes an anchor's signature covers."""
    return f"{ANCHOR_DOMAIN}|v{ANCHOR_VERSION}|{seq}|{hash}|{at}|{key}".encode("ascii")


def anchor_sign(*, private_key: Ed25519PrivateKey, seq: int, hash: str, at: datetime) -> Anchor:
    key = key_id(private_key.public_key())
    stamp = anchor_time(at)
    signature = private_key.sign(anchor_message(seq=seq, hash=hash, at=stamp, key=key))
    return Anchor(seq=seq, hash=hash, at=stamp, key=key, sig=base64.b64encode(signature).decode("ascii"))


def anchor_line(anchor: Anchor) -> str:
    """One line of the anchor file (without the newline)."""
    record = {
        "v": ANCHOR_VERSION,
        "seq": anchor.seq,
        "hash": anchor.hash,
        "at": anchor.at,
        "key": anchor.key,
        "sig": anchor.sig,
    }
    return json.dumps(record, sort_keys=True, separators=(",", ":"))


def anchor_parse(text: str, *, line: int = 0) -> Anchor:
    """An anchor from one line of the file; AnchorFormatError names what is wrong. The signature is
    not checked here (anchor_signature_ok)."""
    where = f"第 {line} 行" if line else "锚点"
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnchorFormatError(f"{where}不是锚点（不是 JSON：{exc.msg}）") from exc
    if not isinstance(record, dict) or record.get("v") != ANCHOR_VERSION:
        raise AnchorFormatError(f"{where}不是第 {ANCHOR_VERSION} 版锚点")
    seq, digest, at, key, sig = (record.get(k) for k in ("seq", "hash", "at", "key", "sig"))
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise AnchorFormatError(f"{where}的序号（seq）无效")
    if not isinstance(digest, str) or not _HEX64.match(digest):
        raise AnchorFormatError(f"{where}的哈希（hash）不是 64 位十六进制")
    if not isinstance(at, str) or not isinstance(key, str) or not isinstance(sig, str):
        raise AnchorFormatError(f"{where}缺少时间（at）、密钥（key）或签名（sig）")
    try:
        datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise AnchorFormatError(f"{where}的时间（at）无效") from exc
    return Anchor(seq=seq, hash=digest, at=at, key=key, sig=sig, line=line)


def anchor_signature_ok(anchor: Anchor, public_key: Ed25519PublicKey) -> bool:
    """True when the anchor was signed by the private half of `public_key` and not changed since."""
    if anchor.key != key_id(public_key):
        return False
    try:
        signature = base64.b64decode(anchor.sig, validate=True)
    except (binascii.Error, ValueError):
        return False
    message = anchor_message(seq=anchor.seq, hash=anchor.hash, at=anchor.at, key=anchor.key)
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True
