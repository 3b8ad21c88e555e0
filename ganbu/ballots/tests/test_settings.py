"""The ballot engine's settings: read without writing, changed by one audited service on a page for
county-wide organisers, and applied where they are used (new sessions, results, slips)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from ganbu.audit.models import AuditEvent
from ganbu.ballots import conf, rules, selectors, services
from ganbu.ballots.models import BallotSettings
from ganbu.ballots.tests.factories import (
    approval_session,
    close,
    issue,
    open_,
    rating_session,
    recommendation_session,
)
from ganbu.core.conf import RequestCache
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db

DEFAULTS: dict[str, Any] = {
    "min_group_size": rules.MIN_GROUP_SIZE,
    "live_min": rules.LIVE_MIN,
    "consult_denominator": rules.CONSULT_DENOMINATOR,
    "unfit_warning_percent": rules.UNFIT_WARNING_PERCENT,
    "second_round_percent": rules.SECOND_ROUND_PERCENT,
    "public_base_url": rules.PUBLIC_BASE_URL,
    "turnout": rules.TURNOUT,
}


def update(**changes: Any) -> BallotSettings:
    return services.ballot_settings_update(**{**DEFAULTS, **changes}, actor=None)


def login(world: World, who: str) -> Client:
    client = Client()
    client.force_login(world.users[who])
    return client


# --- rules with a threshold: at, just below, just above ----------------------------------------


@pytest.mark.parametrize(("threshold", "warned"), [(29, True), (30, True), (31, False)])
def test_unfit_warning_is_at_or_above_the_threshold_given(threshold: int, warned: bool) -> None:
    assert rules.unfit_warning(Fraction(3, 10), threshold) is warned
    assert rules.unfit_warning(None, threshold) is False


@pytest.mark.parametrize(("threshold", "needed"), [(29, False), (30, False), (31, True)])
def test_second_round_is_below_the_threshold_given(threshold: int, needed: bool) -> None:
    assert rules.second_round_needed(Fraction(3, 10), threshold) is needed


def test_the_statutory_rules_are_not_settings() -> None:
    fields = {f.name for f in BallotSettings._meta.get_fields()}
    assert not fields & {"quorum", "decision", "pass_percent", "quorum_percent"}
    assert rules.quorum_met(2, 3) and not rules.quorum_met(1, 2)  # two thirds, exactly
    assert rules.decision_passes(6, 11) and not rules.decision_passes(5, 10)  # more than half of 应到


# --- reading and changing ----------------------------------------------------------------------


def test_reading_the_settings_writes_nothing_and_gives_the_defaults() -> None:
    settings = conf.current()
    assert not BallotSettings.objects.exists()
    assert {name: getattr(settings, name) for name in DEFAULTS} == DEFAULTS


def test_the_service_saves_validates_and_audits_before_and_after(world: World) -> None:
    row = services.ballot_settings_update(
        **{**DEFAULTS, "unfit_warning_percent": 40, "public_base_url": "https://ganbu.example.gov.cn/"},
        actor=world.users["county"],
    )
    row.refresh_from_db()
    assert (row.unfit_warning_percent, row.public_base_url) == (40, "https://ganbu.example.gov.cn")
    event = AuditEvent.objects.get(action="ballots.settings_updated")
    assert event.payload == {
        "before": {"unfit_warning_percent": 30, "public_base_url": ""},
        "after": {"unfit_warning_percent": 40, "public_base_url": "https://ganbu.example.gov.cn"},
    }
    assert event.actor_id == world.users["county"].pk
    update(unfit_warning_percent=40, public_base_url="https://ganbu.example.gov.cn")  # no change
    assert AuditEvent.objects.filter(action="ballots.settings_updated").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unfit_warning_percent": 0}, "unfit_warning_percent"),
        ({"second_round_percent": 101}, "second_round_percent"),
        ({"min_group_size": 0}, "min_group_size"),
        ({"consult_denominator": "half"}, "consult_denominator"),
        ({"public_base_url": "ganbu.example.gov.cn"}, "public_base_url"),
        ({"public_base_url": "javascript:alert(1)"}, "public_base_url"),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        update(**change)
    assert field in caught.value.message_dict
    assert conf.current().unfit_warning_percent == rules.UNFIT_WARNING_PERCENT
    assert not AuditEvent.objects.filter(action="ballots.settings_updated").exists()


def test_a_change_is_seen_by_the_rest_of_the_same_request() -> None:
    seen: list[int] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(conf.current().unfit_warning_percent)
        update(unfit_warning_percent=45)
        seen.append(conf.current().unfit_warning_percent)
        return HttpResponse()

    RequestCache(view)(RequestFactory().get("/"))
    assert seen == [30, 45]


# --- where the settings apply -----------------------------------------------------------------


def test_new_sessions_take_the_defaults_in_force(world: World) -> None:
    before = approval_session(world.county, rule="consultation")
    update(min_group_size=7, live_min=12, consult_denominator="present")
    after = approval_session(world.county, rule="consultation")
    given = approval_session(world.county, rule="consultation", denominator="expected", min_group_size=3)
    assert (before.min_group_size, before.live_min, before.denominator) == (5, 20, "expected")
    assert (after.min_group_size, after.live_min, after.denominator) == (7, 12, "present")
    assert (given.min_group_size, given.denominator) == (3, "expected")


def _rating_with_unfit(world: World, unfit: int, of: int) -> Any:
    session = rating_session(
        world.county, groups=[services.GroupSpec("村民代表", expected=of)], subjects=["李强"]
    )
    codes = issue(session, of)
    open_(session)
    for i, code in enumerate(codes):
        services.ballot_cast(code=code, answers={"李强": "不称职" if i < unfit else "称职"})
    close(session)
    return session


def test_the_unfit_warning_uses_the_threshold_in_force_and_says_it(world: World) -> None:
    session = _rating_with_unfit(world, 3, 10)  # 不称职 30%
    (li,) = selectors.session_result(session).subjects
    assert li.unfit_warning is True and li.flags == ["不称职票达到30%，不胜任现职预警"]
    update(unfit_warning_percent=31)
    result = selectors.session_result(session)
    (li,) = result.subjects
    assert li.unfit_warning is False and li.flags == []
    assert result.as_dict()["subjects"][0]["unfit_warning"] is False
    assert result.as_dict()["thresholds"] == {"unfit_warning_percent": 31, "second_round_percent": 30}
    update(unfit_warning_percent=25)
    (li,) = selectors.session_result(session).subjects
    assert li.unfit_warning is True and li.flags == ["不称职票达到25%，不胜任现职预警"]


def test_unfit_warning_is_none_outside_ratings(world: World) -> None:
    session = approval_session(world.county, expected=3, subjects=["张三"])
    codes = issue(session, 3)
    open_(session)
    for code in codes:
        services.ballot_cast(code=code, answers={"张三": "同意"})
    close(session)
    (zhang,) = selectors.session_result(session).subjects
    assert zhang.unfit_warning is None
    assert "unfit_warning" not in selectors.session_result(session).as_dict()["subjects"][0]


def test_the_second_round_uses_the_threshold_in_force_and_says_it(world: World) -> None:
    session = recommendation_session(world.county, max_choices=1, subjects=["甲", "乙", "丙", "丁"])
    codes = issue(session, 10)
    open_(session)
    for code, pick in zip(codes, ["甲", "甲", "甲", "乙", "乙", "乙", "丙", "丙", "丁", "丁"], strict=True):
        services.ballot_cast(code=code, answers={"chosen": [pick]})
    close(session)
    assert not selectors.session_result(session).flags  # top 30%: not under 30%
    update(second_round_percent=35)
    assert selectors.session_result(session).flags == ["最高得票率 30.00% 低于35%，应进行第二轮推荐"]


def test_slips_carry_the_configured_address_else_the_requests() -> None:
    request = RequestFactory().get("/")
    assert conf.public_base_url(request) == "http://testserver"
    assert conf.public_base_url() == ""
    update(public_base_url="https://ganbu.example.gov.cn")
    assert conf.public_base_url(request) == "https://ganbu.example.gov.cn"


# --- the page ----------------------------------------------------------------------------------


def test_a_county_organiser_changes_the_settings_on_the_page(world: World) -> None:
    county = login(world, "county")
    url = reverse("ballots:settings")
    page = county.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "不称职预警比例（%）" in html and "三分之二" in html
    data = {**DEFAULTS, "unfit_warning_percent": 35, "public_base_url": "https://ganbu.example.gov.cn"}
    saved = county.post(url, data, follow=True)
    assert "测评投票设置已保存" in saved.content.decode()
    row = BallotSettings.objects.get()
    assert (row.unfit_warning_percent, row.public_base_url) == (35, "https://ganbu.example.gov.cn")
    bad = county.post(url, {**data, "unfit_warning_percent": 0})
    assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    row.refresh_from_db()
    assert row.unfit_warning_percent == 35
    assert county.put(url).status_code == 405
    assert 'id="settings-link"' in county.get(reverse("ballots:session_list")).content.decode()


@pytest.mark.parametrize("who", ["clerk_a", "dept", "committee", "village_cadre"])
def test_the_page_is_only_for_county_wide_organisers(world: World, who: str) -> None:
    client = login(world, who)
    url = reverse("ballots:settings")
    assert client.get(url).status_code == 403
    assert client.post(url, {**DEFAULTS, "unfit_warning_percent": 50}).status_code == 403
    assert not BallotSettings.objects.exists()
    assert Client().get(url).status_code == 302


def test_township_organisers_see_no_settings_link(world: World) -> None:
    html = login(world, "clerk_a").get(reverse("ballots:session_list")).content.decode()
    assert 'id="settings-link"' not in html
