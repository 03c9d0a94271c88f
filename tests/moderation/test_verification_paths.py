"""Issue 14 item 1: an employer reaches the verification request by clicking
(dashboard, organisation page, posting page after a refused publish), and the
admin's queue counts every employer that waits, asked or not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.moderation import services
from stint.opportunities import services as opportunity_services
from stint.orgs.models import Organisation

from .conftest import posting

pytestmark = pytest.mark.django_db


def link(org: Organisation) -> bytes:
    return f'href="/moderation/verification/{org.pk}/"'.encode()


def test_dashboard_and_org_page_link_to_the_request_form(
    bob: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    owner = client_for(bob)
    dashboard = owner.get("/dashboard/")
    assert dashboard.status_code == 200 and link(acme) in dashboard.content
    assert b"Request verification" in dashboard.content
    org_page = owner.get(f"/orgs/{acme.pk}/")
    assert org_page.status_code == 200 and link(acme) in org_page.content


def test_refused_publish_lands_on_a_page_with_the_link(
    bob: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    draft = opportunity_services.opportunity_create(
        actor=bob, organisation_id=acme.pk, posting=posting()
    )
    r = client_for(bob).post(
        f"/opportunities/{draft.pk}/status/", {"status": "published"}, follow=True
    )
    assert b"must be verified" in r.content and link(acme) in r.content
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_pending_request_says_who_acts_next_and_queue_shows_it(
    bob: User, root: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    admin = client_for(root)
    queue = admin.get("/moderation/")
    # Not asked yet: listed apart, so the admin sees the employer is stuck.
    assert b"have not asked yet (1)" in queue.content and b"Acme" in queue.content
    services.verification_request(actor=bob, organisation_id=acme.pk)
    queue = admin.get("/moderation/")
    assert b"Employer verification (1)" in queue.content
    assert b"have not asked yet" not in queue.content
    org_page = client_for(bob).get(f"/orgs/{acme.pk}/")
    assert b"Waiting for a platform admin" in org_page.content


def test_outsider_sees_no_verification_panel(
    eve: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(eve).get(f"/orgs/{acme.pk}/").status_code == 404
    assert client_for(eve).get(f"/moderation/verification/{acme.pk}/").status_code == 404


def test_api_admin_list_shows_the_pending_request(
    bob: User,
    root: User,
    acme: Organisation,
    api_for: Callable[[User | None], Client],
) -> None:
    services.verification_request(actor=bob, organisation_id=acme.pk)
    r = api_for(root).get("/api/v1/moderation/verification-requests?status=pending")
    assert r.status_code == 200 and [v["organisation_id"] for v in r.json()["items"]] == [acme.pk]


@pytest.mark.parametrize("state", ["none", "pending", "refused", "approved"])
def test_every_verification_state_says_who_acts_next(
    state: str,
    bob: User,
    root: User,
    acme: Organisation,
    client_for: Callable[[User | None], Client],
) -> None:
    """No dead ends (issue 14): for each state of a verification request, the owner's
    organisation page shows an action or a sentence naming who acts next, and the
    admin has the buttons while one is pending."""
    if state != "none":
        vr = services.verification_request(actor=bob, organisation_id=acme.pk)
        if state == "refused":
            services.verification_refuse(
                actor=root, request_id=vr.pk, reason="Upload a registration extract."
            )
        elif state == "approved":
            services.verification_approve(actor=root, request_id=vr.pk)
    page = client_for(bob).get(f"/orgs/{acme.pk}/").content.decode()
    expected = {
        "none": "Request verification</a>",
        "pending": "Waiting for a platform admin",
        "refused": "Request verification again</a>",
        "approved": "can publish opportunities",
    }[state]
    assert expected in page
    if state == "refused":
        assert "Upload a registration extract." in page
    if state == "pending":
        admin = client_for(root)
        detail = admin.get(f"/moderation/verification/requests/{vr.pk}/").content.decode()
        assert "/approve/" in detail and "/refuse/" in detail


def test_django_admin_has_a_verify_action(
    root: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    r = client_for(root).post(
        "/admin/orgs/organisation/",
        {"action": "verify_employers", "_selected_action": [acme.pk]},
        follow=True,
    )
    assert r.status_code == 200 and b"1 employer(s) verified." in r.content
    acme.refresh_from_db()
    assert acme.is_verified
