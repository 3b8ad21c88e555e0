"""Settings of the ballot engine. Each reads `settings.<NAME>` when the project sets it, else the
environment variable of the same name (typed, failing loudly on a bad value), else the default."""

from __future__ import annotations

from django.conf import settings

from ganbu.env import ConfigError, env_int, env_str


def _int(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default)


def min_group_size() -> int:
    """A rater group with fewer valid ballots than this is not shown on its own in results
    (its ballots still count in the totals the rules need)."""
    return _int("GANBU_BALLOT_MIN_GROUP_SIZE", 5)


def live_min() -> int:
    """Bodies with fewer expected voters than this (a standing committee) see no received counts on
    the big screen or the progress API until the vote is closed."""
    return _int("GANBU_BALLOT_LIVE_MIN", 20)


def consult_denominator() -> str:
    """征求意见: a nominee is dropped when 不同意 × 2 > this denominator: "expected" (应到) or
    "present" (实到). Default for new sessions; each session stores its own."""
    value = getattr(settings, "GANBU_BALLOT_CONSULT_DENOMINATOR", None) or env_str(
        "GANBU_BALLOT_CONSULT_DENOMINATOR", "expected"
    )
    if value not in {"expected", "present"}:
        raise ConfigError(f"GANBU_BALLOT_CONSULT_DENOMINATOR must be expected or present, got {value!r}")
    return str(value)


def public_base_url() -> str:
    """Origin printed into QR codes (e.g. https://ganbu.example.gov.cn). Empty: taken from the
    request, or given on the command line."""
    value = getattr(settings, "GANBU_PUBLIC_BASE_URL", None) or env_str("GANBU_PUBLIC_BASE_URL", "")
    return str(value).rstrip("/")
