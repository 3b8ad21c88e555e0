"""How the audit app's settings are read: the anchor signing key, the verification keys and the
anchor file (README.md, "Anchors").

Each is a Django setting when ganbu/settings.py defines it, else the environment variable of the same
name (so a command run with only the variable works):

- `GANBU_AUDIT_SIGNING_KEY`: base64 of the raw 32-byte Ed25519 private key. When empty, the key file.
- `GANBU_AUDIT_KEY_FILE`: the key file (default `<VAR_DIR>/audit_signing_key`), base64 of the raw
  private key, created on first signing with mode 0600 from the first byte; refused when group or
  others may read it. In production keep it out of the data directory (or use the variable): whoever
  copies the directory with the SQLite file must not get the key with it.
- `GANBU_AUDIT_VERIFY_KEY`: base64 of raw Ed25519 public keys, comma-separated, for a verifier that
  does not hold the private key (also how an old key stays valid after rotation).
- `GANBU_AUDIT_ANCHOR_FILE`: where sealing a ballot session appends an anchor; empty = no anchor
  at sealing (the daily `audit_anchor --out FILE` still runs).
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from ganbu.audit.rules import key_id
from ganbu.env import env_str, write_private_file

KEY_FILE_NAME = "audit_signing_key"
RAW_KEY_BYTES = 32


class SigningKeyError(ImproperlyConfigured):
    """A missing, malformed or exposed key (the message is Chinese and says which)."""


def _setting(name: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        return env_str(name, "")
    return str(value)


def key_file() -> Path:
    configured = _setting("GANBU_AUDIT_KEY_FILE")
    return Path(configured) if configured else Path(settings.VAR_DIR) / KEY_FILE_NAME


def anchor_file() -> Path | None:
    configured = _setting("GANBU_AUDIT_ANCHOR_FILE")
    return Path(configured) if configured else None


def _raw_key(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SigningKeyError(f"{what}不是 base64") from exc
    if len(raw) != RAW_KEY_BYTES:
        raise SigningKeyError(f"{what}应为 {RAW_KEY_BYTES} 字节，实为 {len(raw)} 字节")
    return raw


def _read_key_file(path: Path) -> Ed25519PrivateKey:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SigningKeyError(f"锚点签名密钥文件 {path} 对其他用户可读（{oct(mode)}）：改为 600 后再用")
    return Ed25519PrivateKey.from_private_bytes(_raw_key(path.read_text(), f"锚点签名密钥文件 {path}"))


def existing_signing_key() -> Ed25519PrivateKey | None:
    """The private key from GANBU_AUDIT_SIGNING_KEY, else from the key file; None when there is
    neither (never creates one: verification must not invent the key it checks with)."""
    from_env = _setting("GANBU_AUDIT_SIGNING_KEY")
    if from_env:
        return Ed25519PrivateKey.from_private_bytes(_raw_key(from_env, "GANBU_AUDIT_SIGNING_KEY"))
    path = key_file()
    return _read_key_file(path) if path.exists() else None


def signing_key() -> Ed25519PrivateKey:
    """The private key to sign with; the key file is created (0600 from the first byte) on first use
    when there is no key yet."""
    existing = existing_signing_key()
    if existing is not None:
        return existing
    path = key_file()
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # Written whole under a temporary name, then linked into place: two processes signing their
    # first anchor at once end with one key, and nobody reads a half-written file.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    write_private_file(temporary, base64.b64encode(raw).decode("ascii") + "\n")
    try:
        os.link(temporary, path)
    except FileExistsError:
        return _read_key_file(path)
    finally:
        temporary.unlink()
    return key


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys anchors are checked with, by key id: those of GANBU_AUDIT_VERIFY_KEY, and the
    public half of the signing key when there is one. Never creates a key."""
    keys: dict[str, Ed25519PublicKey] = {}
    for item in _setting("GANBU_AUDIT_VERIFY_KEY").split(","):
        if item.strip():
            public = Ed25519PublicKey.from_public_bytes(_raw_key(item, "GANBU_AUDIT_VERIFY_KEY"))
            keys[key_id(public)] = public
    private = existing_signing_key()
    if private is not None:
        keys[key_id(private.public_key())] = private.public_key()
    return keys


def public_key_text(private_key: Ed25519PrivateKey) -> str:
    """base64 of the raw public key: the value of GANBU_AUDIT_VERIFY_KEY for a verifier."""
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")
