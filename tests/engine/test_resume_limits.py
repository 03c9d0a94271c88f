"""The reading budget of resume uploads (issue 15 item 3): zip bombs, malformed
XML and oversized PDFs are refused with a reason, before or while parsing,
never as an unexpected exception."""

from __future__ import annotations

import io
import zipfile

import pytest

from stint_engine.text.resume import LIMITS, ReadLimits, read_resume


def _docx(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _with_document_xml(xml: bytes, *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A real DOCX whose word/document.xml is replaced by `xml`."""
    source = zipfile.ZipFile(io.BytesIO(_docx("Python developer")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            if item.filename == "word/document.xml":
                target.writestr(item.filename, xml, compress_type=compression)
            else:
                target.writestr(item, source.read(item.filename))
    return out.getvalue()


def _pdf_pages(n: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_normal_docx_still_reads() -> None:
    assert read_resume(_docx("Ada Lovelace", "Python and SQL"), "cv.docx").startswith("Ada")


def test_highly_compressed_docx_is_refused_as_a_bomb() -> None:
    padding = b" " * (4 * 1024 * 1024)  # 4 MB of spaces deflate to a few KB
    xml = (
        b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>' + padding + b"</w:body></w:document>"
    )
    data = _with_document_xml(xml)
    assert len(data) < 100_000
    with pytest.raises(ValueError, match="zip bomb"):
        read_resume(data, "cv.docx")


def test_docx_expanding_beyond_the_budget_is_refused() -> None:
    # Stored uncompressed (ratio 1), so only the total size can catch it.
    xml = b"<w:document>" + b"x" * 300_000 + b"</w:document>"
    data = _with_document_xml(xml, compression=zipfile.ZIP_STORED)
    limits = ReadLimits(max_unpacked_bytes=200_000)
    with pytest.raises(ValueError, match="expands to more than"):
        read_resume(data, "cv.docx", limits)


def test_docx_with_malformed_xml_is_a_clear_refusal() -> None:
    data = _with_document_xml(b"<w:document><w:body><w:p>broken")
    with pytest.raises(ValueError, match="not a readable DOCX"):
        read_resume(data, "cv.docx")


def test_pdf_page_count_is_bounded() -> None:
    with pytest.raises(ValueError, match="more than 2 pages"):
        read_resume(_pdf_pages(3), "cv.pdf", ReadLimits(max_pages=2))


def test_pdf_parse_time_is_bounded() -> None:
    with pytest.raises(ValueError, match="too long"):
        read_resume(_pdf_pages(2), "cv.pdf", ReadLimits(max_seconds=-1.0))


def test_broken_pdf_internals_are_a_clear_refusal() -> None:
    with pytest.raises(ValueError, match="not a readable PDF"):
        read_resume(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF", "cv.pdf")


def test_the_documented_defaults() -> None:
    # SECURITY.md quotes these numbers: change both together.
    assert (LIMITS.max_unpacked_bytes, LIMITS.max_ratio, LIMITS.max_pages) == (20 << 20, 100, 50)
    assert LIMITS.max_seconds == 10.0
