"""File names of the per-cadre documents and the zip of a batch (任免审批表, LRMX)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from ganbu.cadres.models import Cadre
from ganbu.cadres.services import CodeBook

_UNSAFE = re.compile(r'[\\/:*?"<>|\s]+')


def file_stem(cadre: Cadre) -> str:
    """`<姓名>_<身份证号后4位>`; `<姓名>_无身份证号<id>` when the number is missing."""
    name = _UNSAFE.sub("", cadre.name) or "干部"
    tail = cadre.id_number[-4:] if cadre.id_number else f"无身份证号{cadre.pk}"
    return f"{name}_{tail}"


def unique_name(name: str, used: set[str]) -> str:
    """`name`, or `stem(2).ext`, `stem(3).ext` … when already used in the archive."""
    candidate, n = name, 1
    stem, dot, ext = name.rpartition(".")
    while candidate in used:
        n += 1
        candidate = f"{stem}（{n}）{dot}{ext}"
    used.add(candidate)
    return candidate


def zip_per_cadre(
    cadres: Iterable[Cadre],
    *,
    filename: Callable[[Cadre], str],
    build: Callable[..., bytes],
    **options: Any,
) -> bytes:
    """One file per cadre in one zip: `build(cadre, codes=..., **options)` named `filename(cadre)`
    (made unique). Shared by the 任免审批表 and LRMX batch exports."""
    codes = CodeBook()
    out = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for cadre in cadres:
            archive.writestr(unique_name(filename(cadre), used), build(cadre, codes=codes, **options))
    return out.getvalue()
