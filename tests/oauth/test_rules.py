"""Which scope an API request needs: one table (stint.oauth.rules), no database."""

from __future__ import annotations

import pytest

from stint.oauth import rules


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "opportunities", "read"),
        ("GET", "engagements/7", "read"),
        ("POST", "applications/3/shortlist", "write"),
        ("DELETE", "saved-searches/1", "write"),
        # money, on any method where it is payment data, on writes where it moves money
        ("GET", "payments/balance", "payments"),
        ("POST", "payments/payouts", "payments"),
        ("POST", "orgs/4/payments/setup", "payments"),
        ("POST", "applications/3/offers", "payments"),
        ("POST", "offers/9/revision", "payments"),
        ("POST", "engagements/7/approval", "payments"),
        ("POST", "engagements/7/split-proposals/2/acceptance", "payments"),
        ("POST", "engagements/7/dispute/resolution", "payments"),
        ("POST", "engagements/7/dispute", "write"),  # opening a dispute moves nothing
        ("GET", "engagements/7/submissions", "read"),
        # the person's own account
        ("GET", "me", "profile"),
        ("PATCH", "profile", "profile"),
        ("POST", "privacy/exports", "profile"),
        # universities
        ("GET", "institutions/2/dashboard", "institution"),
        ("PUT", "programs/5/my-rankings", "institution"),
        ("GET", "lti/courses/1", "institution"),
        # never for apps
        ("GET", "tokens", None),
        ("POST", "tokens", None),
        ("POST", "privacy/account/delete", None),
        ("POST", "apps", None),
        ("DELETE", "authorised-apps/3", None),
        ("GET", "applications", "read"),
        ("GET", "moderation/reports", None),
        ("GET", "orgs/4/server-apps", None),
        ("DELETE", "server-apps/2", None),
        ("GET", "orgs/4/members", "read"),
        ("GET", "orgs/4/receipts", "payments"),
        ("GET", "receipts/12", "payments"),
        ("GET", "payments/statement", "payments"),
    ],
)
def test_each_request_needs_one_scope(method: str, path: str, scope: str | None) -> None:
    assert rules.required_scope(method, path) == scope


def test_a_leading_slash_and_lower_case_method_do_not_matter() -> None:
    assert rules.required_scope("post", "/payments/payouts") == "payments"


def test_prefixes_match_whole_segments() -> None:
    # "payments-report" is not the payments area, nor "meetings" the account
    assert rules.required_scope("GET", "payments-report") == "read"
    assert rules.required_scope("GET", "meetings") == "read"


def test_every_scope_a_rule_names_is_defined_and_described() -> None:
    named = {a.scope for a in rules.AREAS if a.scope is not None} | set(rules.DEFAULT_SCOPES)
    assert named <= set(rules.SCOPES)
    assert all(desc.strip() for desc in rules.SCOPES.values())
    assert rules.unknown_scopes(["read", "admin"]) == ["admin"]


def test_a_server_app_may_ask_for_what_its_role_allows() -> None:
    assert rules.server_app_scopes("member", "employer") == ("read", "write")
    assert rules.server_app_scopes("admin", "employer") == ("read", "write", "payments")
    assert rules.server_app_scopes("member", "institution") == ("read", "write", "institution")
    assert rules.server_app_scopes("owner", "employer") == ()  # never an owner
    assert all(s in rules.SCOPES for r in rules.SERVER_APP_ROLES.values() for s in r)
