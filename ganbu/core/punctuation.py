"""Chinese punctuation (GB/T 15834): full-width ，：；（）！？ inside Chinese text, half-width beside
digits and Latin only. One rule for the check that guards the source (`home/tests/test_punctuation`)
and for `to_full_width`, which turns half-width marks next to Chinese characters into full-width.

A mark counts as "inside Chinese text" when a Chinese character stands right before or after it
(white space skipped), or, for a parenthesis, when the text it encloses holds a Chinese character
or its partner is full-width (「（72 人)」).
Parsers accept both widths; `normalise` makes input half-width-insensitive where a parser compares.
"""

from __future__ import annotations

import re
import unicodedata

HALF_TO_FULL = {",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"}
FULL_TO_HALF = {v: k for k, v in HALF_TO_FULL.items()}
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")


def is_cjk(char: str) -> bool:
    return bool(char) and bool(_CJK.match(char))


def _neighbour(text: str, index: int, step: int, skip: str = " \t") -> str:
    i = index + step
    while 0 <= i < len(text) and text[i] in skip:
        i += step
    return text[i] if 0 <= i < len(text) else ""


_NUMBER = " \t0123456789.%‰+-"


def _touches_chinese(text: str, i: int) -> bool:
    """A Chinese character right before or after position i, or, across numbers, on both sides
    (「占78%;35岁」 is Chinese text; 「1,000人」 and 「10:30」 are numbers)."""
    if is_cjk(_neighbour(text, i, -1)) or is_cjk(_neighbour(text, i, 1)):
        return True
    before, after = _neighbour(text, i, -1, _NUMBER), _neighbour(text, i, 1, _NUMBER)
    if i == len(text.rstrip()) - 1:  # the last mark of a literal continued on the next line
        return is_cjk(before)
    return is_cjk(before) and is_cjk(after)


def _paren_pairs(text: str) -> dict[int, int]:
    """Matching parentheses of either width: 「（72 人)」 pairs a full-width with a half-width one."""
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for i, ch in enumerate(text):
        if ch in "(（":  # half-width and full-width openers
            stack.append(i)
        elif ch in ")）" and stack:  # half-width and full-width closers
            j = stack.pop()
            pairs[i] = j
            pairs[j] = i
    return pairs


def half_width_marks(text: str) -> list[int]:
    """Positions of half-width marks that stand inside Chinese text."""
    pairs = _paren_pairs(text)
    found: set[int] = set()
    for i, ch in enumerate(text):
        if ch not in HALF_TO_FULL:
            continue
        if ch in ",:;!?":
            # "1,000", "a:b", "10:30" and English "a, b" stay; a mark touching Chinese does not
            if _touches_chinese(text, i):
                found.add(i)
        elif i in pairs and text[pairs[i]] not in "()":
            found.add(i)  # half of a pair whose other half is full-width
        elif i in pairs:
            j = pairs[i]
            a, b = min(i, j), max(i, j)
            inner = text[a + 1 : b]
            if any(is_cjk(c) for c in inner) or is_cjk(_neighbour(text, a, -1)):
                found.update((a, b))
        elif _touches_chinese(text, i):
            found.add(i)
    return sorted(found)


def to_full_width(text: str) -> str:
    """Half-width marks inside Chinese text made full-width (spaces next to them dropped)."""
    marks = set(half_width_marks(text))
    if not marks:
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if i in marks:
            while out and out[-1] == " ":
                out.pop()
            out.append(HALF_TO_FULL[ch])
        elif ch == " " and out and out[-1] in "，：；（！？" and i - 1 in marks:
            continue
        else:
            out.append(ch)
    return "".join(out)


def normalise(text: str) -> str:
    """Text as parsers compare it: NFKC (full-width letters, digits and marks made half-width)."""
    return unicodedata.normalize("NFKC", text)
