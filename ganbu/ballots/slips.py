"""Printed codes: an A4 PDF of QR slips with cut lines (2 × 5 per page), or a CSV with one code per
line. The QR code carries `<base>/v/#CODE`: the code is in the URL fragment, which browsers never
send to a server. The files are made from the codes once and are not stored anywhere."""

from __future__ import annotations

import io

import segno

from ganbu.ballots import codes
from ganbu.ballots.models import BallotSession, RaterGroup

COLUMNS, ROWS = 2, 5


def vote_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/v/#{codes.display(code)}"


def codes_csv(code_list: list[str]) -> bytes:
    """One code per line (displayed form, XXXX-XXXX-XXXX-XXXX), no header."""
    return "".join(f"{codes.display(c)}\n" for c in code_list).encode("utf-8")


def codes_pdf(
    *, session: BallotSession, group: RaterGroup, code_list: list[str], base_url: str, test: bool = False
) -> bytes:
    from reportlab.lib.colors import Color, black
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{session.title} 票码")
    pdf.setAuthor("干部管理系统")
    page_w, page_h = A4
    slip_w, slip_h = page_w / COLUMNS, page_h / ROWS
    grey = Color(0.55, 0.55, 0.55)
    red = Color(0.72, 0.11, 0.11)
    per_page = COLUMNS * ROWS

    def wrap(text: str, size: float, width: float, lines: int) -> list[str]:
        """Break `text` into at most `lines` lines no wider than `width` (CJK breaks anywhere)."""
        result: list[str] = []
        current = ""
        for char in text:
            if pdfmetrics.stringWidth(current + char, font, size) > width:
                result.append(current)
                current = char
                if len(result) == lines:
                    result[-1] = result[-1][:-1] + "…"
                    return result
            else:
                current += char
        return [*result, current] if current else result

    def cut_lines() -> None:
        pdf.setStrokeColor(grey)
        pdf.setLineWidth(0.4)
        pdf.setDash(3, 3)
        for c in range(1, COLUMNS):
            pdf.line(c * slip_w, 0, c * slip_w, page_h)
        for r in range(1, ROWS):
            pdf.line(0, r * slip_h, page_w, r * slip_h)
        pdf.setDash()

    for index, code in enumerate(code_list):
        if index and index % per_page == 0:
            cut_lines()
            pdf.showPage()
        slot = index % per_page
        col, row = slot % COLUMNS, slot // COLUMNS
        x0, y0 = col * slip_w, page_h - (row + 1) * slip_h
        # QR code, drawn as vector modules
        qr = segno.make(vote_url(base_url, code), error="m")
        size = 40 * mm
        border = 2
        modules = qr.symbol_size(scale=1, border=border)[0]
        cell = size / modules
        qx, qy = x0 + 6 * mm, y0 + (slip_h - size) / 2
        pdf.setFillColor(black)
        for r, line in enumerate(qr.matrix):
            for c, dark in enumerate(line):
                if dark:
                    pdf.rect(
                        qx + (c + border) * cell,
                        qy + size - (r + border + 1) * cell,
                        cell,
                        cell,
                        stroke=0,
                        fill=1,
                    )
        tx = qx + size + 4 * mm
        text_width = x0 + slip_w - 4 * mm - tx
        top = y0 + slip_h - 8 * mm
        pdf.setFont(font, 10)
        title_lines = wrap(session.title, 10, text_width, 2)
        for n, title_line in enumerate(title_lines):
            pdf.drawString(tx, top - n * 4.5 * mm, title_line)
        top -= (len(title_lines) - 1) * 4.5 * mm
        pdf.setFont(font, 9)
        pdf.drawString(tx, top - 6 * mm, wrap(f"评议人类别：{group.name}", 9, text_width, 1)[0])
        if test:
            pdf.setFillColor(red)
            pdf.setFont(font, 11)
            pdf.drawString(tx, top - 12 * mm, "模拟测试票码，正式投票无效")
            pdf.setFillColor(black)
        pdf.setFont("Courier-Bold", 12.5)
        pdf.drawString(tx, top - 20 * mm, codes.display(code))
        pdf.setFont(font, 7.5)
        pdf.drawString(tx, top - 26 * mm, "手机扫码投票；或打开下列网址输入票码：")
        pdf.drawString(tx, top - 30 * mm, f"{base_url.rstrip('/')}/v/")
        pdf.drawString(tx, top - 35 * mm, "一码一票，投后作废，不记名")
    cut_lines()
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
