"""Receipts and statements as PDF (reportlab, pure Python), the same content as
the printable HTML pages, in fonts that draw any script (core/pdf_fonts.py)."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from stint.core import pdf_fonts
from stint.core.pdf_fonts import markup
from stint.payments.selectors import Receipt, Statement

_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, -1), pdf_fonts.REGULAR),
        ("FONTNAME", (0, 0), (-1, 0), pdf_fonts.BOLD),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _styles() -> StyleSheet1:
    pdf_fonts.register()
    styles = getSampleStyleSheet()
    for name in ("Normal", "BodyText"):
        styles[name].fontName = pdf_fonts.REGULAR
    styles["Title"].fontName = pdf_fonts.BOLD
    return styles


def _cell(text: str, styles: StyleSheet1) -> Paragraph:
    """A table cell that may hold any script (a name, a posting title)."""
    return Paragraph(markup(text), styles["BodyText"])


def _document(title: str, story: list) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author="Stint",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        invariant=1,  # the same input gives the same bytes
    )
    doc.build(story)
    return buffer.getvalue()


def receipt_pdf(receipt: Receipt) -> bytes:
    styles = _styles()
    tx = receipt.transaction
    who = receipt.organisation.name if receipt.organisation else str(receipt.candidate)
    story = [
        Paragraph(markup(f"Stint — {receipt.title}"), styles["Title"]),
        Paragraph(f"Number: STINT-{tx.pk:08d}", styles["Normal"]),
        Paragraph(f"Date: {tx.created_at:%Y-%m-%d %H:%M} UTC", styles["Normal"]),
        Paragraph(f"For: {markup(who)}", styles["Normal"]),
        Paragraph(f"Reference: {markup(tx.ref or '-')}", styles["Normal"]),
        Spacer(1, 8 * mm),
    ]
    rows = [["Description", "Amount"]]
    rows += [[_cell(line.label, styles), line.money.format()] for line in receipt.lines]
    rows.append(["Total", receipt.total.format()])
    table = Table(rows, colWidths=[120 * mm, 45 * mm])
    table.setStyle(_TABLE_STYLE)
    story.append(table)
    return _document(f"{receipt.title} STINT-{tx.pk:08d}", story)


def statement_pdf(statement: Statement) -> bytes:
    styles = _styles()
    story = [
        Paragraph("Stint — Earnings statement", styles["Title"]),
        Paragraph(f"For: {markup(str(statement.candidate))}", styles["Normal"]),
        Paragraph(
            f"Period: {statement.start:%Y-%m-%d} to {statement.end:%Y-%m-%d} ({statement.currency})",
            styles["Normal"],
        ),
        Spacer(1, 8 * mm),
    ]
    rows = [["Date", "Description", "Amount", "Balance"]]
    rows.append(["", "Opening balance", "", statement.opening.format()])
    for row in statement.rows:
        rows.append(
            [
                f"{row.transaction.created_at:%Y-%m-%d}",
                _cell(row.label, styles),
                row.money.format(),
                row.balance.format(),
            ]
        )
    rows.append(["", "Closing balance", "", statement.closing.format()])
    table = Table(rows, colWidths=[25 * mm, 75 * mm, 32 * mm, 33 * mm])
    table.setStyle(_TABLE_STYLE)
    story += [
        table,
        Spacer(1, 6 * mm),
        Paragraph(f"Earned: {statement.earned.format()}", styles["Normal"]),
        Paragraph(f"Paid out: {statement.paid_out.format()}", styles["Normal"]),
    ]
    return _document("Earnings statement", story)
