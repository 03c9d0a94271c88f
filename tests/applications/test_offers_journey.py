"""Issue 14 items 2–3 and 6: offers follow the posting (prefilled, pay floor on
page and API), can be withdrawn or revised before an answer, reopen after a
decline, take a counter-proposal; and every state of an application tells each
party who must act next."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import rules, services
from stint.applications.models import Application, ApplicationStatus, Offer
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db
JSON = "application/json"
Make = Callable[[User | None], Client]


def shortlisted(alice: User, bob: User, o: Opportunity) -> Application:
    a = apply(alice, o)
    return services.application_shortlist(actor=bob, application_id=a.pk)


def offered(alice: User, bob: User, o: Opportunity) -> Offer:
    a = shortlisted(alice, bob, o)
    return services.offer_make(actor=bob, application_id=a.pk)


# --- The pay floor, one rule for postings and offers ----------------------------------


def test_api_offer_below_the_pay_floor_is_422_naming_fee_minor(
    alice: User, bob: User, published_opportunity: Opportunity, api_for: Make
) -> None:
    a = shortlisted(alice, bob, published_opportunity)
    r = api_for(bob).post(
        f"/api/v1/applications/{a.pk}/offers", {"fee_minor": 1}, content_type=JSON
    )
    assert r.status_code == 422, r.content
    assert [e["field"] for e in r.json()["errors"]] == ["fee_minor"]
    assert "at least 200.00 USD" in r.json()["errors"][0]["message"]  # 10 h × 20.00
    assert not Offer.objects.exists()
    assert Application.objects.get(pk=a.pk).status == "shortlisted"


def test_page_offer_below_the_floor_is_refused_and_money_is_in_major_units(
    alice: User, bob: User, published_opportunity: Opportunity, client_for: Make
) -> None:
    a = shortlisted(alice, bob, published_opportunity)
    page = client_for(bob)
    r = page.post(f"/applications/{a.pk}/offer/", {"fee": "0.01"}, follow=True)
    assert b"at least 200.00 USD" in r.content and not Offer.objects.exists()
    r = page.post(f"/applications/{a.pk}/offer/", {"fee": "450.50", "confirm": "yes"}, follow=True)
    offer = Offer.objects.get()
    assert offer.fee_minor == 45_050  # typed in major units, stored in minor units
    assert b"below the posting" in r.content  # warned: the posting said 500.00


def test_offer_form_is_prefilled_from_the_posting(
    alice: User, bob: User, published_opportunity: Opportunity, client_for: Make
) -> None:
    a = shortlisted(alice, bob, published_opportunity)
    html = client_for(bob).get(f"/applications/{a.pk}/").content.decode()
    assert 'value="500.00"' in html and "Fee (USD)" in html
    assert "Clean and de-duplicate our customer list" in html  # the scope


def test_rule_is_the_postings_rule() -> None:
    assert rules.offer_fee_refusal(20_000, "USD", 10, 2000) is None
    refusal = rules.offer_fee_refusal(19_999, "USD", 10, 2000)
    assert refusal is not None and "200.00 USD" in refusal


# --- Withdraw, revise, reopen, counter ----------------------------------------------------


def test_employer_withdraws_then_offers_again(
    alice: User, bob: User, published_opportunity: Opportunity, client_for: Make
) -> None:
    offer = offered(alice, bob, published_opportunity)
    r = client_for(bob).post(f"/applications/offers/{offer.pk}/withdraw/", follow=True)
    assert b"back on your shortlist" in r.content
    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    assert Application.objects.get().status == "shortlisted"
    assert Notification.objects.filter(user=alice, kind="offer.withdrawn").exists()
    again = services.offer_make(actor=bob, application_id=offer.application_id, fee_minor=55_000)
    assert again.status == "pending" and Application.objects.get().status == "offered"


def test_revision_over_the_api_checks_the_floor_and_settles_a_counter(
    alice: User, bob: User, published_opportunity: Opportunity, api_for: Make
) -> None:
    offer = offered(alice, bob, published_opportunity)
    cand, emp = api_for(alice), api_for(bob)
    r = cand.post(
        f"/api/v1/offers/{offer.pk}/counter",
        {"fee_minor": 65_000, "message": "It needs two more days of cleaning."},
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["counter_fee_minor"] == 65_000
    assert Notification.objects.filter(user=bob, kind="offer.countered").exists()
    detail = emp.get(f"/api/v1/applications/{offer.application_id}").json()
    assert "proposed another fee" in detail["next_step"]
    r = emp.post(f"/api/v1/offers/{offer.pk}/revision", {"fee_minor": 5}, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "fee_minor"
    r = emp.post(f"/api/v1/offers/{offer.pk}/revision", {"fee_minor": 65_000}, content_type=JSON)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["fee_minor"] == 65_000 and body["counter_fee_minor"] is None
    assert body["revised_at"] is not None and body["status"] == "pending"
    # Only the employer revises or withdraws; only the candidate counters.
    assert cand.post(f"/api/v1/offers/{offer.pk}/withdraw").status_code in (403, 404)
    assert emp.post(
        f"/api/v1/offers/{offer.pk}/counter", {"fee_minor": 70_000}, content_type=JSON
    ).status_code in (403, 404)


def test_counter_on_the_page_shows_to_the_employer_prefilled(
    alice: User, bob: User, published_opportunity: Opportunity, client_for: Make
) -> None:
    offer = offered(alice, bob, published_opportunity)
    r = client_for(alice).post(
        f"/applications/offers/{offer.pk}/counter/",
        {"fee": "650", "message": "Two more days"},
        follow=True,
    )
    assert b"Proposal sent" in r.content
    html = client_for(bob).get(f"/applications/{offer.application_id}/").content.decode()
    assert "Two more days" in html and 'value="650.00"' in html  # the revise form
    bad = client_for(alice).post(
        f"/applications/offers/{offer.pk}/counter/", {"fee": ""}, follow=True
    )
    assert b"Fee you propose" in bad.content  # the field is named


def test_outsider_cannot_touch_an_offer(
    alice: User,
    bob: User,
    eve: User,
    published_opportunity: Opportunity,
    client_for: Make,
    api_for: Make,
) -> None:
    offer = offered(alice, bob, published_opportunity)
    assert client_for(eve).post(f"/applications/offers/{offer.pk}/withdraw/").status_code == 404
    assert api_for(eve).post(f"/api/v1/offers/{offer.pk}/withdraw").status_code == 404
    offer.refresh_from_db()
    assert offer.status == "pending"


def test_decline_is_not_a_dead_end(
    alice: User, bob: User, published_opportunity: Opportunity, client_for: Make
) -> None:
    offer = offered(alice, bob, published_opportunity)
    services.offer_decline(actor=alice, offer_id=offer.pk)
    employer_page = client_for(bob).get(f"/applications/{offer.application_id}/").content
    assert b"Make a new offer" in employer_page and b"Nothing to decide" not in employer_page
    candidate_page = client_for(alice).get(f"/applications/{offer.application_id}/").content
    assert b"Acme may make you a new one" in candidate_page
    r = client_for(alice).get(f"/applications/apply/{published_opportunity.pk}/", follow=True)
    assert b"what happens next" in r.content
    services.offer_make(actor=bob, application_id=offer.application_id)
    a = Application.objects.get()
    assert a.status == "offered" and a.closed_at is None


def test_expired_offer_can_be_made_again(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    offer = offered(alice, bob, published_opportunity)
    Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert services.offers_expire_due() == 1
    services.offer_make(actor=bob, application_id=offer.application_id)
    assert Application.objects.get().status == "offered"


def test_shortlist_does_not_silently_drop_a_live_offer(
    alice: User, bob: User, published_opportunity: Opportunity
) -> None:
    from stint.core.errors import ConflictError

    offer = offered(alice, bob, published_opportunity)
    with pytest.raises(ConflictError):
        services.application_shortlist(actor=bob, application_id=offer.application_id)
    offer.refresh_from_db()
    assert offer.status == "pending"


# --- No dead ends: every state says who acts next ------------------------------------------


def _walk_to(status: str, alice: User, bob: User, o: Opportunity) -> Application:
    """Reach each application status through the real services."""
    a = apply(alice, o)
    if status == "submitted":
        return a
    if status == "declined":
        return services.application_decline(actor=bob, application_id=a.pk)
    if status == "withdrawn":
        return services.application_withdraw(actor=alice, application_id=a.pk)
    if status == "auto_declined":
        # The platform's own path when nobody answers in time (no-ghosting).
        Application.objects.filter(pk=a.pk).update(updated_at=timezone.now() - timedelta(days=365))
        assert services.application_auto_decline_if_stale(application_id=a.pk)
        return Application.objects.get(pk=a.pk)
    services.application_shortlist(actor=bob, application_id=a.pk)
    if status == "shortlisted":
        return Application.objects.get(pk=a.pk)
    offer = services.offer_make(actor=bob, application_id=a.pk)
    if status == "offered":
        return Application.objects.get(pk=a.pk)
    if status == "accepted":
        services.offer_accept(actor=alice, offer_id=offer.pk)
    elif status == "offer_declined":
        services.offer_decline(actor=alice, offer_id=offer.pk)
    elif status == "offer_expired":
        Offer.objects.filter(pk=offer.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        services.offers_expire_due()
    return Application.objects.get(pk=a.pk)


@pytest.mark.parametrize("status", ApplicationStatus.values)
def test_every_state_tells_each_party_what_happens_next(
    status: str,
    alice: User,
    bob: User,
    published_opportunity: Opportunity,
    client_for: Make,
    api_for: Make,
) -> None:
    a = _walk_to(status, alice, bob, published_opportunity)
    assert a.status == status
    for user in (alice, bob):
        side = "candidate" if user == alice else "employer"
        page = client_for(user).get(f"/applications/{a.pk}/")
        assert page.status_code == 200
        html = page.content.decode()
        # The sentence naming who acts next is always there …
        assert "What happens next:" in html
        sentence = rules.next_step(
            side=side,
            status=status,
            offer_status=a.offers.order_by("-created_at").values_list("status", flat=True).first(),
            employer="Acme",
            candidate=a.candidate.display_name,
        )
        assert sentence.replace("'", "&#x27;") in html
        # … and it names someone: the viewer ("you"), the other party, or nobody.
        assert any(w in sentence for w in ("you", "You", "Acme", "Alice", "nobody", "Nobody"))
        # A state where the viewer must act shows a button for it.
        if sentence.startswith("Waiting for you") or "you may make" in sentence:
            actions = [
                line
                for line in html.splitlines()
                if 'method="post"' in line and "/messages/" not in line and "/applications/" in line
            ]
            assert actions, (status, side)
        body = api_for(user).get(f"/api/v1/applications/{a.pk}").json()
        assert body["next_step"] == sentence


# --- Funding is never silent ---------------------------------------------------------------


def test_offer_confirmation_shows_fee_platform_fee_and_total_before_anything(
    alice: User, bob: User, published_opportunity: Opportunity, client_for: Make, api_for: Make
) -> None:
    from stint.applications.selectors import offer_charge

    a = shortlisted(alice, bob, published_opportunity)
    charge = offer_charge(50_000, "USD")
    r = client_for(bob).post(f"/applications/{a.pk}/offer/", {"fee": ""})
    html = r.content.decode()
    assert r.status_code == 200 and "Confirm and send the offer" in html
    for figure in (charge.fee, charge.platform_fee, charge.total):
        assert str(figure) in html
    assert "Nothing is charged now" in html and "/payments/receipts/?org=" in html
    assert not Offer.objects.exists()
    r = client_for(bob).post(
        f"/applications/{a.pk}/offer/",
        {"fee": "500.00", "scope": "Just the CSV", "confirm": "yes"},
    )
    assert r.status_code == 302
    offer = Offer.objects.get()
    assert offer.scope == "Just the CSV" and offer.fee_minor == 50_000
    body = api_for(bob).get(f"/api/v1/applications/{a.pk}").json()["offers"][0]
    assert body["charge_on_accept_minor"] == charge.total.amount
    assert body["platform_fee_minor"] == charge.platform_fee.amount
    page = client_for(bob).get(f"/applications/{a.pk}/").content.decode()
    assert f"charged <strong>{charge.total}</strong>" in page
