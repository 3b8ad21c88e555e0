from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _audit_keys_in_tmp(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Every test signs with a key of its own under tmp_path; no key or anchor file of the
    environment (or of var/) is read or created."""
    settings.GANBU_AUDIT_KEY_FILE = str(tmp_path / "keys" / "audit_signing_key")  # type: ignore[attr-defined]
    settings.GANBU_AUDIT_SIGNING_KEY = ""  # type: ignore[attr-defined]
    settings.GANBU_AUDIT_VERIFY_KEY = ""  # type: ignore[attr-defined]
    settings.GANBU_AUDIT_ANCHOR_FILE = ""  # type: ignore[attr-defined]
