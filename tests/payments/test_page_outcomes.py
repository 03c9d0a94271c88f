"""What the payments pages and their read side show when setup fails or is unfinished,
after refunds and failed payouts, and for odd input."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.core.money import Money
from stint.orgs.models import Organisation
from stint.payments import selectors, services
from stint.payments.models import ProviderAccount
from stint.payments.providers import sandbox
from stint.payments.services import payouts
from tests.payments.test_setup import use_stripe
from tests.personas import make_user

pytestmark = pytest.mark.django_db

SESSION = "cs_test_c1Lk4dFfUbDLyjGKxXzn5Ha5bMm3CHRHGOkHnfGyDapx6UjmxlfE6FjqXo"


@pytest.fixture
def cara(db: None) -> User:
    """A candidate who has not set up payouts."""
    return make_user("cara@example.com", candidate=True, name="Cara Candidate")


def test_the_payout_return_and_refresh_links_report_what_happened(
    cara: User, client_for: Any
) -> None:
    page = client_for(cara)
    not_started = page.get("/payments/settings/return/", follow=True)
    assert "Start your payout setup first." in not_started.content.decode()
    sandbox.fail_next("setup", "unavailable")
    unreachable = page.get("/payments/settings/refresh/")
    assert unreachable.status_code == 302 and unreachable["Location"] == "/payments/settings/"
    assert not ProviderAccount.objects.exists()
    again = page.get("/payments/settings/refresh/")
    assert again.status_code == 302 and again["Location"] == "/payments/settings/"
    assert ProviderAccount.objects.get(owner_id=cara.pk).ready


def test_the_org_setup_return_page_with_the_sandbox(
    acme: Organisation, bob: User, client_for: Any
) -> None:
    owner = client_for(bob)
    owner.post(f"/payments/org/{acme.pk}/setup/", {})
    back = owner.get(f"/payments/org/{acme.pk}/setup/return/")
    assert back.status_code == 302 and back["Location"] == f"/orgs/{acme.pk}/"


def test_the_org_setup_goes_to_checkout_and_comes_back_unfinished(
    acme: Organisation, bob: User, client_for: Any, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    use_stripe(
        monkeypatch,
        settings,
        {
            "/v1/customers": (200, "customer_created"),
            "/v1/checkout/sessions": (200, "checkout_session_setup_created"),
            f"/v1/checkout/sessions/{SESSION}": (200, "checkout_session_setup_created"),
        },
    )
    owner = client_for(bob)
    url = f"/payments/org/{acme.pk}/setup/"
    start = owner.post(url, {"billing_email": "billing@acme.example"})
    assert start.status_code == 302
    assert start["Location"].startswith("https://checkout.stripe.com/c/pay/cs_test_")
    back = owner.get(f"{url}return/?session_id={SESSION}", follow=True)
    assert "The payment method is not saved yet; try again." in back.content.decode()
    assert back.redirect_chain[-1][0] == url
    assert ProviderAccount.objects.get(owner_id=acme.pk).status == "pending"


def test_a_refund_receipt_for_the_employer(acme: Organisation, bob: User, client_for: Any) -> None:
    services.escrow_fund(
        ref="engagement:1", employer_id=acme.pk, fee=Money(10_000, "USD"), idempotency_key="f"
    )
    refund = services.escrow_refund(ref="engagement:1", employer_id=acme.pk, idempotency_key="r")
    page = client_for(bob).get(f"/payments/receipts/{refund.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Refund receipt" in text and "Returned to you from escrow for engagement:1" in text
    assert client_for(bob).get("/payments/receipts/999999/").status_code == 404


def test_a_failed_payout_counts_back_in_the_statement(alice: User, acme: Organisation) -> None:
    services.escrow_fund(
        ref="engagement:1", employer_id=acme.pk, fee=Money(10_000, "USD"), idempotency_key="f"
    )
    services.escrow_release(ref="engagement:1", candidate_id=alice.pk, idempotency_key="r")
    payout = services.payout_request(actor=alice, currency="USD", idempotency_key="p")
    payouts._payout_failed(payout, "Bank said no")
    st = selectors.access_statement(actor=alice, candidate_id=alice.pk, currency="USD")
    assert st.earned == Money(10_000, "USD") and st.paid_out == Money(0, "USD")
    assert [row.money.amount for row in st.rows] == [10_000, -10_000, 10_000]


def test_odd_statement_and_receipts_requests(alice: User, client_for: Any) -> None:
    page = client_for(alice)
    assert page.get(f"/payments/statements/{alice.pk}/?currency=XYZ").status_code == 404
    listing = page.get("/payments/receipts/")  # a candidate belongs to no employer
    assert listing.status_code == 200 and listing.context["org"] is None


def test_setup_status_in_the_words_the_page_shows(cara: User, acme: Organisation) -> None:
    with pytest.raises(NotFound):
        selectors.access_payout_setup(actor=AnonymousUser())  # type: ignore[arg-type]
    account = ProviderAccount.objects.create(
        provider="sandbox",
        owner_kind="candidate",
        owner_id=cara.pk,
        status="restricted",
        requirements=["external_account"],
    )
    assert "needs more information" in selectors.payout_setup_for(cara).message
    account.requirements = []
    account.save()
    assert "is checking your details" in selectors.payout_setup_for(cara).message
    pending = ProviderAccount(provider="sandbox", owner_kind="employer", owner_id=acme.pk)
    pending.status = "pending"
    status = selectors.payment_setup_for(acme, pending)
    assert status.action == "Continue" and "did not finish" in status.message
