"""Every privileged action writes exactly one audit entry naming who did it and
to what, inside the action's own transaction. PRIVILEGED_ACTIONS enumerates them;
a scan of the source checks that no `audit.record(action=...)` is missing here."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.core.money import Money
from stint.engagements import services as engagements
from stint.engagements.models import Engagement
from stint.institutions import services as institutions
from stint.matching.engine import search_skills
from stint.moderation import services as moderation
from stint.moderation.models import VerificationDocument
from stint.oauth import services as oauth
from stint.opportunities.models import Opportunity
from stint.orgs import services as orgs
from stint.orgs.models import Membership, Organisation
from stint.payments import services as payments
from stint.payments.models import LedgerTransaction
from stint.privacy import services as privacy
from stint.programs import services as programs
from stint.reviews import credentials
from stint.reviews import services as reviews
from stint.reviews.models import SigningKey
from stint.sso import services as sso
from tests.personas import PASSWORD
from tests.reviews.conftest import make_engagement
from tests.reviews.conftest import make_opportunity as make_reviewed_opportunity

pytestmark = pytest.mark.django_db

Target = tuple[str, object]
Act = Callable[[], Target]  # performs the action, returns what it acted on


@dataclass(frozen=True)
class Case:
    # Sets the scene and returns (the actor, the action itself).
    prepare: Callable[[pytest.FixtureRequest], tuple[User | None, Act]]
    # Entries for other privileged actions this one performs on the way
    # (approving a verification verifies the organisation).
    also: frozenset[str] = frozenset()


def f(request: pytest.FixtureRequest, name: str) -> Any:
    return request.getfixturevalue(name)


# --- Organisations ------------------------------------------------------------------------


def _org_created(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    eve = f(r, "eve")

    def act() -> Target:
        org = orgs.organisation_create(actor=eve, kind="employer", name="Eve Works")
        return ("membership", Membership.objects.get(organisation=org, user=eve).pk)

    return eve, act


def _eve_member(r: pytest.FixtureRequest) -> Membership:
    return Membership.objects.create(organisation=f(r, "acme"), user=f(r, "eve"), role="member")


def _role_changed(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    m, bob = _eve_member(r), f(r, "bob")

    def act() -> Target:
        orgs.membership_change_role(actor=bob, membership_id=m.pk, role="admin")
        return ("membership", m.pk)

    return bob, act


def _member_removed(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    m, bob = _eve_member(r), f(r, "bob")

    def act() -> Target:
        orgs.membership_remove(actor=bob, membership_id=m.pk)
        return ("membership", m.pk)

    return bob, act


def _invite(r: pytest.FixtureRequest) -> int:
    made = orgs.invitation_create(
        actor=f(r, "bob"), organisation_id=f(r, "acme").pk, email="new@acme.example"
    )
    return made.invitation.pk


def _invited(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    bob, acme = f(r, "bob"), f(r, "acme")

    def act() -> Target:
        made = orgs.invitation_create(
            actor=bob, organisation_id=acme.pk, email="new@acme.example", role="admin"
        )
        return ("invitation", made.invitation.pk)

    return bob, act


def _invitation_revoked(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    pk, bob = _invite(r), f(r, "bob")

    def act() -> Target:
        orgs.invitation_revoke(actor=bob, invitation_id=pk)
        return ("invitation", pk)

    return bob, act


def _invitation_accepted(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    from tests.personas import make_user

    made = orgs.invitation_create(
        actor=f(r, "bob"), organisation_id=f(r, "acme").pk, email="newcomer@acme.example"
    )
    newcomer = make_user("newcomer@acme.example")
    token = orgs.invitation_token(made.invitation)

    def act() -> Target:
        m = orgs.invitation_accept(actor=newcomer, token=token)
        return ("membership", m.pk)

    return newcomer, act


def _org_verified(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    root, acme = f(r, "root"), f(r, "acme")

    def act() -> Target:
        orgs.organisation_set_verified(actor=root, organisation_id=acme.pk, verified=True)
        return ("organisation", acme.pk)

    return root, act


def _org_unverified(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    root, acme = f(r, "root"), f(r, "verified_acme")

    def act() -> Target:
        orgs.organisation_set_verified(actor=root, organisation_id=acme.pk, verified=False)
        return ("organisation", acme.pk)

    return root, act


def _domain_added(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    dana, uni = f(r, "dana"), f(r, "uni")

    def act() -> Target:
        d = orgs.domain_add(actor=dana, organisation_id=uni.pk, domain="uni.example.edu")
        return ("institution_domain", d.pk)

    return dana, act


def _domain(r: pytest.FixtureRequest) -> int:
    return orgs.domain_add(
        actor=f(r, "dana"), organisation_id=f(r, "uni").pk, domain="uni.example.edu"
    ).pk


def _domain_verified(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    pk, root = _domain(r), f(r, "root")

    def act() -> Target:
        orgs.domain_verify(actor=root, domain_id=pk)
        return ("institution_domain", pk)

    return root, act


def _domain_removed(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    pk, dana = _domain(r), f(r, "dana")

    def act() -> Target:
        orgs.domain_remove(actor=dana, domain_id=pk)
        return ("institution_domain", pk)

    return dana, act


# --- Trust and safety ---------------------------------------------------------------------

PDF = SimpleUploadedFile("extract.pdf", b"%PDF-1.4\n% a registry extract\n", "application/pdf")


def _verification(r: pytest.FixtureRequest, *, documents: bool = False) -> int:
    PDF.seek(0)
    return moderation.verification_request(
        actor=f(r, "bob"), organisation_id=f(r, "acme").pk, documents=[PDF] if documents else []
    ).pk


def _verification_requested(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    bob, acme = f(r, "bob"), f(r, "acme")

    def act() -> Target:
        moderation.verification_request(actor=bob, organisation_id=acme.pk)
        return ("organisation", acme.pk)

    return bob, act


def _verification_approved(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    pk, root = _verification(r), f(r, "root")

    def act() -> Target:
        return (
            "organisation",
            moderation.verification_approve(actor=root, request_id=pk).organisation_id,
        )

    return root, act


def _verification_refused(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    pk, root = _verification(r), f(r, "root")

    def act() -> Target:
        vr = moderation.verification_refuse(actor=root, request_id=pk, reason="Unreadable scan.")
        return ("organisation", vr.organisation_id)

    return root, act


def _document_viewed(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    doc = VerificationDocument.objects.get(request_id=_verification(r, documents=True))
    root = f(r, "root")

    def act() -> Target:
        moderation.verification_document_open(actor=root, document_id=doc.pk)
        return ("verification_document", doc.pk)

    return root, act


def _suspended(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    root, eve = f(r, "root"), f(r, "eve")

    def act() -> Target:
        moderation.user_set_active(actor=root, user_id=eve.pk, active=False, reason="Spam.")
        return ("user", eve.pk)

    return root, act


def _restored(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    root, eve = f(r, "root"), f(r, "eve")
    moderation.user_set_active(actor=root, user_id=eve.pk, active=False, reason="Spam.")

    def act() -> Target:
        moderation.user_set_active(actor=root, user_id=eve.pk, active=True)
        return ("user", eve.pk)

    return root, act


def _report_resolved(action: str, on: str = "opportunity") -> Case:
    def prepare(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
        root, alice = f(r, "root"), f(r, "alice")
        target_id = f(r, "thread").pk if on == "message" else f(r, "live_posting").pk
        report = moderation.report_create(
            actor=alice, target_type=on, target_id=target_id, reason="scam"
        )

        def act() -> Target:
            moderation.report_resolve(
                actor=root, report_id=report.pk, action=action, note="Seen and acted on."
            )
            return (on, target_id)

        return root, act

    also = {"suspend_user": {"user.suspended"}, "unverify_employer": {"organisation.unverified"}}
    return Case(prepare, frozenset(also.get(action, set())))


def _held_posting(r: pytest.FixtureRequest) -> Opportunity:
    posting: Opportunity = f(r, "live_posting")
    report = moderation.report_create(
        actor=f(r, "alice"), target_type="opportunity", target_id=posting.pk, reason="scam"
    )
    moderation.report_resolve(
        actor=f(r, "root"), report_id=report.pk, action="hide_posting", note="Check the fee."
    )
    return posting


def _posting_approved(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    o, root = _held_posting(r), f(r, "root")

    def act() -> Target:
        moderation.posting_review_approve(actor=root, opportunity_id=o.pk)
        return ("opportunity", o.pk)

    return root, act


def _posting_refused(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    o, root = _held_posting(r), f(r, "root")

    def act() -> Target:
        moderation.posting_review_refuse(actor=root, opportunity_id=o.pk, reason="Pay more.")
        return ("opportunity", o.pk)

    return root, act


def _admin_site_change(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    root, eve = f(r, "root"), f(r, "eve")
    client: Client = f(r, "client_for")(root)
    joined = timezone.localtime(eve.date_joined)

    def act() -> Target:
        response = client.post(
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
        assert response.status_code == 302
        return ("user", eve.pk)

    return root, act


# --- Institutions --------------------------------------------------------------------------

ROSTER = "email,name,programme,graduation_year\nsam@uni.example.edu,Sam Student,BSc,2027\n"


def _roster_imported(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    dana, uni = f(r, "dana"), f(r, "uni")

    def act() -> Target:
        institutions.roster_import(
            actor=dana, institution_id=uni.pk, program_id=None, csv_text=ROSTER
        )
        return ("institution", uni.pk)

    return dana, act


def _allocation_published(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    world, dana = f(r, "ranking_program"), f(r, "dana")
    program, (churn, scraper, _) = world["program"], world["entries"]
    for student in world["students"][:2]:
        programs.student_rankings_set(
            actor=student, program_id=program.pk, entry_ids=[scraper.pk, churn.pk]
        )
    programs.program_window_close(actor=dana, program_id=program.pk)
    with f(r, "django_capture_on_commit_callbacks")(execute=True):
        run = programs.allocation_run_start(actor=dana, program_id=program.pk, optimal="student")

    def act() -> Target:
        programs.allocation_publish(actor=dana, run_id=run.pk)
        return ("program", program.pk)

    return dana, act


def _signing_key_rotated(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    credentials.platform_key()  # the development key there is before the rotation

    def act() -> Target:
        reviews.signing_key_rotate()
        return ("signing_key", SigningKey.objects.get(retired_at__isnull=True).pk)

    return None, act


# --- Institutions' single sign-on -----------------------------------------------------------


def _sign_on_saved(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    dana, uni = f(r, "dana"), f(r, "uni")

    def act() -> Target:
        f(r, "uni_oidc")  # dana sets up OpenID Connect through sign_on_save
        return ("institution", uni.pk)

    return dana, act


def _sign_on_removed(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    dana, uni = f(r, "dana"), f(r, "uni")
    f(r, "uni_oidc")

    def act() -> Target:
        sso.sign_on_remove(actor=dana, institution_id=uni.pk)
        return ("institution", uni.pk)

    return dana, act


# --- Webhooks -----------------------------------------------------------------------------


def _endpoint(r: pytest.FixtureRequest) -> Any:
    from stint.events import services as events

    return events.webhook_endpoint_create(
        actor=f(r, "bob"), organisation_id=f(r, "acme").pk, url="http://127.0.0.1:9/hook"
    )


def _webhook_created(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    bob = f(r, "bob")
    f(r, "acme")  # set the scene first: making the organisation is audited too

    def act() -> Target:
        return ("webhookendpoint", _endpoint(r).pk)

    return bob, act


def _webhook_deleted(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    from stint.events import services as events

    bob, endpoint = f(r, "bob"), _endpoint(r)

    def act() -> Target:
        events.webhook_endpoint_delete(actor=bob, endpoint_id=endpoint.pk)
        return ("webhookendpoint", endpoint.pk)

    return bob, act


def _webhook_enabled(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    from stint.events import services as events

    bob, endpoint = f(r, "bob"), _endpoint(r)
    type(endpoint).objects.filter(pk=endpoint.pk).update(is_active=False)

    def act() -> Target:
        events.webhook_endpoint_enable(actor=bob, endpoint_id=endpoint.pk)
        return ("webhookendpoint", endpoint.pk)

    return bob, act


def _webhook_replayed(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    from stint.events import services as events

    bob, acme = f(r, "bob"), f(r, "acme")
    _endpoint(r)
    event = events.record("review.received", organisation=acme, resource=acme)
    (delivery_id,) = events.event_fan_out(event_id=event.pk)

    def act() -> Target:
        replay = events.delivery_replay(actor=bob, delivery_id=delivery_id)
        return ("webhookdelivery", replay.pk)

    return bob, act


# --- Privacy ------------------------------------------------------------------------------


def _export_requested(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    alice = f(r, "alice")

    def act() -> Target:
        privacy.export_request(actor=alice)
        return ("user", alice.pk)

    return alice, act


def _account_deleted(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    eve = f(r, "eve")

    def act() -> Target:
        privacy.account_delete(actor=eve, password=PASSWORD)
        return ("user", eve.pk)

    return eve, act


# --- Work and money -----------------------------------------------------------------------


def _dispute_resolved(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    e: Engagement = f(r, "engagement")
    alice, bob, root = f(r, "alice"), f(r, "bob"), f(r, "root")
    engagements.engagement_start(actor=alice, engagement_id=e.pk)
    engagements.submission_create(actor=alice, engagement_id=e.pk, text="Here it is.")
    engagements.dispute_open(actor=bob, engagement_id=e.pk, statement="Not what we asked.")

    def act() -> Target:
        engagements.dispute_resolve(
            actor=root, engagement_id=e.pk, to_candidate_minor=35_000, resolution="Split."
        )
        return ("engagement", e.pk)

    return root, act


def _credential_revoked(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    skills = [search_skills("python")[0], search_skills("SQL")[0]]
    alice, root = f(r, "alice"), f(r, "root")
    opp = make_reviewed_opportunity(f(r, "acme"), f(r, "bob"), skills, title="Survey analysis")
    paid = make_engagement(opp, alice, status="paid")
    credential, _ = reviews.credential_issue(actor=alice, engagement_id=paid.pk)

    def act() -> Target:
        reviews.credential_revoke(actor=root, engagement_id=paid.pk, reason="Dispute upheld")
        return ("credential", credential.pk)

    return root, act


def _booked(kind: str, ref: str) -> Target:
    return ("ledger_transaction", LedgerTransaction.objects.get(kind=kind, ref=ref).pk)


def _escrow_funded(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    open_engagement = f(r, "open_engagement")

    def act() -> Target:
        e = open_engagement()  # the offer accepted → the task funds the escrow
        return _booked("escrow_fund", e.ledger_ref)

    return None, act


def _escrow_released(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    e = f(r, "engagement")

    def act() -> Target:
        payments.escrow_release(
            ref=e.ledger_ref, candidate_id=e.candidate_id, idempotency_key=f"release:{e.pk}"
        )
        return _booked("escrow_release", e.ledger_ref)

    return None, act


def _escrow_refunded(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    e = f(r, "engagement")

    def act() -> Target:
        payments.escrow_refund(
            ref=e.ledger_ref, employer_id=e.employer_id, idempotency_key=f"refund:{e.pk}"
        )
        return _booked("refund", e.ledger_ref)

    return None, act


def _escrow_split(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    e = f(r, "engagement")

    def act() -> Target:
        payments.escrow_split(
            ref=e.ledger_ref,
            employer_id=e.employer_id,
            candidate_id=e.candidate_id,
            to_candidate=Money(20_000, e.currency),
            idempotency_key=f"split:{e.pk}",
        )
        return _booked("partial_release", e.ledger_ref)

    return None, act


def _payout(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    e, alice = f(r, "engagement"), f(r, "alice")
    payments.escrow_release(
        ref=e.ledger_ref, candidate_id=alice.pk, idempotency_key=f"release:{e.pk}"
    )

    def act() -> Target:
        payout = payments.payout_request(actor=alice, currency="USD", idempotency_key="payout:1")
        return ("ledger_transaction", payout.transaction_id)

    return alice, act


# --- OAuth apps (stint.oauth) ------------------------------------------------------------------


def _oauth_app(r: pytest.FixtureRequest) -> Any:
    made = oauth.app_register(
        actor=f(r, "eve"),
        name="Sync",
        redirect_uris="https://sync.example/cb",
        client_type="public",
    )
    return made.application


def _oauth_app_registered(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    eve = f(r, "eve")

    def act() -> Target:
        made = oauth.app_register(
            actor=eve, name="Sync", redirect_uris="https://sync.example/cb", client_type="public"
        )
        return ("oauth_application", made.application.pk)

    return eve, act


def _oauth_app_deleted(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    app, eve = _oauth_app(r), f(r, "eve")

    def act() -> Target:
        oauth.app_delete(actor=eve, application_id=app.pk)
        return ("oauth_application", app.pk)

    return eve, act


def _oauth_grant_given(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    app, alice = _oauth_app(r), f(r, "alice")

    def act() -> Target:
        oauth.grant_record(actor=alice, application=app, scopes=["read"])
        return ("oauth_application", app.pk)

    return alice, act


def _oauth_grant_revoked(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    app, alice = _oauth_app(r), f(r, "alice")
    AccessToken.objects.create(
        user=alice,
        application=app,
        token="audit-test-token",
        expires=timezone.now() + timedelta(hours=1),
        scope="read",
    )

    def act() -> Target:
        oauth.grant_revoke(actor=alice, application_id=app.pk)
        return ("oauth_application", app.pk)

    return alice, act


def _server_app_registered(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    bob, acme = f(r, "bob"), f(r, "acme")

    def act() -> Target:
        oauth.server_app_register(actor=bob, organisation_id=acme.pk, name="ATS", role="member")
        return ("organisation", acme.pk)

    return bob, act


def _server_app_deleted(r: pytest.FixtureRequest) -> tuple[User | None, Act]:
    bob, acme = f(r, "bob"), f(r, "acme")
    made = oauth.server_app_register(actor=bob, organisation_id=acme.pk, name="ATS", role="member")

    def act() -> Target:
        oauth.server_app_delete(actor=bob, application_id=made.app.application.pk)
        return ("organisation", acme.pk)

    return bob, act


PRIVILEGED_ACTIONS: dict[str, Case] = {
    "membership.created": Case(_org_created),
    "membership.role_changed": Case(_role_changed),
    "membership.removed": Case(_member_removed),
    "invitation.created": Case(_invited),
    "invitation.revoked": Case(_invitation_revoked),
    "membership.created:invitation": Case(_invitation_accepted),
    "organisation.verified": Case(_org_verified),
    "organisation.unverified": Case(_org_unverified),
    "institution_domain.added": Case(_domain_added),
    "institution_domain.verified": Case(_domain_verified),
    "institution_domain.removed": Case(_domain_removed),
    "verification.requested": Case(_verification_requested),
    "verification.approved": Case(_verification_approved, frozenset({"organisation.verified"})),
    "verification.refused": Case(_verification_refused),
    "verification.document_viewed": Case(_document_viewed),
    "user.suspended": Case(_suspended),
    "user.restored": Case(_restored),
    "report.dismiss": _report_resolved("dismiss"),
    "report.warn": _report_resolved("warn"),
    "report.hide_posting": _report_resolved("hide_posting"),
    "report.unverify_employer": _report_resolved("unverify_employer"),
    "report.suspend_user": _report_resolved("suspend_user", on="message"),
    "posting.approved": Case(_posting_approved),
    "posting.refused": Case(_posting_refused),
    "admin.changed": Case(_admin_site_change),
    "webhook.create": Case(_webhook_created),
    "webhook.delete": Case(_webhook_deleted),
    "webhook.enable": Case(_webhook_enabled),
    "webhook.replay": Case(_webhook_replayed),
    "sign_on.saved": Case(_sign_on_saved),
    "sign_on.removed": Case(_sign_on_removed),
    "roster.imported": Case(_roster_imported),
    "allocation.published": Case(_allocation_published),
    "signing_key.rotated": Case(_signing_key_rotated),
    "privacy.export_requested": Case(_export_requested),
    "privacy.account_deleted": Case(_account_deleted),
    "dispute.resolved": Case(_dispute_resolved, frozenset({"money.partial_release"})),
    "credential.revoked": Case(_credential_revoked),
    "money.escrow_fund": Case(_escrow_funded),
    "money.escrow_release": Case(_escrow_released),
    "money.refund": Case(_escrow_refunded),
    "money.partial_release": Case(_escrow_split),
    "money.payout": Case(_payout),
    "oauth_app.registered": Case(_oauth_app_registered),
    "oauth_app.deleted": Case(_oauth_app_deleted),
    "oauth_grant.given": Case(_oauth_grant_given),
    "oauth_grant.revoked": Case(_oauth_grant_revoked),
    "oauth_server_app.registered": Case(_server_app_registered),
    "oauth_server_app.deleted": Case(_server_app_deleted),
}


@pytest.mark.parametrize("name", PRIVILEGED_ACTIONS)
def test_each_privileged_action_writes_one_audit_entry(
    name: str, request: pytest.FixtureRequest, django_capture_on_commit_callbacks: Any
) -> None:
    action = name.split(":")[0]
    case = PRIVILEGED_ACTIONS[name]
    actor, act = case.prepare(request)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    target_type, target_id = act()
    written = list(AuditEntry.objects.filter(pk__gt=before))
    mine = [e for e in written if e.action == action]
    assert len(mine) == 1, [e.action for e in written]
    entry = mine[0]
    assert entry.actor_id == (actor.pk if actor else None)
    assert (entry.target_type, entry.target_id) == (target_type, str(target_id))
    others = {e.action for e in written if e is not entry}
    assert others <= case.also, others


def test_a_refused_action_writes_nothing(bob: User, eve: User, acme: Organisation) -> None:
    m = Membership.objects.create(organisation=acme, user=eve, role="member")
    with pytest.raises(Exception):  # noqa: B017  (Forbidden: eve manages nothing)
        orgs.membership_change_role(actor=eve, membership_id=m.pk, role="owner")
    assert not AuditEntry.objects.filter(action="membership.role_changed").exists()


# --- Nothing privileged is left out --------------------------------------------------------

SRC = Path(__file__).resolve().parents[2] / "src" / "stint"
_CALL = re.compile(r"\brecord\(\s*(.*?)\n\s*\)", re.S)
_ACTION = re.compile(r"action=(f?)\"([a-z_.{}]+)\"(?:\s+if\s+.*?\s+else\s+\"([a-z_.]+)\")?")


def recorded_actions() -> set[str]:
    """Action names written by `audit.record(...)` calls in the source; an f-string
    such as f"report.{action}" gives its prefix with a `*`."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        text = path.read_text()
        if "record(" not in text or "audit" not in text:
            continue
        for call in _CALL.findall(text):
            for fstring, first, second in _ACTION.findall(call):
                names.add(first.split("{")[0] + "*" if fstring else first)
                if second:
                    names.add(second)
    return names


def test_the_list_names_every_recorded_action() -> None:
    found = recorded_actions()
    assert "dispute.resolved" in found and "report.*" in found  # the scan works
    listed = {name.split(":")[0] for name in PRIVILEGED_ACTIONS}
    missing = {
        a
        for a in found
        if (a.endswith("*") and not any(x.startswith(a[:-1]) for x in listed))
        or (not a.endswith("*") and a not in listed)
    }
    assert not missing, f"audited but not tested here: {sorted(missing)}"
