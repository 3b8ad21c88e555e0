"""core.office: a Word document's own properties name this system and today, not the library."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
import time_machine

from ganbu.core.office import docx_bytes, new_document


def test_a_new_document_says_who_made_it_and_when() -> None:
    with time_machine.travel(datetime(2026, 11, 16, 9, 30, tzinfo=UTC), tick=False):
        document = new_document(title="任前公示")
        data = docx_bytes(document)
    properties = docx.Document(io.BytesIO(data)).core_properties
    assert properties.author == "干部管理系统" and properties.last_modified_by == "干部管理系统"
    assert properties.created == datetime(2026, 11, 16, 9, 30, tzinfo=UTC)
    assert properties.title == "任前公示"
