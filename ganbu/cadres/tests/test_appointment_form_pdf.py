"""干部任免审批表 rendered to PDF by LibreOffice (headless, the Debian package
libreoffice-writer-nogui): the form takes exactly two pages for a 40-line and for a 3-line 简历,
and nothing is cut off by the exact row heights. Page images go to
test-artifacts/appointment-form/ for the issue note.

Without soffice the module is skipped (scripts/test_system_deps.sh installs it when root), except
where GANBU_REQUIRE_BROWSER=1 or CI is set: there a missing renderer is an error, as for Chromium.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_LINE_SPACING
from docx.shared import Pt

from ganbu.cadres import services
from ganbu.cadres.appointment_form import build_appointment_form, resume_lines
from ganbu.cadres.models import Cadre, EducationKind
from ganbu.cadres.tests.test_appointment_form import AS_OF, cadre_data
from ganbu.core.browser import ARTIFACTS
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def find_soffice() -> str | None:
    """LibreOffice's soffice: $GANBU_SOFFICE when set, else the one on PATH; None when missing."""
    candidate = os.environ.get("GANBU_SOFFICE") or shutil.which("soffice") or shutil.which("libreoffice")
    return candidate if candidate and Path(candidate).is_file() else None


SOFFICE = find_soffice()
OUT = ARTIFACTS / "appointment-form"

if SOFFICE is None:
    if os.environ.get("GANBU_REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
        raise RuntimeError(
            "LibreOffice (soffice) is missing but GANBU_REQUIRE_BROWSER=1 or CI is set: "
            "install libreoffice-writer-nogui (scripts/test_system_deps.sh)"
        )
    pytest.skip(
        "LibreOffice (soffice) not installed (scripts/test_system_deps.sh installs libreoffice-writer-nogui)",
        allow_module_level=True,
    )


@dataclass(frozen=True)
class Rendered:
    pdf: Path
    pages: int


def render_pdfs(documents: dict[str, bytes], workdir: Path) -> tuple[dict[str, Rendered], float]:
    """Convert every .docx in one soffice run (a private profile, so parallel runs do not share
    one); the PDFs with their page counts, and the seconds the run took."""
    assert SOFFICE is not None
    sources = []
    for name, content in documents.items():
        path = workdir / f"{name}.docx"
        path.write_bytes(content)
        sources.append(str(path))
    profile = workdir / "lo-profile"
    started = time.monotonic()
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(workdir),
            *sources,
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    seconds = time.monotonic() - started
    rendered = {}
    for name in documents:
        pdf = workdir / f"{name}.pdf"
        assert pdf.exists(), f"soffice wrote no {pdf.name}"
        rendered[name] = Rendered(pdf, pdf_pages(pdf))
    return rendered, seconds


def pdf_pages(pdf: Path) -> int:
    """Page objects of the PDF (`/Type /Page`, not `/Pages`); cross-checked with pdfinfo when
    poppler-utils is installed."""
    data = pdf.read_bytes()
    count = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", data))
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.M)
        assert match and int(match.group(1)) == count, info
    return count


def save_page_images(pdf: Path, stem: str) -> list[Path]:
    """PNG images of every page with pdftoppm (poppler-utils), for the issue note; without it none
    (libreoffice-writer-nogui has no image export) and a line in render.txt says so."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{stem}-*.png"):
        old.unlink()
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm:
        subprocess.run([pdftoppm, "-r", "90", "-png", str(pdf), str(OUT / stem)], check=True)
    return sorted(OUT.glob(f"{stem}-*.png"))


TOLERANCE_PT = 4.0  # less than one line at the smallest size (8 pt): any overflow is more


def rows_may_grow(docx: bytes) -> bytes:
    """The same form with every exact row height turned into a minimum (rows may also split) and
    each page's top margin grown until only `TOLERANCE_PT` is left at its foot: rendered so, the
    form still takes two pages only if no cell's text overflows its exact height."""
    document = Document(io.BytesIO(docx))
    paragraphs = document.paragraphs  # the title, page 1's section break, the footer line
    for table in document.tables:
        for row in table.rows:
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
            for keep in row._tr.xpath("./w:trPr/w:cantSplit"):
                keep.getparent().remove(keep)
    used = [
        _height(paragraphs[0]) + _height(paragraphs[1]) + _rows(document.tables[0]),
        _rows(document.tables[1]) + _height(paragraphs[-1]),
    ]
    for section, height in zip(document.sections, used, strict=True):
        page, top, bottom = section.page_height, section.top_margin, section.bottom_margin
        assert page is not None and top is not None and bottom is not None
        free = page.pt - top.pt - bottom.pt - height
        assert free > TOLERANCE_PT, f"the form does not fit its page: {free:.1f} pt left"
        section.top_margin = Pt(top.pt + free - TOLERANCE_PT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _height(paragraph: Any) -> float:
    fmt = paragraph.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    return sum(x.pt for x in (fmt.line_spacing, fmt.space_before, fmt.space_after) if x is not None)


def _rows(table: Any) -> float:
    return sum(row.height.pt for row in table.rows)


# --- the cadres ------------------------------------------------------------------------------

UNITS = ["甲镇", "乙镇人民政府", "县委办公室", "县农业农村局", "县乡村振兴局", "丙镇党委", "县委组织部"]
POSTS = [
    "科员",
    "党政综合办公室副主任",
    "经济发展办公室主任（主持工作）",
    "副镇长",
    "党委委员、组织委员",
    "党委副书记、纪委书记",
    "农村经济管理股股长",
]


FAMILY = [
    ("12", "陈秀兰", date(1965, 8, 1), "01", "测试县第一中学教师"),
    ("20", "李明", date(1990, 3, 1), "01", "海口市美兰区人民政府办公室科员"),
    ("30", "李静", date(1993, 11, 1), "03", "海南大学研究生"),
    ("51", "李大福", date(1938, 2, 1), "13", "已故"),
    ("52", "王桂英", date(1941, 9, 1), "13", "测试县甲镇甲村村民"),
    ("71", "李长青", date(1960, 1, 1), "01", "测试县农业农村局退休干部"),
]


def build_cadre_with_resume(world: World, *, name: str, sequence: int, posts: int) -> Cadre:
    """A cadre with a full-time study line and `posts` posts, one a year from 1985 (the last one
    open), a long career with two in-service studies nested and six family members: a 简历 of
    posts + 1 lines."""
    cadre = services.cadre_create(
        data=cadre_data(name, born=date(1963, 5, 4), sequence=sequence, work_started_on=date(1985, 7, 1)),
        unit=world.town_a,
        actor=None,
    )

    def save(record_kind: str, **data: object) -> None:
        services.record_save(cadre=cadre, kind=record_kind, data=data, actor=None)

    save(
        "education",
        kind=EducationKind.FULL_TIME,
        education="21",
        degree="4",
        school="华南农业大学",
        major="农业经济管理",
        started_on=date(1981, 9, 1),
        ended_on=date(1985, 7, 1),
    )
    for start_year in (1990, 2003)[: 2 if posts > 15 else 0]:
        save(
            "education",
            kind=EducationKind.IN_SERVICE,
            education="1A",
            school="中央党校函授学院",
            major="经济管理",
            started_on=date(start_year, 3, 1),
            ended_on=date(start_year + 2, 7, 1),
        )
    for relation, member, born, political, workplace in FAMILY[: 6 if posts > 15 else 2]:
        save(
            "family",
            relation=relation,
            name=member,
            birth_date=born,
            political_status=political,
            workplace=workplace,
        )
    for assessed in (2022, 2023, 2024):
        save("assessment", year=assessed, grade="1" if assessed == 2023 else "2")
    save("reward", kind="reward", name="优秀共产党员", granted_on=date(2019, 6, 1), authority="中共测试县委")
    year = 1985
    for i in range(posts):
        ended = None if i == posts - 1 else date(year + 1, 7, 1)
        title = f"{UNITS[i % len(UNITS)]}{POSTS[(i * 3) % len(POSTS)]}"
        save(
            "appointment",
            unit=world.town_a,
            title=title,
            started_on=date(year, 7, 1),
            ended_on=ended,
            is_primary=True,
        )
        year += 1
    cadre.refresh_from_db()
    return cadre


def resume_font_size(docx: bytes) -> float:
    """The size of the 简历 text (all its paragraphs share one)."""
    page1 = Document(io.BytesIO(docx)).tables[0]
    cell = page1.rows[-1].cells[-1]
    sizes = {run.font.size.pt for p in cell.paragraphs for run in p.runs if run.font.size}
    assert len(sizes) == 1, sizes
    return sizes.pop()


def test_the_form_renders_to_two_pages_for_a_long_and_a_short_resume(world: World, tmp_path: Path) -> None:
    long = build_cadre_with_resume(world, name="李长远", sequence=21, posts=39)
    short = build_cadre_with_resume(world, name="王短", sequence=22, posts=2)
    long_resume, short_resume = resume_lines(long), resume_lines(short)
    assert (len(long_resume), len(short_resume)) == (40, 3)
    forms = {
        name: build_appointment_form(
            cadre, as_of=AS_OF, reason="工作需要", reporting_unit="中共测试县委组织部", filled_by="赵六"
        )
        for name, cadre in (("long", long), ("short", short))
    }
    documents = {**forms, **{f"{name}-grown": rows_may_grow(docx) for name, docx in forms.items()}}

    rendered, seconds = render_pdfs(documents, tmp_path)

    pages = {name: r.pages for name, r in rendered.items()}
    # exactly two pages, and two pages still when rows may grow: no text was cut off
    assert pages == {"long": 2, "short": 2, "long-grown": 2, "short-grown": 2}, pages
    assert resume_font_size(forms["short"]) == 14  # a short 简历 keeps the template's 14 pt
    assert 8 <= resume_font_size(forms["long"]) < 14
    images = [
        *save_page_images(rendered["long"].pdf, "long-resume"),
        *save_page_images(rendered["short"].pdf, "short-resume"),
    ]
    (OUT / "long-resume.docx").write_bytes(forms["long"])
    (OUT / "render.txt").write_text(
        f"soffice {len(documents)} documents in {seconds:.1f} s; pages {pages}; "
        f"简历 sizes: long {resume_font_size(forms['long'])} pt, short {resume_font_size(forms['short'])} pt; "
        + (
            f"{len(images)} page images\n" if images else "no page images: pdftoppm (poppler-utils) missing\n"
        ),
        encoding="utf-8",
    )
