"""Payment and payout setup: the sandbox's immediate setup, Stripe Connect Express and
Checkout (setup mode) against recorded responses, payouts held until a candidate's
setup is done and released when it is, webhooks, pages, API and who may do what."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.core.money import Money
from stint.notifications.models import Notification
from stint.orgs.models import Membership, Organisation
from stint.payments import rules, services
from stint.payments.models import Payout, ProviderAccount, SandboxRecord
from stint.payments.providers import sandbox, signature
from stint.payments.providers.objects import (
    checkout_session_state,
    connected_account_state,
    setup_intent_state,
)
from stint.payments.providers.stripe import StripeProvider
from tests.payments.helpers import assert_reconciles
from tests.payments.stripe_replay import FIXTURES, ReplayTransport, fixture
from tests.personas import make_user

JSON = "application/json"
SECRET = "whsec_test_secret"
CONNECT_SECRET = "whsec_connect_secret"


@pytest.fixture
def cara(db: None) -> User:
    """A candidate who has not set up payouts (unlike the payments tests' Alice)."""
    return make_user("cara@example.com", candidate=True, name="Cara Candidate")


@pytest.fixture
def pat(acme: Organisation) -> User:
    """A plain member (not owner or admin) of Acme."""
    user = make_user("pat@acme.example", name="Pat Member")
    Membership.objects.create(organisation=acme, user=user, role="member")
    return user


def earn(candidate: User, amount: int = 10_000, ref: str = "engagement:1") -> None:
    services.escrow_fund(ref=ref, employer_id=99, fee=Money(amount, "USD"), idempotency_key=ref)
    services.escrow_release(ref=ref, candidate_id=candidate.pk, idempotency_key=f"rel-{ref}")


def use_stripe(
    monkeypatch: pytest.MonkeyPatch, settings: Any, routes: dict[str, tuple[int, str]]
) -> ReplayTransport:
    settings.STINT_PAYMENT_PROVIDER = "stripe"
    transport = ReplayTransport(routes)
    provider = StripeProvider(
        api_key="sk_test_123",
        webhook_secret=SECRET,
        connect_webhook_secret=CONNECT_SECRET,
        transport=transport,
    )
    # Every payments service asks `providers.get_provider` at call time.
    monkeypatch.setattr("stint.payments.providers.get_provider", lambda name=None: provider)
    return transport


def paths(transport: ReplayTransport) -> list[str]:
    return [
        f"{r.method} {r.url.split('?')[0].removeprefix('https://api.stripe.com')}"
        for r in transport.requests
    ]


# --- Reading Stripe's objects (pure) ---------------------------------------------------


def test_connected_account_states() -> None:
    created = connected_account_state(fixture("account_created"))
    assert created.status == "pending" and not created.ready
    assert created.external_id == "acct_1MTfjCQ9PRzxEwkZ"
    assert "external_account" in created.requirements
    assert len(created.requirements) == len(set(created.requirements))  # past_due ∪ currently_due
    enabled = connected_account_state(fixture("account_enabled"))
    assert enabled.ready and enabled.requirements == ()
    restricted = connected_account_state(fixture("account_restricted"))
    assert restricted.status == "restricted"
    assert restricted.requirements == ("individual.verification.document",)
    no_transfers = fixture("account_enabled")
    no_transfers["capabilities"]["transfers"] = "pending"
    assert connected_account_state(no_transfers).status == "restricted"


def test_setup_intent_and_checkout_session_states() -> None:
    intent = setup_intent_state(fixture("setup_intent_succeeded"))
    assert intent.ready and intent.payment_method == "pm_1MtwBwLkdIwHu7ixFeK0gUjq"
    assert intent.external_id == "cus_NffrFeUfNV2Hib"
    failed = fixture("setup_intent_succeeded") | {"status": "requires_payment_method"}
    assert not setup_intent_state(failed).ready and setup_intent_state(failed).payment_method == ""
    assert not checkout_session_state(fixture("checkout_session_setup_created")).ready
    done = checkout_session_state(fixture("checkout_session_setup_complete"))
    assert done.ready and done.payment_method == "pm_1MtwBwLkdIwHu7ixFeK0gUjq"


def test_country_and_masking_rules() -> None:
    assert rules.valid_country("US") and not rules.valid_country("USA")
    assert not rules.valid_country("u1") and not rules.valid_country("")
    assert rules.masked("acct_1MTfjCQ9PRzxEwkZ") == "acct_…EwkZ"
    assert rules.masked("short") == "short"


# --- Payouts held until setup, with the sandbox ----------------------------------------


@pytest.mark.django_db
def test_payout_is_held_until_setup_then_sent(
    cara: User, django_capture_on_commit_callbacks: Any
) -> None:
    earn(cara)
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(actor=cara, currency="USD", idempotency_key="p1")
    payout.refresh_from_db()
    assert payout.status == "held" and payout.amount == 10_000
    assert services.candidate_balance(cara.pk, "USD") == Money(0, "USD")  # booked, not sent
    assert SandboxRecord.objects.filter(kind="payout").count() == 0
    assert services.payout_execute(payout_id=payout.pk).status == "held"  # the task waits
    assert_reconciles()
    with django_capture_on_commit_callbacks(execute=True):
        result = services.payout_setup_start(actor=cara)
    assert result.url is None and result.account.ready
    assert result.account.external_id.startswith("sb_acct_")
    assert [p.pk for p in result.released] == [payout.pk]
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert SandboxRecord.objects.filter(kind="payout").count() == 1
    # Setting up again changes nothing and sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = services.payout_setup_start(actor=cara)
    assert again.account.pk == result.account.pk and again.released == []
    assert ProviderAccount.objects.count() == 1
    assert_reconciles()


@pytest.mark.django_db
def test_a_payout_whose_account_stops_being_ready_goes_back_on_hold(
    alice: User, settings: Any
) -> None:
    earn(alice)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    payout = services.payout_request(actor=alice, currency="USD", idempotency_key="p1")
    assert payout.status == "requested"
    ProviderAccount.objects.filter(owner_id=alice.pk).update(status="restricted")
    assert services.payout_execute(payout_id=payout.pk).status == "held"  # not failed
    assert services.candidate_balance(alice.pk, "USD") == Money(0, "USD")
    ProviderAccount.objects.filter(owner_id=alice.pk).update(status="ready")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert services.retry_pending() >= 1  # the sweep releases and sends it
    payout.refresh_from_db()
    assert payout.status == "paid"
    assert_reconciles()


@pytest.mark.django_db
def test_who_may_set_up_payouts_and_bad_country(cara: User, eve: User) -> None:
    with pytest.raises(Forbidden):
        services.payout_setup_start(actor=eve)  # not a candidate
    with pytest.raises(DomainError) as exc:
        services.payout_setup_start(actor=cara, country="U1")
    assert exc.value.field == "country" and exc.value.code == "bad_country"
    with pytest.raises(ConflictError):
        services.payout_setup_refresh(actor=cara)  # nothing started yet
    with sandbox.sandbox_failures(setup="unavailable"), pytest.raises(DomainError) as exc:
        services.payout_setup_start(actor=cara)
    assert exc.value.code == "provider_unavailable"
    assert ProviderAccount.objects.count() == 0


# --- Employers, with the sandbox -------------------------------------------------------


@pytest.mark.django_db
def test_employer_sandbox_setup_and_who_may(
    acme: Organisation, bob: User, pat: User, carol: User, root: User, uni: Organisation, dana: User
) -> None:
    with pytest.raises(Forbidden):
        services.payment_setup_start(actor=pat, organisation_id=acme.pk)
    with pytest.raises(Forbidden):
        services.payment_setup_start(actor=root, organisation_id=acme.pk)
    with pytest.raises(NotFound):
        services.payment_setup_start(actor=carol, organisation_id=acme.pk)
    with pytest.raises(NotFound):
        services.payment_setup_start(actor=dana, organisation_id=uni.pk)  # not an employer
    with pytest.raises(DomainError) as exc:
        services.payment_setup_start(actor=bob, organisation_id=acme.pk, billing_email="nope")
    assert exc.value.field == "billing_email"
    assert ProviderAccount.objects.count() == 0
    result = services.payment_setup_start(actor=bob, organisation_id=acme.pk)
    assert result.url is None and result.account.ready
    assert result.account.payment_method == sandbox.SANDBOX_CARD
    tx = services.escrow_fund(
        ref="engagement:7", employer_id=acme.pk, fee=Money(1_000, "USD"), idempotency_key="f7"
    )
    assert SandboxRecord.objects.get(provider_ref=tx.provider_ref).counterparty == (
        result.account.external_id
    )
    assert services.payment_setup_refresh(actor=bob, organisation_id=acme.pk).account.ready


# --- Stripe: candidates (Connect Express) ------------------------------------------------


@pytest.mark.django_db
def test_stripe_payout_onboarding_hold_and_release(
    cara: User,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    transport = use_stripe(
        monkeypatch,
        settings,
        {
            "/v1/payment_intents": (200, "payment_intent_succeeded"),
            "/v1/accounts": (200, "account_created"),
            "/v1/account_links": (200, "account_link_created"),
            "/v1/accounts/acct_1MTfjCQ9PRzxEwkZ": (200, "account_created"),
            "/v1/transfers": (200, "transfer_created"),
        },
    )
    start = services.payout_setup_start(actor=cara, country="us")
    assert start.url == "https://connect.stripe.com/setup/e/acct_1MTfjCQ9PRzxEwkZ/TqckGNUHg2mG"
    account = start.account
    assert account.status == "pending" and account.external_id == "acct_1MTfjCQ9PRzxEwkZ"
    assert "external_account" in account.requirements
    create, link = transport.requests
    assert create.form == {
        "type": "express",
        "country": "US",
        "email": "cara@example.com",
        "business_type": "individual",
        "capabilities[transfers][requested]": "true",
        "metadata[stint_owner]": f"candidate:{cara.pk}",
    }
    assert create.headers["Idempotency-Key"] == f"payout-account:{cara.pk}"
    assert link.form["account"] == "acct_1MTfjCQ9PRzxEwkZ"
    assert link.form["type"] == "account_onboarding"
    assert link.form["return_url"].endswith("/payments/settings/return/")
    assert link.form["refresh_url"].endswith("/payments/settings/refresh/")
    assert link.headers["Idempotency-Key"].startswith(f"payout-account:{cara.pk}:link:")

    # A payout asked for now is held: no transfer is attempted.
    ProviderAccount.objects.create(
        provider="stripe",
        owner_kind="employer",
        owner_id=99,
        external_id="cus_NffrFeUfNV2Hib",
        payment_method="pm_1MtwBwLkdIwHu7ixFeK0gUjq",
        status="ready",
    )
    earn(cara, 10_000)
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(actor=cara, currency="USD", idempotency_key="payout-1")
    assert payout.status == "held"

    # Continuing reads the account first and asks for a new link; no second account.
    transport.requests.clear()
    again = services.payout_setup_start(actor=cara)
    assert again.url and paths(transport) == [
        "GET /v1/accounts/acct_1MTfjCQ9PRzxEwkZ",
        "POST /v1/account_links",
    ]
    assert "Idempotency-Key" not in transport.requests[0].headers

    # Stripe sends the candidate back: the account is now enabled, the payout goes.
    transport.routes["/v1/accounts/acct_1MTfjCQ9PRzxEwkZ"] = (200, "account_enabled")
    transport.requests.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.payout_setup_refresh(actor=cara)
    assert done.account.ready and done.account.requirements == []
    assert [p.pk for p in done.released] == [payout.pk]
    payout.refresh_from_db()
    assert payout.status == "paid" and payout.provider_ref == "tr_1MiN3gLkdIwHu7ixNCZvFdgA"
    assert paths(transport) == ["GET /v1/accounts/acct_1MTfjCQ9PRzxEwkZ", "POST /v1/transfers"]
    assert transport.requests[1].form["destination"] == "acct_1MTfjCQ9PRzxEwkZ"
    # Ready: nothing more to do, and no call is made.
    transport.requests.clear()
    assert services.payout_setup_start(actor=cara).url is None and transport.requests == []


@pytest.mark.django_db
def test_stripe_restricted_account_and_refusal(
    cara: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    transport = use_stripe(monkeypatch, settings, {"/v1/accounts": (400, "error_account_country")})
    with pytest.raises(DomainError) as exc:
        services.payout_setup_start(actor=cara, country="ZZ")
    assert exc.value.code == "setup_refused" and "ZZ" in exc.value.message
    assert ProviderAccount.objects.count() == 0
    transport.routes.update(
        {
            "/v1/accounts": (200, "account_created"),
            "/v1/account_links": (200, "account_link_created"),
            "/v1/accounts/acct_1MTfjCQ9PRzxEwkZ": (200, "account_restricted"),
        }
    )
    services.payout_setup_start(actor=cara)
    refreshed = services.payout_setup_refresh(actor=cara)
    assert refreshed.account.status == "restricted"
    assert refreshed.account.requirements == ["individual.verification.document"]
    transport.routes["/v1/accounts/acct_1MTfjCQ9PRzxEwkZ"] = (503, "error_rate_limit")
    with pytest.raises(DomainError) as exc:
        services.payout_setup_refresh(actor=cara)
    assert exc.value.code == "provider_unavailable"
    assert ProviderAccount.objects.get().status == "restricted"  # unchanged


# --- Stripe: employers (Customer + Checkout in setup mode) ------------------------------


@pytest.mark.django_db
def test_stripe_employer_payment_setup(
    acme: Organisation, bob: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    transport = use_stripe(
        monkeypatch,
        settings,
        {
            "/v1/customers": (200, "customer_created"),
            "/v1/checkout/sessions": (200, "checkout_session_setup_created"),
            "/v1/checkout/sessions/cs_test_c1Lk4dFfUbDLyjGKxXzn5Ha5bMm3CHRHGOkHnfGyDapx6UjmxlfE6FjqXo": (
                200,
                "checkout_session_setup_complete",
            ),
            "/v1/payment_intents": (200, "payment_intent_succeeded"),
        },
    )
    start = services.payment_setup_start(
        actor=bob, organisation_id=acme.pk, billing_email="billing@acme.example"
    )
    assert start.url and start.url.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    row = start.account
    assert row.status == "pending" and row.external_id == "cus_NffrFeUfNV2Hib"
    assert row.setup_ref.startswith("cs_test_") and row.payment_method == ""
    customer, session = transport.requests
    assert customer.form == {
        "email": "billing@acme.example",
        "name": "Acme",
        "metadata[stint_owner]": f"employer:{acme.pk}",
    }
    assert customer.headers["Idempotency-Key"] == f"customer:employer:{acme.pk}"
    assert session.form["mode"] == "setup" and session.form["customer"] == "cus_NffrFeUfNV2Hib"
    assert session.form["payment_method_types[0]"] == "card"
    assert session.form["success_url"].endswith(
        f"/payments/org/{acme.pk}/setup/return/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert session.form["cancel_url"].endswith(f"/payments/org/{acme.pk}/setup/")
    # Until the card is saved, an accepted offer cannot be funded.
    with pytest.raises(DomainError) as exc:
        services.escrow_fund(
            ref="engagement:1", employer_id=acme.pk, fee=Money(10_000, "USD"), idempotency_key="f"
        )
    assert exc.value.code == "no_payment_method"
    with pytest.raises(DomainError) as exc:
        services.payment_setup_refresh(actor=bob, organisation_id=acme.pk, session_ref="cs_other")
    assert exc.value.field == "session_id"
    transport.requests.clear()
    done = services.payment_setup_refresh(
        actor=bob, organisation_id=acme.pk, session_ref=row.setup_ref
    )
    assert done.account.ready and done.account.payment_method == "pm_1MtwBwLkdIwHu7ixFeK0gUjq"
    (read,) = transport.requests
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(read.url).query)
    assert read.method == "GET" and query["expand[0]"] == ["setup_intent"]
    tx = services.escrow_fund(
        ref="engagement:1", employer_id=acme.pk, fee=Money(10_000, "USD"), idempotency_key="f"
    )
    assert tx.provider_ref == "pi_3MtwBwLkdIwHu7ix28a3tqPa"
    assert transport.requests[-1].form["payment_method"] == "pm_1MtwBwLkdIwHu7ixFeK0gUjq"
    # Replacing the card keeps the saved one in use until the new one is saved.
    transport.requests.clear()
    replace = services.payment_setup_start(actor=bob, organisation_id=acme.pk)
    assert replace.url and replace.account.ready
    assert replace.account.payment_method == "pm_1MtwBwLkdIwHu7ixFeK0gUjq"
    assert paths(transport) == ["POST /v1/checkout/sessions"]  # the customer is reused


@pytest.mark.django_db
def test_stripe_session_of_another_customer_is_refused(
    acme: Organisation, bob: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    use_stripe(
        monkeypatch,
        settings,
        {
            "/v1/checkout/sessions/cs_test_x": (200, "checkout_session_setup_complete"),
        },
    )
    ProviderAccount.objects.create(
        provider="stripe",
        owner_kind="employer",
        owner_id=acme.pk,
        external_id="cus_SomeoneElse",
        setup_ref="cs_test_x",
    )
    with pytest.raises(DomainError) as exc:
        services.payment_setup_refresh(actor=bob, organisation_id=acme.pk)
    assert exc.value.code == "setup_refused"
    assert not ProviderAccount.objects.get().ready


# --- Webhooks ------------------------------------------------------------------------------


def post_event(payload: bytes, secret: str) -> Any:
    return Client().post(
        "/payments/webhooks/stripe/",
        payload,
        content_type=JSON,
        HTTP_STRIPE_SIGNATURE=signature.header_for(secret, payload),
    )


@pytest.mark.django_db
def test_account_updated_webhook_releases_held_payouts(
    cara: User, django_capture_on_commit_callbacks: Any
) -> None:
    earn(cara)  # with the sandbox, before switching
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(actor=cara, currency="USD", idempotency_key="p1")
    assert payout.status == "held"
    ProviderAccount.objects.create(
        provider="sandbox",
        owner_kind="candidate",
        owner_id=cara.pk,
        external_id="acct_1MTfjCQ9PRzxEwkZ",
    )
    payload = (FIXTURES / "event_account_updated.json").read_bytes()
    # Sent to the sandbox's endpoint (its events share Stripe's shapes) with its secret.
    header = signature.header_for(sandbox.SANDBOX_WEBHOOK_SECRET, payload)
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/payments/webhooks/sandbox/", payload, content_type=JSON, HTTP_STRIPE_SIGNATURE=header
        )
    assert response.status_code == 200 and response.json()["duplicate"] is False
    account = ProviderAccount.objects.get(owner_kind="candidate")
    assert account.ready
    payout.refresh_from_db()
    assert payout.status == "paid"
    note = Notification.objects.get(user=cara, kind="payments.setup")
    assert "ready" in note.title and "1 held payout is on the way" in note.body
    again = Client().post(
        "/payments/webhooks/sandbox/", payload, content_type=JSON, HTTP_STRIPE_SIGNATURE=header
    )
    assert again.json()["duplicate"] is True
    assert Notification.objects.filter(kind="payments.setup").count() == 1
    assert_reconciles()


@pytest.mark.django_db
def test_stripe_connect_events_use_the_connect_secret(cara: User, settings: Any) -> None:
    settings.STINT_PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = CONNECT_SECRET
    ProviderAccount.objects.create(
        provider="stripe",
        owner_kind="candidate",
        owner_id=cara.pk,
        external_id="acct_1MTfjCQ9PRzxEwkZ",
    )
    restricted = fixture("event_account_updated")
    restricted["id"] = "evt_restricted"
    restricted["data"]["object"] = fixture("account_restricted")
    payload = json.dumps(restricted).encode()
    assert post_event(payload, "whsec_wrong").status_code == 400
    assert ProviderAccount.objects.get().status == "pending"
    assert post_event(payload, CONNECT_SECRET).status_code == 200
    account = ProviderAccount.objects.get()
    assert account.status == "restricted"
    assert account.requirements == ["individual.verification.document"]
    assert "needs attention" in Notification.objects.get(user=cara).title
    enabled = (FIXTURES / "event_account_updated.json").read_bytes()
    assert post_event(enabled, SECRET).status_code == 200  # the platform endpoint's secret
    assert ProviderAccount.objects.get().ready
    # An event about an account we do not know changes nothing.
    other = fixture("event_account_updated")
    other["id"] = "evt_other"
    other["data"]["object"]["id"] = "acct_unknown"
    assert post_event(json.dumps(other).encode(), CONNECT_SECRET).status_code == 200
    assert ProviderAccount.objects.count() == 1


@pytest.mark.django_db
def test_setup_intent_succeeded_webhook_saves_the_card(acme: Organisation, settings: Any) -> None:
    settings.STINT_PAYMENT_PROVIDER = "stripe"
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    ProviderAccount.objects.create(
        provider="stripe",
        owner_kind="employer",
        owner_id=acme.pk,
        external_id="cus_NffrFeUfNV2Hib",
        setup_ref="cs_test_x",
    )
    payload = (FIXTURES / "event_setup_intent_succeeded.json").read_bytes()
    assert post_event(payload, SECRET).status_code == 200
    row = ProviderAccount.objects.get()
    assert row.ready and row.payment_method == "pm_1MtwBwLkdIwHu7ixFeK0gUjq"


# --- Pages -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_candidate_settings_page_and_held_payout_flow(
    cara: User, eve: User, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    earn(cara)
    page = client_for(cara)
    html = page.get("/payments/earnings/").content.decode()
    assert 'id="payout-setup-needed"' in html and "/payments/settings/" in html
    with django_capture_on_commit_callbacks(execute=True):
        held = page.post("/payments/earnings/", {"currency": "USD", "idempotency_key": "k1"})
    assert held.status_code == 302 and held["Location"] == "/payments/settings/"
    settings_page = page.get("/payments/settings/")
    text = settings_page.content.decode()
    assert settings_page.status_code == 200
    assert 'id="held-payouts"' in text and "100.00 USD" in text
    assert "Set up sandbox payouts" in text
    bad = page.post("/payments/settings/setup/", {"country": "1"})
    assert bad.status_code == 422 and "country" in bad.context["form"].errors
    assert ProviderAccount.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        ok = page.post("/payments/settings/setup/", {})
    assert ok.status_code == 302
    shown = [str(m) for m in page.get("/payments/settings/").context["messages"]]
    assert "Your payouts are set up." in shown and any("on the way" in m for m in shown)
    assert Payout.objects.get().status == "paid"
    assert 'id="payout-setup-needed"' not in page.get("/payments/earnings/").content.decode()
    # Not a candidate: 403; signed out: to the login page.
    assert client_for(eve).get("/payments/settings/").status_code == 403
    assert client_for(eve).post("/payments/settings/setup/", {}).status_code == 403
    assert client_for(None).get("/payments/settings/").status_code == 302
    assert "/payments/settings/" in client_for(cara).get("/account/settings/").content.decode()


@pytest.mark.django_db
def test_candidate_pages_with_stripe(
    cara: User, client_for: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    transport = use_stripe(
        monkeypatch,
        settings,
        {
            "/v1/accounts": (200, "account_created"),
            "/v1/account_links": (200, "account_link_created"),
            "/v1/accounts/acct_1MTfjCQ9PRzxEwkZ": (200, "account_created"),
        },
    )
    page = client_for(cara)
    assert 'name="country"' in page.get("/payments/settings/").content.decode()
    go = page.post("/payments/settings/setup/", {"country": "US"})
    assert go.status_code == 302 and go["Location"].startswith("https://connect.stripe.com/")
    back = page.get("/payments/settings/return/")
    assert back.status_code == 302
    text = page.get("/payments/settings/").content.decode()
    assert "Continue payout setup" in text and "external_account" in text
    relink = page.get("/payments/settings/refresh/")
    assert relink.status_code == 302 and relink["Location"].startswith(
        "https://connect.stripe.com/"
    )
    transport.routes["/v1/accounts/acct_1MTfjCQ9PRzxEwkZ"] = (200, "account_enabled")
    page.get("/payments/settings/return/")
    assert "acct_…EwkZ" in page.get("/payments/settings/").content.decode()


@pytest.mark.django_db
def test_org_page_payment_setup(
    acme: Organisation,
    bob: User,
    pat: User,
    carol: User,
    eve: User,
    client_for: Any,
) -> None:
    owner = client_for(bob)
    org_page = owner.get(f"/orgs/{acme.pk}/").content.decode()
    assert 'id="payment-setup"' in org_page and "Put the sandbox card on file" in org_page
    assert 'id="payment-setup"' not in client_for(pat).get(f"/orgs/{acme.pk}/").content.decode()
    url = f"/payments/org/{acme.pk}/setup/"
    assert client_for(pat).get(url).status_code == 403
    assert client_for(pat).post(url, {}).status_code == 403
    for outsider in (carol, eve):
        assert client_for(outsider).get(url).status_code == 404
        assert client_for(outsider).post(url, {}).status_code == 404
    assert owner.get("/payments/org/999999/setup/").status_code == 404
    bad = owner.post(url, {"billing_email": "not an email"})
    assert bad.status_code == 422 and "billing_email" in bad.context["form"].errors
    assert ProviderAccount.objects.count() == 0
    done = owner.post(url, {})
    assert done.status_code == 302 and done["Location"] == f"/orgs/{acme.pk}/"
    assert ProviderAccount.objects.get().ready
    assert "Replace the payment method" in owner.get(f"/orgs/{acme.pk}/").content.decode()
    # The return URL checks the session belongs to this organisation's latest setup.
    wrong = owner.get(f"/payments/org/{acme.pk}/setup/return/?session_id=cs_forged")
    assert wrong.status_code == 302 and wrong["Location"] == url
    assert client_for(carol).get(f"{url}return/?session_id=x").status_code == 404


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_candidate_setup_api(
    cara: User, eve: User, api_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(cara)
    status = api.get("/api/v1/payments/setup").json()
    assert (
        status["status"] == "none" and status["ready"] is False and status["provider"] == "sandbox"
    )
    assert api.post("/api/v1/payments/setup/refresh").status_code == 409
    for body in ({"country": "USA"}, {"country": "1X"}):
        bad = api.post("/api/v1/payments/setup", body, content_type=JSON)
        assert bad.status_code == 422, body
        assert bad.json()["errors"][0]["field"] == "country"
    assert ProviderAccount.objects.count() == 0
    earn(cara)
    with django_capture_on_commit_callbacks(execute=True):
        held = api.post(
            "/api/v1/payments/payouts",
            {"currency": "USD", "idempotency_key": "k"},
            content_type=JSON,
        )
    assert held.status_code == 201 and held.json()["status"] == "held"
    assert api.get("/api/v1/payments/setup").json()["held_payouts"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/payments/setup", {}, content_type=JSON)
    assert started.status_code == 200
    body = started.json()
    assert body["ready"] is True and body["onboarding_url"] is None
    assert body["released_payouts"] == 1 and body["held_payouts"] == 0
    assert [p["status"] for p in api.get("/api/v1/payments/payouts").json()["items"]] == ["paid"]
    assert api.post("/api/v1/payments/setup/refresh").json()["ready"] is True
    other = api_for(eve)
    assert other.get("/api/v1/payments/setup").status_code == 403
    assert other.post("/api/v1/payments/setup", {}, content_type=JSON).status_code == 403
    assert api_for(None).get("/api/v1/payments/setup").status_code == 401


@pytest.mark.django_db
def test_employer_setup_api(
    acme: Organisation,
    bob: User,
    pat: User,
    carol: User,
    eve: User,
    dana: User,
    uni: Organisation,
    api_for: Any,
) -> None:
    url = f"/api/v1/orgs/{acme.pk}/payments/setup"
    api = api_for(bob)
    assert api.get(url).json()["status"] == "none"
    bad = api.post(url, {"billing_email": "nope"}, content_type=JSON)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "billing_email"
    assert ProviderAccount.objects.count() == 0
    assert api.post(f"{url}/refresh").status_code == 409
    ok = api.post(url, {}, content_type=JSON)
    assert (
        ok.status_code == 200 and ok.json()["ready"] is True and ok.json()["onboarding_url"] is None
    )
    assert api.get(url).json()["status"] == "ready"
    assert api.post(f"{url}/refresh").json()["ready"] is True
    assert api_for(pat).get(url).status_code == 403
    assert api_for(pat).post(url, {}, content_type=JSON).status_code == 403
    for outsider in (carol, eve):
        assert api_for(outsider).get(url).status_code == 404
        assert api_for(outsider).post(url, {}, content_type=JSON).status_code == 404
    assert api_for(dana).get(f"/api/v1/orgs/{uni.pk}/payments/setup").status_code == 404
    assert api_for(None).get(url).status_code == 401
    assert ProviderAccount.objects.count() == 1
