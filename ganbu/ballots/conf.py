"""How the ballot engine's settings are read (core/conf.py, the one settings pattern).

The values a county administrator may change live in one row, `models.BallotSettings`, edited on
the 测评投票设置 page (`/ballots/settings/`) through `services.ballot_settings_update`; their named
defaults are in rules.py. `current()` is read once per request and never written on read (a missing
row reads as the defaults). Sessions copy `min_group_size`, `live_min` and the 征求意见 denominator
when they are created; the 不称职 warning and second-round percentages are applied when a result is
computed (the value in force); `public_base_url` is printed on slips and QR codes.
"""

from __future__ import annotations

from django.http import HttpRequest

from ganbu.ballots.models import BallotSettings

__all__ = ["BallotSettings", "current", "public_base_url"]


def current() -> BallotSettings:
    """The settings in force."""
    return BallotSettings.current()


def public_base_url(request: HttpRequest | None = None) -> str:
    """The origin printed into QR codes: the administrator's setting, else the request's own
    origin (empty without a request)."""
    configured = current().public_base_url.strip().rstrip("/")
    if configured or request is None:
        return configured
    return request.build_absolute_uri("/").rstrip("/")
