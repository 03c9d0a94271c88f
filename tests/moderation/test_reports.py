"""Reports → moderation actions → audit entries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.applications.models import Message
from stint.audit.models import AuditEntry
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.moderation import services
from stint.moderation.models import Report
from stint.opportunities.models import Opportunity
from stint.opportunities.selectors import BrowseQuery, browse
from stint.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_report_hide_posting_takes_it_out_of_browse(
    alice: User, root: User, live_posting: Opportunity, client_for: Callable[[User | None], Client]
) -> None:
    r = client_for(alice).post(
        "/moderation/report/",
        {"target_type": "opportunity", "target_id": live_posting.pk, "reason": "scam"},
    )
    assert r.status_code == 302
    report = Report.objects.get()
    r = client_for(root).post(
        f"/moderation/reports/{report.pk}/",
        {"action": "hide_posting", "note": "Asks for a deposit before starting."},
    )
    assert r.status_code == 302
    live_posting.refresh_from_db()
    assert live_posting.status == "in_review"
    assert live_posting not in browse(alice, BrowseQuery())
    report.refresh_from_db()
    assert report.status == "actioned" and report.action == "hide_posting"
    entry = AuditEntry.objects.get(action="report.hide_posting")
    assert entry.actor == root and entry.before["status"] == "published"
    assert entry.after["status"] == "in_review" and entry.target_id == str(live_posting.pk)


def test_suspend_user_from_a_message_report(
    alice: User, bob: User, root: User, thread: Message
) -> None:
    report = services.report_create(
        actor=alice, target_type="message", target_id=thread.pk, reason="harassment"
    )
    services.report_resolve(
        actor=root, report_id=report.pk, action="suspend_user", note="Abusive messages."
    )
    bob.refresh_from_db()
    assert bob.is_active is False
    assert AuditEntry.objects.filter(action="user.suspended", target_id=str(bob.pk)).exists()
    assert AuditEntry.objects.filter(action="report.suspend_user").exists()


def test_warn_and_unverify(alice: User, bob: User, root: User, live_posting: Opportunity) -> None:
    r1 = services.report_create(
        actor=alice, target_type="opportunity", target_id=live_posting.pk, reason="unpaid"
    )
    services.report_resolve(actor=root, report_id=r1.pk, action="warn", note="Pay fairly.")
    assert bob.notifications.filter(kind="moderation.warning").exists()
    r2 = services.report_create(
        actor=alice, target_type="opportunity", target_id=live_posting.pk, reason="scam"
    )
    services.report_resolve(
        actor=root, report_id=r2.pk, action="unverify_employer", note="Fake company."
    )
    live_posting.employer.refresh_from_db()
    assert not live_posting.employer.is_verified
    assert AuditEntry.objects.filter(action="report.unverify_employer").exists()


def test_dismiss_closes_every_open_report_on_the_target(
    alice: User, eve: User, root: User, live_posting: Opportunity
) -> None:
    for who in (alice, eve):
        services.report_create(
            actor=who, target_type="opportunity", target_id=live_posting.pk, reason="spam"
        )
    first = Report.objects.first()
    assert first is not None
    services.report_resolve(actor=root, report_id=first.pk, action="dismiss")
    assert set(Report.objects.values_list("status", flat=True)) == {"dismissed"}
    assert AuditEntry.objects.get(action="report.dismiss").after["reports"]


def test_bad_report_input_names_the_field(
    alice: User, live_posting: Opportunity, api_for: Callable[[User | None], Client]
) -> None:
    api = api_for(alice)
    body = {"target_type": "opportunity", "target_id": live_posting.pk, "reason": "nonsense"}
    r = api.post("/api/v1/reports", body, content_type="application/json")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    r = api.post(
        "/api/v1/reports", {**body, "target_type": "planet"}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "target_type"
    r = api.post(
        "/api/v1/reports", {**body, "reason": "other", "text": ""}, content_type="application/json"
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "text"
    assert not Report.objects.exists()
    r = api.post("/api/v1/reports", {**body, "reason": "scam"}, content_type="application/json")
    assert r.status_code == 201
    r = api.post("/api/v1/reports", {**body, "reason": "scam"}, content_type="application/json")
    assert r.status_code == 409


def test_reporting_what_you_cannot_see_is_not_found(
    alice: User, bob: User, carol: User, make_posting: Callable[..., Opportunity], thread: Message
) -> None:
    draft = make_posting(publish=False)
    with pytest.raises(NotFound):
        services.report_create(
            actor=alice, target_type="opportunity", target_id=draft.pk, reason="spam"
        )
    with pytest.raises(NotFound):  # carol is not in the thread
        services.report_create(
            actor=carol, target_type="message", target_id=thread.pk, reason="spam"
        )
    with pytest.raises(NotFound):
        services.report_create(
            actor=carol, target_type="profile", target_id=alice.pk, reason="spam"
        )
    with pytest.raises(DomainError):
        services.report_create(actor=bob, target_type="message", target_id=thread.pk, reason="spam")
    assert not Report.objects.exists()


def test_bad_resolution_changes_nothing(
    alice: User, root: User, thread: Message, api_for: Callable[[User | None], Client]
) -> None:
    report = services.report_create(
        actor=alice, target_type="message", target_id=thread.pk, reason="spam"
    )
    api = api_for(root)
    r = api.post(
        f"/api/v1/moderation/reports/{report.pk}/resolve",
        {"action": "hide_posting", "note": "not for messages"},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "action"
    r = api.post(
        f"/api/v1/moderation/reports/{report.pk}/resolve",
        {"action": "warn", "note": ""},
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    report.refresh_from_db()
    assert report.status == "open"
    assert not AuditEntry.objects.filter(action__startswith="report.").exists()
    services.report_resolve(actor=root, report_id=report.pk, action="dismiss")
    with pytest.raises(ConflictError):
        services.report_resolve(actor=root, report_id=report.pk, action="dismiss")


def test_admins_cannot_be_suspended_here(
    alice: User, root: User, live_posting: Opportunity, acme: Organisation
) -> None:
    live_posting.created_by = root
    live_posting.save()
    report = services.report_create(
        actor=alice, target_type="opportunity", target_id=live_posting.pk, reason="spam"
    )
    with pytest.raises(DomainError):
        services.report_resolve(
            actor=root, report_id=report.pk, action="suspend_user", note="no way"
        )
    root.refresh_from_db()
    assert root.is_active
