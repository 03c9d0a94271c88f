"""Resume text from PDF, DOCX or plain-text uploads."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

MAX_BYTES = 10 * 1024 * 1024


def read_resume(data: bytes, filename: str) -> str:
    """The text of a resume; ``ValueError`` with a reason for anything else."""
    if not data:
        raise ValueError(f"{filename!r} is empty")
    if len(data) > MAX_BYTES:
        raise ValueError(f"{filename!r} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        return _pdf(data, filename)
    if data.startswith(b"PK") or suffix == ".docx":
        return _docx(data, filename)
    if suffix in {"", ".txt", ".text", ".md"}:
        return _plain(data, filename)
    raise ValueError(
        f"{filename!r}: unsupported file type {suffix!r}; upload a PDF, DOCX or plain-text file"
    )


def _pdf(data: bytes, filename: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise ValueError(f"{filename!r} is not a valid PDF file")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ValueError(f"{filename!r} is a password-protected PDF")
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, OSError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{filename!r} is not a readable PDF: {exc}") from exc
    text = text.strip()
    if not text:
        raise ValueError(f"{filename!r} has no extractable text (a scanned PDF?)")
    return text


def _docx(data: bytes, filename: str) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ValueError(f"{filename!r} is not a readable DOCX file") from exc
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    text = "\n".join(p for p in parts if p.strip()).strip()
    if not text:
        raise ValueError(f"{filename!r} has no text")
    return text


def _plain(data: bytes, filename: str) -> str:
    if b"\x00" in data[:4096]:
        raise ValueError(f"{filename!r} looks binary, not plain text")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ValueError(f"{filename!r} is not text in a known encoding")
    text = text.strip()
    if not text:
        raise ValueError(f"{filename!r} has no text")
    return text
