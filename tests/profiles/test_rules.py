"""The profile rules are pure: no database."""

from __future__ import annotations

from datetime import date

import pytest

from stint.profiles import rules
from stint.profiles.rules import ProfileFacts, completeness
from tests.profiles.conftest import make_docx, make_pdf

FULL = ProfileFacts(
    has_headline=True,
    has_bio=True,
    skills=3,
    goals=1,
    education=1,
    windows=1,
    has_location=True,
    has_resume=True,
    links=1,
    interests=2,
)


def test_an_empty_profile_starts_with_the_headline() -> None:
    meter = completeness(ProfileFacts())
    assert meter.percent == 0
    assert meter.next_step is not None and meter.next_step.startswith("Add a headline")
    assert meter.missing[0] == "headline" and len(meter.missing) == 10


def test_a_full_profile_is_100_with_nothing_next() -> None:
    meter = completeness(FULL)
    assert (meter.percent, meter.next_step, meter.missing) == (100, None, ())


def test_skills_need_three_and_the_next_step_counts_them() -> None:
    from dataclasses import replace

    meter = completeness(replace(FULL, skills=1))
    assert meter.percent == 80
    assert meter.next_step == "Add at least 3 skills with your level (you have 1)."
    assert (
        completeness(replace(FULL, skills=0)).next_step == "Add at least 3 skills with your level."
    )


def test_the_next_step_follows_the_order_of_usefulness() -> None:
    meter = completeness(ProfileFacts(has_headline=True, skills=5))
    assert meter.percent == 35
    assert meter.next_step is not None and "career goal" in meter.next_step
    only_links_missing = completeness(
        ProfileFacts(**{**FULL.__dict__, "links": 0})  # type: ignore[arg-type]
    )
    assert only_links_missing.missing == ("links",) and only_links_missing.percent == 95


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("gb", "GB"), (" de ", "DE"), ("", ""), ("UK", None), ("GBR", None), ("zz", None)],
)
def test_country_codes(raw: str, expected: str | None) -> None:
    assert rules.normalise_country(raw) == expected


def test_time_zones_are_iana_names() -> None:
    assert rules.is_time_zone("Europe/London") and rules.is_time_zone("UTC")
    for bad in ("Mars/Olympus", "europe/london", "GMT+25", "", "../etc/passwd"):
        assert not rules.is_time_zone(bad), bad


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://github.com/alice", "https://github.com/alice"),
        ("alice.dev/portfolio", "https://alice.dev/portfolio"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        ("ftp://example.com/x", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_links_are_http_urls(raw: str, expected: str | None) -> None:
    assert rules.normalise_link(raw) == expected


def test_tags_are_trimmed_and_deduplicated() -> None:
    assert rules.split_tags(" climate,  Health ; climate , health,, ") == ["climate", "Health"]


def test_windows_must_end_after_they_start_and_not_overlap() -> None:
    today = date(2030, 1, 10)
    assert rules.window_problem(date(2030, 2, 1), date(2030, 1, 31), [], today) == (
        "end",
        "The end date must be on or after the start date.",
    )
    field, _ = rules.window_problem(date(2030, 1, 1), date(2030, 1, 9), [], today)  # type: ignore[misc]
    assert field == "end"
    taken = [(date(2030, 3, 1), date(2030, 3, 31))]
    problem = rules.window_problem(date(2030, 3, 31), date(2030, 4, 10), taken, today)
    assert problem is not None and "overlaps" in problem[1]
    assert rules.window_problem(date(2030, 4, 1), date(2030, 4, 1), taken, today) is None


def test_skill_levels_and_graduation_years() -> None:
    assert [lvl for lvl in range(0, 6) if rules.is_skill_level(lvl)] == [1, 2, 3, 4]
    today = date(2030, 6, 1)
    assert rules.graduation_year_ok(None, today) and rules.graduation_year_ok(2040, today)
    assert not rules.graduation_year_ok(2041, today) and not rules.graduation_year_ok(1900, today)
    assert not rules.may_change_skill_level("verified") and rules.may_change_skill_level("resume")


def test_resume_kind_needs_extension_and_content_to_agree() -> None:
    pdf, docx = make_pdf("Python"), make_docx("Python")
    assert rules.resume_kind("cv.PDF", pdf) == "pdf"
    assert rules.resume_kind("cv.docx", docx) == "docx"
    assert rules.resume_kind("cv.txt", b"Python and SQL") == "txt"
    assert rules.resume_kind("cv.pdf", b"just text") is None  # extension lies
    assert rules.resume_kind("cv.docx", pdf) is None
    assert rules.resume_kind("cv.txt", pdf) is None  # content lies
    assert rules.resume_kind("cv.exe", b"MZ\x90\x00") is None
    assert rules.resume_kind("cv", b"Python") is None  # no extension
    import io
    import zipfile

    not_word = io.BytesIO()
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert rules.resume_kind("cv.docx", not_word.getvalue()) is None  # a zip, not a DOCX
    assert rules.resume_kind("cv.docx", b"PK\x03\x04broken") is None


def test_only_owners_and_admins_view_profiles_for_now() -> None:
    assert rules.may_view_profile(is_owner=True, is_admin=False)
    assert rules.may_view_profile(is_owner=False, is_admin=True)
    assert not rules.may_view_profile(is_owner=False, is_admin=False)


def test_time_zones_are_listed_sorted_with_the_common_ones() -> None:
    names = rules.time_zone_names()
    assert names == sorted(names)
    assert {"UTC", "Europe/Paris", "America/New_York"} <= set(names)
