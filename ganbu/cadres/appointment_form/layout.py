"""The arithmetic of the form's layout (pure): how wide a text is, how many lines it takes in a
cell, and the largest font size at which it fits.

The national form keeps every row at an exact height, so a text that does not fit is cut off,
never pushed onto a third page. Each filled-in cell therefore gets the largest size, from
`MAX_SIZE` (14 pt, 四号) down to `MIN_SIZE` (8 pt) by half points, at which its lines fit the
cell's height (at 8 pt the lines may close up to an 8 pt pitch before anything is lost). Widths are estimated on the safe side: a Chinese character or full-width mark is
one em; a Latin letter, digit or ASCII mark is half an em in 宋体 and 仿宋 but is counted as
`HALF_WIDTH_EM` so that a renderer substituting a wider Latin font (LibreOffice without the
Chinese fonts) still fits.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_SIZE = 14.0  # pt, 四号: the size of the national form
MIN_SIZE = 8.0  # pt: smaller is no longer legible on paper
SIZE_STEP = 0.5  # Word sizes are in half points
LINE_RATIO = 1.1  # exact line pitch = size × ratio (the template: 15–16 pt lines for 14 pt text)
TIGHT_RATIO = 1.0  # the closest pitch, only at MIN_SIZE: lines touch but nothing is lost
HALF_WIDTH_EM = 0.6  # 0.5 em in 宋体/仿宋; counted wider for substituted Latin fonts
WIDTH_SLACK = 0.97  # of the cell width: rounding, kerning and the renderer's own margins

# Marks that may not begin a line (GB/T 15834 line-breaking): they stay with the text before them.
_NO_LINE_START = set("，。、；：！？）」』》〉】”’…—～%,.;:!?)]")


def char_em(ch: str) -> float:
    """The width of one character in em (wide and ambiguous East Asian characters: 1)."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else HALF_WIDTH_EM


def text_em(text: str) -> float:
    return sum(char_em(ch) for ch in text)


def _units(text: str) -> Iterator[str]:
    """Units a line is never broken inside: a run of Latin letters and digits (`2007.07--2010.12`
    breaks only at its end), one Chinese character, one space; a mark that may not begin a line is
    glued to the unit before it."""
    current = ""
    for ch in text:
        wide = char_em(ch) == 1.0
        if ch in _NO_LINE_START and current:
            current += ch
            continue
        if not wide and ch != " " and current and char_em(current[-1]) != 1.0 and current[-1] != " ":
            current += ch  # a Latin word continues
            continue
        if current:
            yield current
        current = ch
    if current:
        yield current


def line_count(text: str, width_em: float, hanging_em: float = 0.0) -> int:
    """Lines a paragraph takes in a column `width_em` wide, lines after the first indented by
    `hanging_em` (greedy filling, as Word and LibreOffice break Chinese text). An empty paragraph
    takes one line."""
    if width_em <= 0:
        raise ValueError("width_em must be positive")
    lines, used, capacity = 1, 0.0, width_em
    for unit in _units(text):
        width = text_em(unit)
        if used + width <= capacity or (unit == " " and used):
            used += width
            continue
        if used == 0 and width > capacity:  # a word longer than the line is broken anywhere
            for ch in unit:
                if used + char_em(ch) > capacity and used:
                    lines, used, capacity = lines + 1, 0.0, max(width_em - hanging_em, 1.0)
                used += char_em(ch)
            continue
        lines, used, capacity = lines + 1, width, max(width_em - hanging_em, 1.0)
    return lines


def sizes(max_size: float = MAX_SIZE, min_size: float = MIN_SIZE) -> list[float]:
    """The candidate sizes, largest first: 14, 13.5, … 8."""
    count = round((max_size - min_size) / SIZE_STEP)
    return [max_size - i * SIZE_STEP for i in range(count + 1)]


def lines_at(paragraphs: Iterable[str], size: float, width_pt: float, hanging_em: float = 0.0) -> int:
    """Lines the paragraphs take at `size` in a column `width_pt` wide."""
    width_em = width_pt * WIDTH_SLACK / size
    return sum(line_count(p, width_em, hanging_em) for p in paragraphs)


@dataclass(frozen=True)
class Fit:
    """The size and exact line pitch (pt) chosen for a cell, and whether the text fits at all."""

    size: float
    pitch: float
    fits: bool


def fit_size(
    paragraphs: Iterable[str],
    *,
    width_pt: float,
    height_pt: float,
    hanging_em: float = 0.0,
    max_size: float = MAX_SIZE,
    min_size: float = MIN_SIZE,
    ratio: float = LINE_RATIO,
) -> Fit:
    """The largest size (by half points, `max_size` down to `min_size`) at which the paragraphs,
    set with an exact line pitch of `size × ratio`, fit a cell `width_pt` × `height_pt`. At
    `min_size` the pitch may close up to the size itself (`TIGHT_RATIO`) before the text is given
    up as too long (`fits` False: the exact row height then cuts the rest off)."""
    texts = [line for p in paragraphs for line in p.split("\n")] or [""]
    for size in sizes(max_size, min_size):
        if lines_at(texts, size, width_pt, hanging_em) * size * ratio <= height_pt:
            return Fit(size, round(size * ratio, 2), True)
    lines = lines_at(texts, min_size, width_pt, hanging_em)
    pitch = max(min_size * TIGHT_RATIO, min(min_size * ratio, height_pt / lines))
    return Fit(min_size, round(pitch, 2), lines * pitch <= height_pt)
