"""Profile fixtures: real ESCO ids, resume files built in memory, and a private
MEDIA_ROOT per test."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from stint.matching import engine

# Real ids from the shipped taxonomy (ESCO URIs are stable).
PYTHON = "ccd0a1d9-afda-43d9-b901-96344886e14d"
SQL = "598de5b0-5b58-4ea7-8058-a4bc4d18c742"
STATISTICS = "7ee4c2ea-b349-4bd2-81a3-ec31475d4833"
DATA_ANALYST = "d3edb8f8-3a06-47a0-8fb9-9b212c006aa2"


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fake_suggestions(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Skip the engine's slow first extraction where the test is not about it."""
    found = [
        {"id": SQL, "label": "SQL", "confidence": 0.9, "evidence": "SQL"},
        {"id": STATISTICS, "label": "statistics", "confidence": 0.5, "evidence": "data analysis"},
    ]
    monkeypatch.setattr(engine, "suggest_skills", lambda text, limit=25: list(found))
    return found


def make_docx(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_pdf(text: str) -> bytes:
    """A minimal one-page PDF whose text pypdf can extract."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 72 720 Td ({escaped}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
