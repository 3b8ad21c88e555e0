"""Search and sort keys of Chinese names: full pinyin and initials (pypinyin) for search, and the
stroke-order key (`core.strokes`) for 按姓氏笔画. Computed once when a name is stored."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from ganbu.core.strokes import name_sort_key

_SEPARATORS = (" ", "\u3000", "·", "•")


def _clean(name: str) -> str:
    for mark in _SEPARATORS:
        name = name.replace(mark, "")
    return name


@lru_cache(maxsize=200_000)
def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case. 「张三」 → ("zhangsan", "zs")."""
    syllables = lazy_pinyin(_clean(name), style=Style.NORMAL, errors="ignore")
    return "".join(syllables).lower(), "".join(s[0] for s in syllables if s).lower()


@lru_cache(maxsize=200_000)
def name_keys(name: str) -> tuple[str, str, str]:
    """(full pinyin, initials, stroke sort key) for a person's name."""
    full, initials = pinyin_keys(name)
    return full, initials, name_sort_key(_clean(name))
