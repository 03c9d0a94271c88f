"""Receipts and statements as PDF (reportlab, pure Python), the same content as
the printable HTML pages."""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from stint.payments.selectors import Receipt, Statement

_TABLE_STYLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


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
    styles = getSampleStyleSheet()
    tx = receipt.transaction
    who = receipt.organisation.name if receipt.organisation else str(receipt.candidate)
    story = [
        Paragraph(f"Stint — {receipt.title}", styles["Title"]),
        Paragraph(f"Number: STINT-{tx.pk:08d}", styles["Normal"]),
        Paragraph(f"Date: {tx.created_at:%Y-%m-%d %H:%M} UTC", styles["Normal"]),
        Paragraph(f"For: {_escape(who)}", styles["Normal"]),
        Paragraph(f"Reference: {_escape(tx.ref or '-')}", styles["Normal"]),
        Spacer(1, 8 * mm),
    ]
    rows = [["Description", "Amount"]]
    rows += [[line.label, line.money.format()] for line in receipt.lines]
    rows.append(["Total", receipt.total.format()])
    table = Table(rows, colWidths=[120 * mm, 45 * mm])
    table.setStyle(_TABLE_STYLE)
    story.append(table)
    return _document(f"{receipt.title} STINT-{tx.pk:08d}", story)


def statement_pdf(statement: Statement) -> bytes:
    styles = getSampleStyleSheet()
    story = [
        Paragraph("Stint — Earnings statement", styles["Title"]),
        Paragraph(f"For: {_escape(str(statement.candidate))}", styles["Normal"]),
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
                row.label,
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


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
