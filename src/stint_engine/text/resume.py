"""Resume text from PDF, DOCX or plain-text uploads, read within a fixed budget.

An upload is untrusted: a small DOCX (a zip) can expand to gigabytes of XML, a
PDF can hold thousands of pages. Every limit below is checked before or while
parsing, and every parser failure becomes a ``ValueError`` with a reason (the
web app turns it into a 422 naming the field). SECURITY.md documents them.
"""

from __future__ import annotations

import io
import time
import zipfile
from dataclasses import dataclass
from pathlib import PurePath


@dataclass(frozen=True)
class ReadLimits:
    """The reading budget of one upload."""

    max_bytes: int = 10 * 1024 * 1024  # the file as uploaded
    max_unpacked_bytes: int = 20 * 1024 * 1024  # all zip members together, uncompressed
    max_ratio: int = 100  # uncompressed / compressed, per zip member
    max_members: int = 1000  # zip entries
    max_pages: int = 50  # PDF pages
    max_seconds: float = 10.0  # parse time (checked between PDF pages and after DOCX)
    max_chars: int = 200_000  # extracted text kept


LIMITS = ReadLimits()


class Unreadable(ValueError):
    """A refusal we raise ourselves, worded for the person who uploaded the file."""


MAX_BYTES = LIMITS.max_bytes


def read_resume(data: bytes, filename: str, limits: ReadLimits = LIMITS) -> str:
    """The text of a resume; ``ValueError`` with a reason for anything else."""
    if not data:
        raise ValueError(f"{filename!r} is empty")
    if len(data) > limits.max_bytes:
        raise ValueError(f"{filename!r} is larger than {limits.max_bytes // (1024 * 1024)} MB")
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(b"%PDF") or suffix == ".pdf":
        text = _pdf(data, filename, limits)
    elif data.startswith(b"PK") or suffix == ".docx":
        text = _docx(data, filename, limits)
    elif suffix in {"", ".txt", ".text", ".md"}:
        text = _plain(data, filename)
    else:
        raise ValueError(
            f"{filename!r}: unsupported file type {suffix!r}; upload a PDF, DOCX or plain-text file"
        )
    return text[: limits.max_chars]


def _pdf(data: bytes, filename: str, limits: ReadLimits) -> str:
    from pypdf import PdfReader

    if not data.startswith(b"%PDF"):
        raise ValueError(f"{filename!r} is not a valid PDF file")
    started = time.monotonic()
    parts: list[str] = []
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable(f"{filename!r} is a password-protected PDF")
        if len(reader.pages) > limits.max_pages:
            raise Unreadable(f"{filename!r} has more than {limits.max_pages} pages")
        for page in reader.pages:
            parts.append(page.extract_text() or "")
            if time.monotonic() - started > limits.max_seconds:
                raise Unreadable(f"{filename!r} takes too long to read")
    except Unreadable:
        raise
    except Exception as exc:  # a broken file can fail anywhere inside the parser
        raise ValueError(f"{filename!r} is not a readable PDF") from exc
    text = "\n".join(parts).strip()
    if not text:
        raise ValueError(f"{filename!r} has no extractable text (a scanned PDF?)")
    return text


def _check_archive(data: bytes, filename: str, limits: ReadLimits) -> None:
    """Refuse zip bombs from the central directory, before anything is inflated.
    (The declared sizes are what zipfile enforces while reading: it stops at
    them and fails the CRC check when a member lies about its size.)"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ValueError(f"{filename!r} is not a readable DOCX file") from exc
    if len(members) > limits.max_members:
        raise ValueError(f"{filename!r} has more than {limits.max_members} parts")
    unpacked = 0
    for member in members:
        unpacked += member.file_size
        if member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise ValueError(f"{filename!r} is compressed suspiciously tightly (a zip bomb?)")
    if unpacked > limits.max_unpacked_bytes:
        mb = limits.max_unpacked_bytes // (1024 * 1024)
        raise ValueError(f"{filename!r} expands to more than {mb} MB")


def _docx(data: bytes, filename: str, limits: ReadLimits) -> str:
    import docx

    _check_archive(data, filename, limits)
    started = time.monotonic()
    try:
        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append(" | ".join(cell.text for cell in row.cells))
    except Exception as exc:  # malformed XML, missing parts, bad relationships…
        raise ValueError(f"{filename!r} is not a readable DOCX file") from exc
    if time.monotonic() - started > limits.max_seconds:
        raise ValueError(f"{filename!r} takes too long to read")
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
