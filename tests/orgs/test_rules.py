from __future__ import annotations

import pytest

from stint.orgs import rules


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("owner", "owner", True),
        ("owner", "member", True),
        ("admin", "admin", True),
        ("admin", "owner", False),
        ("member", "member", False),
        (None, "member", False),
    ],
)
def test_can_grant(actor: str | None, target: str, allowed: bool) -> None:
    assert rules.can_grant(actor, target) is allowed


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Uni.Example.EDU", "uni.example.edu"),
        ("@students.uni.ac.uk.", "students.uni.ac.uk"),
        ("not a domain", None),
        ("localhost", None),
        ("-bad.example", None),
    ],
)
def test_normalise_domain(raw: str, clean: str | None) -> None:
    assert rules.normalise_domain(raw) == clean


def test_domain_covers_subdomains_but_not_lookalikes() -> None:
    assert rules.domain_covers("uni.edu", "a@uni.edu")
    assert rules.domain_covers("uni.edu", "a@cs.UNI.edu")
    assert not rules.domain_covers("uni.edu", "a@notuni.edu")
    assert not rules.domain_covers("uni.edu", "a@uni.edu.evil.com")
