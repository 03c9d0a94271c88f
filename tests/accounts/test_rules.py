"""Who must have a second factor, without a database."""

from __future__ import annotations

import pytest

from stint.accounts import rules


@pytest.mark.parametrize(
    ("admin", "roles", "required"),
    [
        (True, [], True),
        (False, ["owner"], True),
        (False, ["member", "admin"], True),
        (False, ["member"], False),
        (False, [], False),
    ],
)
def test_platform_admins_and_employer_managers_need_a_second_factor(
    admin: bool, roles: list[str], required: bool
) -> None:
    assert (
        rules.mfa_required(enabled=True, is_platform_admin=admin, employer_roles=roles) is required
    )


def test_nobody_needs_one_while_the_requirement_is_off() -> None:
    assert not rules.mfa_required(enabled=False, is_platform_admin=True, employer_roles=["owner"])


def test_an_organisations_server_app_never_needs_one() -> None:
    assert not rules.mfa_required(
        enabled=True, is_platform_admin=False, employer_roles=["admin"], is_app=True
    )


def test_setup_is_missing_only_when_required_and_absent() -> None:
    assert rules.mfa_setup_missing(required=True, has_second_factor=False)
    assert not rules.mfa_setup_missing(required=True, has_second_factor=True)
    assert not rules.mfa_setup_missing(required=False, has_second_factor=False)
