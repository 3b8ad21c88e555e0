"""Every export goes through core.downloads.attachment: a UTF-8 file name and no caching."""

from __future__ import annotations

from urllib.parse import quote

from ganbu.core.downloads import DOCX, attachment


def test_attachment_names_the_file_and_forbids_caching() -> None:
    response = attachment(b"x", "干部名册.docx", DOCX)
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == f"attachment; filename*=UTF-8''{quote('干部名册.docx')}"
    assert response["Cache-Control"] == "no-store"
