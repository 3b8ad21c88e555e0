"""The pure rules of 驻村工作 not covered elsewhere: the order of 村民小组."""

from __future__ import annotations

import pytest

from ganbu.villagework import rules


@pytest.mark.parametrize(
    ("name", "order"),
    [
        ("一组", 1),
        ("二组", 2),
        ("九组", 9),
        ("十组", 10),
        ("十一组", 11),
        ("二十组", 20),
        ("二十三组", 23),
        ("两组", 2),
        ("一百零五组", 105),
        ("3组", 3),
        ("第３村民小组", 3),
        ("第三村民小组", 3),
        ("12组", 12),
        ("新村组", rules.UNNUMBERED_GROUP),
        ("", rules.UNNUMBERED_GROUP),
    ],
)
def test_group_order_reads_the_groups_number(name: str, order: int) -> None:
    assert rules.group_order(name) == order
