"""One-time ballot codes (票码): generation, normalisation, authenticity check and the stored digest.

A code is 16 characters of Crockford base 32 (no I, L, O, U): 13 random characters (65 bits from
`secrets`) and 3 check characters, a MAC of the random part under a key derived from SECRET_KEY.
The database stores only HMAC-SHA256(code) under a second derived key, so a database dump alone
can neither recover nor brute-force a code.

The check characters let the server tell a *used* code (genuine, but its row is gone) from a mistyped
or invented one without keeping any record of use: used codes are deleted, never marked (see
README.md, "Anonymity"). A genuine code of a wiped 模拟测试 also reads as used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 13
CHECK_LENGTH = 3
LENGTH = BODY_LENGTH + CHECK_LENGTH
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def _key(purpose: str) -> bytes:
    return hashlib.sha256(f"ganbu.ballots.{purpose}:{settings.SECRET_KEY}".encode()).digest()


def _check(body: str) -> str:
    mac = int.from_bytes(hmac.new(_key("check"), body.encode(), hashlib.sha256).digest()[:4], "big")
    chars = []
    for _ in range(CHECK_LENGTH):
        chars.append(ALPHABET[mac & 31])
        mac >>= 5
    return "".join(chars)


def random_body() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))


def new_code() -> str:
    body = random_body()
    return body + _check(body)


def normalise(raw: object) -> str | None:
    """Upper-case, drop spaces and dashes, read O as 0 and I/L as 1; None when it cannot be a code."""
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    code = "".join(raw.split()).replace("-", "").upper().translate(_READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def is_genuine(code: str) -> bool:
    """True when the check characters match: this server issued the code (whether or not it is used)."""
    return hmac.compare_digest(_check(code[:BODY_LENGTH]), code[BODY_LENGTH:])


def digest(code: str) -> str:
    return hmac.new(_key("store"), code.encode(), hashlib.sha256).hexdigest()


def placeholder_digest() -> str:
    """The digest of an unclaimed member slot: random, so no code matches it."""
    return secrets.token_hex(32)


def display(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
