from __future__ import annotations

import io

import pytest

from stint_engine.text import extract_skills, link_skill, normalise_title, read_resume


def test_it_extracts_python_and_sql_at_their_offsets() -> None:
    text = "You will build data pipelines in Python and write SQL queries every day."
    mentions = extract_skills(text)
    spans = {text[m.start : m.end]: m for m in mentions}
    assert "Python" in spans
    python = spans["Python"]
    assert (python.start, python.end) == (text.index("Python"), text.index("Python") + 6)
    assert python.label == "Python (computer programming)"
    # the CRF may tag "SQL", "SQL queries" or "write SQL queries" (SkillSpan marks all
    # three styles); each must cover the word and link to SQL
    at = text.index("SQL")
    sql = [m for m in mentions if m.start <= at and at + 3 <= m.end]
    assert sql and sql[0].label == "SQL"
    assert all(0 < m.confidence <= 1 for m in mentions)
    assert extract_skills("") == []


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("python", "Python (computer programming)"),
        ("machine learning", "machine learning"),
        ("project management skills", "project management"),
        ("talk to customers", "communicate with customers"),
    ],
)
def test_it_links_the_obvious_skill_in_the_top_three(phrase: str, expected: str) -> None:
    labels = [skill.label for skill, _ in link_skill(phrase, k=3)]
    assert expected in labels


def test_it_normalises_a_junior_title() -> None:
    labels = [occ.label for occ, _ in normalise_title("junior data analyst", k=5)]
    assert "data analyst" in labels


def _minimal_pdf(text: str) -> bytes:
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_it_reads_a_pdf_resume() -> None:
    text = read_resume(_minimal_pdf("Alice Smith, Python developer"), "cv.pdf")
    assert "Python developer" in text


def test_it_reads_a_docx_resume() -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Bob Jones")
    document.add_paragraph("Skills: SQL, Excel")
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_resume(buffer.getvalue(), "resume.docx")
    assert text.splitlines() == ["Bob Jones", "Skills: SQL, Excel"]


def test_it_reads_plain_text() -> None:
    assert read_resume("Charlie — résumé".encode(), "cv.txt") == "Charlie — résumé"


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (b"\x00\x01garbage", "cv.pdf", "not a valid PDF"),
        (b"%PDF-1.4 truncated", "cv.pdf", "PDF"),
        (b"PK\x03\x04 not a zip", "cv.docx", "not a readable DOCX"),
        (b"\x89PNG\r\n", "photo.png", "unsupported file type"),
        (b"", "cv.txt", "empty"),
    ],
)
def test_it_rejects_garbage_with_a_clear_reason(data: bytes, filename: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        read_resume(data, filename)


def test_crf_spans_sit_at_character_offsets_of_the_input() -> None:
    text = "Requirements:\n  Strong communication skills;  experience with Docker and Kubernetes."
    mentions = extract_skills(text)
    assert mentions, "the tagger finds spans in a plain requirements line"
    for m in mentions:
        span = text[m.start : m.end]
        assert span == span.strip() and span
        assert 0 < m.confidence <= 1
    found = {text[m.start : m.end] for m in mentions}
    assert "Docker" in found or "Docker and Kubernetes" in found
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)


def test_extraction_is_deterministic() -> None:
    text = "You will design REST APIs in Java, mentor juniors and work independently."
    assert extract_skills(text) == extract_skills(text)


def test_warm_up_builds_everything() -> None:
    from stint_engine.taxonomy import Taxonomy
    from stint_engine.text import warm_up
    from stint_engine.text.link import skill_index

    warm_up()
    index = skill_index(Taxonomy.load())
    assert index._char is not None  # the lazily built character part is ready


def test_array_tfidf_matches_scikit_learn() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from stint_engine.text.tfidf import CharVectoriser, WordVectoriser

    docs = ["a b", "ab cd", "python", "c++ c# c", "x y z aa", "anna ann an", "", "data data base"]
    queries = ["python data", "c++", "", "unknown words here", "an a"]
    ours = CharVectoriser()
    m = ours.fit_transform(docs)
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    r = ref.fit_transform(docs)
    assert np.allclose(
        (ours.transform(queries) @ m.T).toarray(),
        (ref.transform(queries) @ r.T).toarray(),
        atol=1e-6,
    )
    words = WordVectoriser()
    wm = words.fit_transform(docs)
    wref = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"[a-z0-9+#]+")
    wr = wref.fit_transform(docs)
    assert np.allclose(
        (words.transform(queries) @ wm.T).toarray(),
        (wref.transform(queries) @ wr.T).toarray(),
        atol=1e-6,
    )
