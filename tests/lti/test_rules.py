"""The pure rules: course roles, scores and the audience check (no database)."""

from __future__ import annotations

from decimal import Decimal

from stint.lti import rules

M = "http://purl.imsglobal.org/vocab/lis/v2/membership"


def test_course_role_reads_full_short_and_sub_roles() -> None:
    assert rules.course_role([f"{M}#Learner"]) == "learner"
    assert rules.course_role([f"{M}#Instructor", f"{M}#Learner"]) == "instructor"
    assert rules.course_role([f"{M}/Instructor#TeachingAssistant"]) == "instructor"
    assert rules.course_role(["Learner"]) == "learner"
    assert (
        rules.course_role(["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student"])
        is None
    )
    assert rules.course_role([]) is None


def test_completion_is_full_marks_and_rating_is_scaled() -> None:
    assert rules.score_for(mode="completion", employer_rating=2.0, maximum=100).given == Decimal(
        100
    )
    assert rules.score_for(mode="rating", employer_rating=4.5, maximum=100).given == Decimal(
        "90.00"
    )
    assert rules.score_for(mode="rating", employer_rating=3.67, maximum=10).given == Decimal("7.34")
    pending = rules.score_for(mode="rating", employer_rating=None, maximum=100)
    assert pending.given == Decimal(100) and "not in yet" in pending.comment


def test_audience_must_name_the_tool() -> None:
    assert rules.audience_ok("tool", None, "tool")
    assert rules.audience_ok(["tool"], None, "tool")
    assert rules.audience_ok(["tool", "other"], "tool", "tool")
    assert not rules.audience_ok(["tool", "other"], None, "tool")
    assert not rules.audience_ok("other", None, "tool")
    assert not rules.audience_ok("tool", "other", "tool")
    assert not rules.audience_ok(None, None, "tool")


def test_origin_is_scheme_and_host() -> None:
    assert rules.origin("https://lms.example.edu:8443/a/b?c=d") == "https://lms.example.edu:8443"
