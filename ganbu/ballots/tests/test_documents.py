"""Result documents and code slips: built by documents.py / slips.py, taken through
`audited_attachment` (an event naming the file, never a code), numbers as numbers in Excel, text
never a formula."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from ganbu.audit.models import AuditEvent
from ganbu.ballots import documents, selectors, services
from ganbu.ballots.models import BallotSession
from ganbu.ballots.tests.factories import close, issue, nominees, open_, rating_session
from ganbu.testing.world import World

pytestmark = pytest.mark.django_db


def _sealed_rating(world: World) -> object:
    session = rating_session(
        world.county, groups=[services.GroupSpec("村民代表", expected=10)], subjects=["=HYPERLINK(1)", "李强"]
    )
    codes = issue(session, 10)
    open_(session)
    for i, code in enumerate(codes):
        services.ballot_cast(
            code=code, answers={"=HYPERLINK(1)": "优秀", "李强": "不称职" if i < 4 else "称职"}
        )
    close(session)
    services.session_seal(session=session, actor=None)
    session.refresh_from_db()
    return session


def test_the_workbook_has_numbers_as_numbers_and_text_as_text(world: World) -> None:
    session = _sealed_rating(world)
    result = selectors.session_result(session)  # type: ignore[arg-type]
    sheet = load_workbook(io.BytesIO(documents.result_xlsx(result)))["结果"]
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value in ("=HYPERLINK(1)", "李强")}
    formula = rows["=HYPERLINK(1)"][0]
    assert formula.data_type == "s"  # written as text, not a live formula
    li = [c.value for c in rows["李强"]]
    assert li[1:5] == [0, 6, 0, 4]  # counts
    assert li[5:9] == [0, 60, 0, 40] and isinstance(li[6], int | float)  # percentages, as numbers
    assert rows["李强"][8].number_format == "0.00"
    assert li[-1] == "不称职票达到30%，不胜任现职预警"
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("不称职票达到30%的予以预警" in t for t in texts)  # the rule note prints the value in force


def test_the_word_report_prints_shares_and_the_rule_in_force(world: World) -> None:
    session = _sealed_rating(world)
    services.ballot_settings_update(
        min_group_size=5,
        live_min=20,
        consult_denominator="expected",
        unfit_warning_percent=45,
        second_round_percent=30,
        public_base_url="",
        actor=None,
    )
    document = Document(io.BytesIO(documents.result_docx(selectors.session_result(session))))  # type: ignore[arg-type]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join(p.text for p in document.paragraphs)
    assert "李强" in cells and "40.00" in cells
    assert "不称职票达到45%的予以预警" in text and "计票结果已封存" in text
    assert not any("不胜任现职" in c for c in cells)  # 40% < 45%


def test_exports_go_out_with_an_event_that_never_holds_a_code(world: World) -> None:
    session = rating_session(world.county)
    county = Client()
    county.force_login(world.users["county"])
    g = session.groups.get(name="村民代表")
    url = reverse("ballots:session_codes", args=[session.pk])
    csv = county.post(url, {"group": g.pk, "count": 4, "format": "csv"})
    pdf = county.post(url, {"group": g.pk, "count": 2, "format": "pdf", "test": "on"})
    assert csv["Cache-Control"] == "no-store" and pdf.content.startswith(b"%PDF")
    exports = list(AuditEvent.objects.filter(action="ballots.codes_export").order_by("seq"))
    assert [(e.payload["format"], e.payload["count"], e.payload["test"]) for e in exports] == [
        ("csv", 4, False),
        ("pdf", 2, True),
    ]
    assert all(e.object_id == str(session.pk) and e.unit_path == world.county.path for e in exports)
    logged = json.dumps([e.payload for e in AuditEvent.objects.all()], ensure_ascii=False)
    for code in csv.content.decode().split():
        assert code not in logged and code.replace("-", "") not in logged

    open_(session)
    close(session)
    xlsx = county.get(reverse("ballots:session_result_xlsx", args=[session.pk]))
    assert xlsx.status_code == 200 and xlsx["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="ballots.result_export")
    assert event.payload["format"] == "xlsx" and event.payload["filename"].endswith("_结果.xlsx")
    assert event.actor_id == world.users["county"].pk


def _sealed_paper(world: World, kind: str) -> BallotSession:
    """A paper session of `kind`, its hand count entered, closed and sealed."""
    extra: dict[str, Any] = {}
    if kind == "recommendation":
        extra = {"max_choices": 2, "allow_write_in": True}
    elif kind == "approval":
        extra = {"rule": "consultation"}
    session = services.session_create(
        unit=world.county,
        title="纸质票计票",
        kind=kind,
        mode="paper",
        subjects=nominees("张三", "李四"),
        groups=[services.GroupSpec("委员", expected=30)],
        actor=None,
        **extra,
    )
    write_ins: dict[str, int] | None = None
    if kind == "recommendation":
        votes: dict[str, Any] = {"张三": 17, "李四": 9}
        write_ins = {"王五": 3}
    else:
        first, second = session.options[0], session.options[1]
        votes = {"张三": {first: 17, second: 11}, "李四": {first: 9, second: 19}}
    services.paper_meeting_record(session=session, present=28, votes=votes, write_ins=write_ins)
    return session


@pytest.mark.parametrize("kind", ["recommendation", "rating", "approval"])
def test_every_kind_counted_on_paper_exports_to_word_with_every_subjects_votes(
    world: World, kind: str
) -> None:
    session = _sealed_paper(world, kind)
    county = Client()
    county.force_login(world.users["county"])
    response = county.get(reverse("ballots:session_result_docx", args=[session.pk]))
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert set(rows) == {"张三", "李四"}
    assert header[-1] == "提示" and all(len(row) == len(header) for row in rows.values())
    assert rows["张三"][1] == "17" and rows["李四"][1] == "9"
    if kind == "recommendation":
        assert header[:3] == ["姓名", "得票", "得票率（%）"]
        assert "另选他人：王五 3 票" in "\n".join(p.text for p in document.paragraphs)
    else:
        assert rows["张三"][2] == "11" and rows["李四"][2] == "19"

    xlsx = county.get(reverse("ballots:session_result_xlsx", args=[session.pk]))
    sheet = load_workbook(io.BytesIO(xlsx.content))["结果"]
    headings = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "姓名")
    assert [v for v in headings if v is not None] == header  # the workbook heads the same columns


def test_the_sealed_exports_name_the_seal_in_the_departments_words(world: World) -> None:
    session = _sealed_rating(world)
    result = selectors.session_result(session)  # type: ignore[arg-type]
    sheet = load_workbook(io.BytesIO(documents.result_xlsx(result)))["结果"]
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    document = Document(io.BytesIO(documents.result_docx(result)))
    paragraphs = [p.text for p in document.paragraphs]
    for texts in (cells, paragraphs):
        assert f"计票结果已封存，封存校验码：{session.tally_sha256}" in texts  # type: ignore[attr-defined]
        assert not any("SHA-256" in t or "哈希" in t for t in texts)
