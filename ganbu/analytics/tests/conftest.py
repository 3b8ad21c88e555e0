from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The freshness of the current_* fields is cached per day; tests build their own registries."""
    cache.clear()
    yield
    cache.clear()
