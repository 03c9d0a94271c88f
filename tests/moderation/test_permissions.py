"""Non-admins never see the queue, reports, held postings or the audit log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.audit.models import AuditEntry
from stint.orgs.models import Membership, Organisation
from stint.orgs.services import membership_change_role

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/moderation/",
    "/moderation/audit/",
    "/moderation/reports/1/",
    "/moderation/verification/requests/1/",
]
ADMIN_API = [
    "/api/v1/moderation/verification-requests",
    "/api/v1/moderation/reports",
    "/api/v1/moderation/postings",
    "/api/v1/moderation/audit",
]


@pytest.mark.parametrize("who", ["alice", "bob", "eve"])
def test_non_admins_get_404(
    who: str,
    request: pytest.FixtureRequest,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
) -> None:
    user = request.getfixturevalue(who)
    for url in ADMIN_PAGES:
        assert client_for(user).get(url).status_code == 404, url
    for url in ADMIN_API:
        assert api_for(user).get(url).status_code == 404, url
    for url in ("/moderation/verification/requests/1/approve/", "/moderation/postings/1/approve/"):
        assert client_for(user).post(url).status_code == 404, url
    assert (
        api_for(user)
        .post(
            "/api/v1/moderation/reports/1/resolve",
            {"action": "dismiss"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_anonymous_is_sent_to_login(client_for: Callable[[User | None], Client]) -> None:
    assert client_for(None).get("/moderation/").status_code == 302
    assert client_for(None).get("/api/v1/moderation/audit").status_code == 401


def test_outsiders_do_not_see_an_organisations_verification(
    carol: User,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
) -> None:
    assert client_for(carol).get(f"/moderation/verification/{acme.pk}/").status_code == 404
    assert api_for(carol).get(f"/api/v1/orgs/{acme.pk}/verification-requests").status_code == 404
    r = api_for(carol).post(f"/api/v1/orgs/{acme.pk}/verification-requests", {"note": "x"})
    assert r.status_code == 404


def test_audit_covers_role_changes_and_is_searchable(
    bob: User,
    eve: User,
    root: User,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
) -> None:
    m = Membership.objects.create(organisation=acme, user=eve, role="member")
    membership_change_role(actor=bob, membership_id=m.pk, role="admin")
    entry = AuditEntry.objects.get(action="membership.role_changed")
    assert entry.before == {"role": "member"} and entry.after["role"] == "admin"
    audit.record(actor=root, action="verification.approved", target=("organisation", acme.pk))
    page = client_for(root).get("/moderation/audit/?action=membership")
    assert page.status_code == 200 and b"membership.role_changed" in page.content
    assert b"verification.approved" not in page.content
    r = api_for(root).get(f"/api/v1/moderation/audit?target_type=organisation&target_id={acme.pk}")
    assert r.status_code == 200 and [e["action"] for e in r.json()] == ["verification.approved"]
    r = api_for(root).get(f"/api/v1/moderation/audit?actor={root.pk}")
    assert {e["action"] for e in r.json()} == {"verification.approved"}
    r = api_for(root).get("/api/v1/moderation/audit?since=not-a-date")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "since"


def test_admin_flag_changes_are_audited(
    root: User, eve: User, client_for: Callable[[User | None], Client]
) -> None:
    # Outside our services, admin flags change on the Django admin site, which
    # logs every change (LogEntry); the audit app copies it with the actor.
    joined = timezone.localtime(eve.date_joined)
    r = client_for(root).post(
        f"/admin/accounts/user/{eve.pk}/change/",
        {
            "email": eve.email,
            "full_name": eve.full_name,
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": f"{joined:%Y-%m-%d}",
            "date_joined_1": f"{joined:%H:%M:%S}",
        },
    )
    assert r.status_code == 302, r.content[:2000]
    eve.refresh_from_db()
    assert eve.is_staff
    entry = AuditEntry.objects.get(action="admin.changed", target_id=str(eve.pk))
    assert entry.actor == root and entry.target_type == "user"
    assert "is staff" in entry.after["change"].lower()
