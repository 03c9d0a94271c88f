"""The pure rules of single sign-on (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from stint.sso import rules

TODAY = date(2026, 12, 7)
MAPPING = {"email": "mail", "name": "displayName", "programme": "prog", "graduation_year": "gy"}


def test_it_reads_the_mapped_claims_including_saml_lists() -> None:
    said = rules.asserted(
        {"mail": ["Sam@Uni.Example.edu"], "displayName": ["Sam"], "prog": "BSc", "gy": ["2027"]},
        MAPPING,
        today=TODAY,
    )
    assert said == rules.Asserted("sam@uni.example.edu", "Sam", "BSc", 2027)


def test_an_unmapped_or_missing_claim_reads_as_empty() -> None:
    said = rules.asserted({"mail": "a@b.edu"}, {**MAPPING, "programme": ""}, today=TODAY)
    assert (said.name, said.programme, said.graduation_year) == ("", "", None)


@pytest.mark.parametrize(
    ("raw", "year"),
    [("2027", 2027), ("2027-06-30", 2027), ("2027/28", 2027), ("soon", None), ("3027", None)],
)
def test_graduation_year(raw: str, year: int | None) -> None:
    assert rules.graduation_year(raw, today=TODAY) == year


def test_an_idp_vouches_only_for_its_own_domains() -> None:
    assert rules.email_trusted("sam@cs.uni.example.edu", ["uni.example.edu"])
    assert not rules.email_trusted("sam@gmail.example", ["uni.example.edu"])
    assert not rules.email_trusted("sam@evil-uni.example.edu", ["uni.example.edu"])
    assert not rules.email_trusted("", ["uni.example.edu"])


def test_an_existing_account_opens_only_if_its_address_is_verified_and_owned() -> None:
    domains = ["uni.example.edu"]
    assert rules.may_sign_into_existing(
        email="sam@uni.example.edu", verified_domains=domains, existing_address_verified=True
    )
    assert not rules.may_sign_into_existing(
        email="sam@uni.example.edu", verified_domains=domains, existing_address_verified=False
    )
    assert not rules.may_sign_into_existing(
        email="sam@gmail.example", verified_domains=domains, existing_address_verified=True
    )


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("email", True),
        ("urn:oid:0.9.2342.19200300.100.1.3", True),
        ("https://uni.example.edu/claims/programme", True),
        ("two words", False),
        ("line\nbreak", False),
        ("", False),
    ],
)
def test_claim_names(name: str, ok: bool) -> None:
    assert rules.claim_name_ok(name) is ok


def test_an_institutions_sign_in_provider_is_keyed_by_its_slug() -> None:
    assert rules.provider_id_for("uni-of-testing") == "uni-of-testing"
