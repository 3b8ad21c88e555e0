"""Helpers for the Word documents the system writes (python-docx)."""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import qn
from docx.shared import Pt


def set_fonts(target: Any, name: str, size: float | None = None, *, bold: bool | None = None) -> None:
    """Set the font of a run or a style for every script. python-docx's `font.name` sets only the
    Latin fonts, so Chinese text would fall back to the viewer's default without `w:eastAsia`.
    `size` and `bold` are left as inherited when None."""
    target.font.name = name
    if size is not None:
        target.font.size = Pt(size)
    if bold is not None:
        target.font.bold = bold
    r_fonts = target.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(attr), name)
