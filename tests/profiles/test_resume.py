"""Resume upload: checked by extension and content, stored privately, read by
the engine into suggestions that become skills only when confirmed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.core.errors import DomainError
from stint.profiles import services
from stint.profiles.models import CandidateProfile, SkillClaim
from tests.profiles.conftest import PYTHON, SQL, STATISTICS, make_docx, make_pdf

pytestmark = pytest.mark.django_db

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _stored(profile: CandidateProfile) -> Path:
    return Path(profile.resume.path)


def test_docx_round_trip_through_the_real_engine(alice: User, api_for: Any, settings: Any) -> None:
    """The one test that runs the engine's skill extraction for real."""
    api = api_for(alice)
    services.skill_add(actor=alice, skill_id=PYTHON, level=3)
    data = make_docx(
        "Alice Candidate — Economics student",
        "Experience: wrote SQL queries and Python scripts for data analysis.",
    )
    r = api.post(
        "/api/v1/profile/resume", {"resume": SimpleUploadedFile("Alice CV.docx", data, DOCX_TYPE)}
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["filename"] == "Alice CV.docx"
    suggested = {s["id"] for s in body["suggestions"]}
    assert SQL in suggested
    assert PYTHON not in suggested  # already on the profile
    # Nothing is added without confirmation.
    assert list(SkillClaim.objects.values_list("skill_id", flat=True)) == [PYTHON]
    profile = CandidateProfile.objects.get(user=alice)
    assert "SQL queries" in profile.resume_text
    path = _stored(profile)
    assert path.is_file() and path.read_bytes() == data
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert "Alice" not in path.name  # stored under a random name
    # Download it back, as its owner.
    r = api.get(body["download_url"])
    assert r.status_code == 200 and r["Content-Type"] == DOCX_TYPE
    assert b"".join(r.streaming_content) == data
    assert 'attachment; filename="Alice CV.docx"' in r["Content-Disposition"]
    # Confirm one suggestion; the others are dismissed.
    r = api.post(
        "/api/v1/profile/resume/confirm",
        {"skills": [{"skill_id": SQL, "level": 3}]},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert [(s["skill_id"], s["level"], s["source"]) for s in r.json()] == [(SQL, 3, "resume")]
    assert api.get("/api/v1/profile").json()["resume"]["suggestions"] == []


def test_pdf_upload_through_the_page_then_confirm(
    alice: User, client_for: Any, fake_suggestions: list[dict[str, Any]]
) -> None:
    page = client_for(alice)
    pdf = make_pdf("Skills: SQL, statistics and data analysis")
    r = page.post(
        "/profile/resume/", {"resume": SimpleUploadedFile("cv.pdf", pdf, "application/pdf")}
    )
    assert r.status_code == 302
    r = page.get("/profile/")
    assert b"Skills we found in your resume" in r.content and b"statistics" in r.content
    profile = CandidateProfile.objects.get(user=alice)
    assert profile.resume_text.startswith("Skills: SQL")
    assert not SkillClaim.objects.exists()
    r = page.post(
        "/profile/resume/confirm/", {"skill_id": [STATISTICS], f"level_{STATISTICS}": "4"}
    )
    assert r.status_code == 302
    assert list(SkillClaim.objects.values_list("skill_id", "level", "source")) == [
        (STATISTICS, 4, "resume")
    ]
    download = page.get("/profile/resume/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"


def test_only_suggested_skills_can_be_confirmed(
    alice: User, fake_suggestions: list[dict[str, Any]]
) -> None:
    services.resume_upload(
        actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL and statistics", "text/plain")
    )
    with pytest.raises(DomainError) as err:
        services.resume_confirm(actor=alice, levels={PYTHON: 2})
    assert err.value.field == "skills"
    with pytest.raises(DomainError) as err:
        services.resume_confirm(actor=alice, levels={SQL: 9})
    assert err.value.field == "level"
    assert not SkillClaim.objects.exists()
    assert len(CandidateProfile.objects.get(user=alice).resume_suggestions) == 2


def test_replacing_a_resume_deletes_the_old_file_after_commit(
    alice: User, fake_suggestions: list[dict[str, Any]], django_capture_on_commit_callbacks: Any
) -> None:
    first = services.resume_upload(
        actor=alice, file=SimpleUploadedFile("one.txt", b"SQL", "text/plain")
    )
    old_path = _stored(first)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = services.resume_upload(
            actor=alice, file=SimpleUploadedFile("two.pdf", make_pdf("SQL"), "application/pdf")
        )
    assert old_path.exists()  # not before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    assert not old_path.exists()
    assert _stored(second).exists() and second.resume_filename == "two.pdf"
    with django_capture_on_commit_callbacks(execute=True):
        services.resume_remove(actor=alice)
    assert not _stored(second).exists()
    profile = CandidateProfile.objects.get(user=alice)
    assert not profile.resume and profile.resume_text == "" and profile.resume_suggestions == []


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("cv.pdf", b"This is not a PDF at all", "resume_type"),
        ("cv.docx", b"PK\x03\x04 not really a zip", "resume_type"),
        ("cv.exe", b"MZ\x90\x00\x03", "resume_type"),
        ("cv.txt", b"%PDF-1.4 pretending to be text", "resume_type"),
        ("cv.txt", b"", "resume_unreadable"),
        ("cv.pdf", b"%PDF-1.4\nbroken", "resume_unreadable"),
    ],
)
def test_wrong_or_broken_files_are_refused_and_nothing_is_stored(
    alice: User, api_for: Any, settings: Any, name: str, data: bytes, code: str
) -> None:
    services.profile_get_or_create(actor=alice)
    r = api_for(alice).post("/api/v1/profile/resume", {"resume": SimpleUploadedFile(name, data)})
    assert r.status_code == 422, r.content
    assert r.json()["code"] == code
    assert r.json()["errors"] == [{"field": "resume", "message": r.json()["detail"]}]
    profile = CandidateProfile.objects.get(user=alice)
    assert not profile.resume and profile.resume_text == ""
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_an_oversize_resume_is_refused_through_page_and_api(
    alice: User, api_for: Any, client_for: Any, settings: Any
) -> None:
    settings.STINT_RESUME_MAX_BYTES = 1000
    services.profile_get_or_create(actor=alice)
    big = b"SQL " * 300
    r = api_for(alice).post("/api/v1/profile/resume", {"resume": SimpleUploadedFile("cv.txt", big)})
    assert r.status_code == 422 and r.json()["code"] == "resume_too_large"
    r = client_for(alice).post("/profile/resume/", {"resume": SimpleUploadedFile("cv.txt", big)})
    assert r.status_code == 200
    assert "Resumes are at most" in r.content.decode()
    assert not CandidateProfile.objects.get(user=alice).resume
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_resumes_have_no_public_url(
    alice: User, client_for: Any, fake_suggestions: list[dict[str, Any]]
) -> None:
    profile = services.resume_upload(
        actor=alice, file=SimpleUploadedFile("cv.txt", b"SQL", "text/plain")
    )
    assert client_for(alice).get(f"/media/{profile.resume.name}").status_code == 404
