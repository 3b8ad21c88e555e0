"""选拔任用设置 - the county changes the rules' numbers on a page (never below the 条例), and the
checker of stored cases and `selection check` use what it saved; a file's settings still win."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.selection.conf import selection_settings
from ganbu.selection.models import SelectionRuleSettings
from ganbu.selection.services.settings import settings_update
from ganbu.testing.world import World

URL = "selection:settings"
CLEAN = Path(__file__).parent / "cases" / "clean.json"  # 任前公示 of exactly 5 working days


def _client(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


def _form(client: Client) -> dict[str, Any]:
    form: dict[str, Any] = {}
    for row in client.get(reverse(URL)).context["rows"]:
        for i in row.inputs:
            form[i.name] = i.value
    return form


def _check(*args: str) -> tuple[dict[str, Any], int]:
    out = io.StringIO()
    try:
        call_command("selection", "check", "--case", str(CLEAN), *args, stdout=out)
    except SystemExit as exc:
        return json.loads(out.getvalue()), int(exc.code or 0)
    return json.loads(out.getvalue()), 0


def test_only_the_county_office_opens_the_settings(world: World) -> None:
    county = _client(world, "county")
    html = county.get(reverse(URL)).content.decode()
    assert "任前公示最少工作日" in html and "默认：5" in html and "默认：2/3" in html
    assert 'href="/selection/settings/"' in county.get(reverse("selection:index")).content.decode()
    for who in ("clerk_a", "dept", "supervision", "committee"):
        assert _client(world, who).get(reverse(URL)).status_code == 403, who


def test_a_change_is_stored_audited_and_used_by_the_checker(world: World) -> None:
    assert _check() == ({"violations": [], "excused": [], "notices": []}, 0)
    county = _client(world, "county")
    assert county.post(reverse(URL), _form(county) | {"publicity_working_days": "6"}).status_code == 302
    assert SelectionRuleSettings.objects.get().values == {"publicity_working_days": 6}
    event = AuditEvent.objects.get(action="selection.settings")
    assert event.payload == {"before": {"任前公示最少工作日": "5"}, "after": {"任前公示最少工作日": "6"}}
    output, status = _check()
    assert status == 1 and output["violations"][0]["message"].endswith("仅 5 个工作日，少于 6 个")


def test_a_settings_file_still_wins_over_the_county_settings(world: World, tmp_path: Path) -> None:
    settings_update(actor=None, values={"publicity_working_days": 6})
    path = tmp_path / "settings.json"
    path.write_text('{"publicity_working_days": 5}', encoding="utf-8")
    assert _check("--settings", str(path))[1] == 0


def test_the_regulation_cannot_be_loosened(world: World) -> None:
    county = _client(world, "county")
    refused = county.post(
        reverse(URL),
        _form(county) | {"vote_quorum": "1/2", "publicity_working_days": "4", "recommend_ratio": "三"},
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "「差额推荐比例（每个职位至少几名）」应为不小于 0 的整数，不是「三」" in html
    loose = county.post(reverse(URL), _form(county) | {"vote_quorum": "1/2", "publicity_working_days": "4"})
    text = loose.content.decode()
    assert "「常委会到会比例」不能低于《党政领导干部选拔任用工作条例》的规定（三分之二）" in text
    assert "「任前公示最少工作日」不能低于《党政领导干部选拔任用工作条例》的规定（5 个工作日）" in text
    assert not SelectionRuleSettings.objects.exists()
    nonsense = county.post(
        reverse(URL), _form(county) | {"recommend_ratio": "0", "consult_drop_share": "60%"}
    ).content.decode()
    assert "「差额推荐比例（每个职位至少几名）」至少为 2 名（1 名即为等额）" in nonsense
    assert "「征求意见不同意票比例（超过即不再提名）」不能高于半数" in nonsense
    assert not SelectionRuleSettings.objects.exists()
    stricter = county.post(
        reverse(URL), _form(county) | {"vote_quorum": "3/4", "consult_titles": "党委书记、乡长"}
    )
    assert stricter.status_code == 302
    current = selection_settings()
    assert (current.vote_quorum.numerator, current.vote_quorum.denominator) == (3, 4)
    assert current.consult_titles == ("党委书记", "乡长")
