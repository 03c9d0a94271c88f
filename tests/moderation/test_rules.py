"""The pure rules of trust and safety, without a database (the posting screen's are in
tests/opportunities/test_screening_rules.py)."""

from __future__ import annotations

import pytest

from stint.core.log_masking import mask
from stint.core.ratelimit import parse_rate
from stint.moderation import rules


@pytest.mark.parametrize(
    ("email", "website", "ok"),
    [
        ("bob@acme.example", "https://www.acme.example", True),
        ("bob@acme.example", "acme.example", True),
        ("bob@acme.example", "https://careers.acme.example/jobs", True),
        ("bob@eu.acme.example", "https://acme.example", True),
        ("bob@gmail.com", "https://gmail.com", False),
        ("bob@acme-fake.example", "https://acme.example", False),
        ("bob@example", "https://acme.example", False),
        ("bob@acme.example", "", False),
    ],
)
def test_email_matches_website(email: str, website: str, ok: bool) -> None:
    assert rules.email_matches_website(email, website) is ok


def test_document_kind_needs_name_and_content_to_agree() -> None:
    assert rules.document_kind("a.pdf", b"%PDF-1.7") == "pdf"
    assert rules.document_kind("a.png", b"\x89PNG\r\n\x1a\n....") == "png"
    assert rules.document_kind("a.JPG", b"\xff\xd8\xff\xe0") == "jpg"
    assert rules.document_kind("a.pdf", b"MZ\x90\x00") is None
    assert rules.document_kind("a.exe", b"%PDF-1.7") is None


def test_parse_rate() -> None:
    assert parse_rate("10/60") == (10, 60)
    with pytest.raises(ValueError):
        parse_rate("0/60")


def test_actions_fit_targets() -> None:
    assert rules.action_allowed("opportunity", "hide_posting")
    assert not rules.action_allowed("message", "hide_posting")
    assert not rules.action_allowed("profile", "unverify_employer")


def test_log_mask_hides_emails_and_tokens() -> None:
    line = mask(
        "login alice@example.com Authorization: Bearer stint_abcdefghijkl123 password=hunter22 "
        "token=abc123"
    )
    assert "alice@example.com" not in line
    assert "stint_abcdefghijkl123" not in line
    assert "hunter22" not in line and "abc123" not in line
    assert "[email]" in line


def test_a_website_that_cannot_be_parsed_has_no_host() -> None:
    assert rules.website_host("http://[::1") is None


def test_every_action_but_dismissal_needs_a_note() -> None:
    assert not rules.needs_note("dismiss")
    assert rules.needs_note("remove")


def test_unique_keeps_the_first_of_each_in_order() -> None:
    assert rules.unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
