"""One colour per gender across all charts (issue 13, item 8): every series or slice of men or
women takes its colour from GanbuCharts.GENDER, and no other series uses those two colours."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = [p for p in ROOT.rglob("*.js") if "vendor" not in p.parts and "static" in p.parts]
BASE = ROOT / "static" / "ganbu" / "charts-base.js"
GENDER_WORDS = re.compile(r"\"(男|女|其中妇女)\"|\bdimension\.key === \"gender\"")


def _gender_colours() -> set[str]:
    match = re.search(
        r"var GENDER = \{ \"男\": \"(#[0-9a-f]{6})\", \"女\": \"(#[0-9a-f]{6})\" \}", BASE.read_text()
    )
    assert match, "charts-base.js defines GENDER"
    return {match.group(1), match.group(2)}


def test_gender_series_take_the_one_gender_colour() -> None:
    offences = []
    for path in SCRIPTS:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if GENDER_WORDS.search(line) and "color" in line and "GanbuCharts.GENDER" not in line:
                offences.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offences, "gender colours must come from GanbuCharts.GENDER:\n" + "\n".join(offences)


def test_no_other_series_borrows_a_gender_colour() -> None:
    colours = _gender_colours()
    offences = []
    for path in SCRIPTS:
        if path == BASE:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"name: \"[^\"]+\"", line) and any(c in line.lower() for c in colours):
                offences.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offences, "a series that is not a gender uses a gender colour:\n" + "\n".join(offences)
