"""Earnings, payouts, receipts and statements through pages and the API: who
may see what (others get 404), bad input names its field, PDFs are PDFs."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.core.money import Money
from stint.orgs.models import Organisation
from stint.payments import services
from stint.payments.models import Payout

pytestmark = pytest.mark.django_db

YEAR = 2026


def test_candidate_sees_balance_and_requests_a_payout_by_api(
    world: Any, alice: User, api_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    api = api_for(alice)
    assert api.get("/api/v1/payments/balance").json() == [
        {"currency": "USD", "available_minor": 10_000, "available": "100.00 USD"}
    ]
    body = {"currency": "usd", "idempotency_key": "k1"}
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/payments/payouts", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["amount_minor"] == 10_000
    again = api.post("/api/v1/payments/payouts", body, content_type="application/json")
    assert again.status_code == 201 and again.json()["id"] == created.json()["id"]
    listed = api.get("/api/v1/payments/payouts").json()["items"]
    assert [p["status"] for p in listed] == ["paid"]
    conflict = api.post(
        "/api/v1/payments/payouts",
        {"currency": "EUR", "idempotency_key": "k1"},
        content_type="application/json",
    )
    assert conflict.status_code == 409
    assert conflict.json()["errors"][0]["field"] == "idempotency_key"


def test_payout_bad_input_names_the_field_and_changes_nothing(
    world: Any, alice: User, eve: User, api_for: Any
) -> None:
    api = api_for(alice)
    for body, field in [
        ({"currency": "XXX", "idempotency_key": "k"}, "currency"),
        ({"currency": "USD"}, "idempotency_key"),
        ({"currency": "USD", "idempotency_key": ""}, "idempotency_key"),
    ]:
        response = api.post("/api/v1/payments/payouts", body, content_type="application/json")
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field
    nothing = api_for(eve).post(
        "/api/v1/payments/payouts",
        {"currency": "USD", "idempotency_key": "e"},
        content_type="application/json",
    )
    assert nothing.status_code == 422 and nothing.json()["code"] == "insufficient_funds"
    assert Payout.objects.count() == 0
    assert services.candidate_balance(alice.pk, "USD") == Money(10_000, "USD")


def test_api_needs_authentication(api_for: Any) -> None:
    assert api_for(None).get("/api/v1/payments/balance").status_code == 401
    assert api_for(None).get("/api/v1/payments/payouts").status_code == 401


def test_others_see_no_balance_of_alice(world: Any, eve: User, api_for: Any) -> None:
    assert api_for(eve).get("/api/v1/payments/balance").json() == []
    assert api_for(eve).get("/api/v1/payments/payouts").json()["items"] == []


def test_earnings_page_and_payout_form(
    world: Any, alice: User, client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = client_for(alice)
    html = page.get("/payments/earnings/").content.decode()
    assert "100.00 USD" in html
    bad = page.post("/payments/earnings/", {"currency": "USD"})
    assert bad.status_code == 422 and "idempotency_key" in bad.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        ok = page.post("/payments/earnings/", {"currency": "USD", "idempotency_key": "form-1"})
    assert ok.status_code == 302
    twice = page.post("/payments/earnings/", {"currency": "USD", "idempotency_key": "form-1"})
    assert twice.status_code == 302  # a double submit pays once
    assert Payout.objects.count() == 1
    empty = page.post("/payments/earnings/", {"currency": "USD", "idempotency_key": "form-2"})
    assert empty.status_code == 422
    assert "no USD balance" in empty.context["form"].errors["currency"][0]


def test_receipts_only_for_the_employer_members(
    world: Any,
    bob: User,
    carol: User,
    globex: Any,
    eve: User,
    alice: User,
    client_for: Any,
    acme: Any,
) -> None:
    fund = world["fund"]
    listing = client_for(bob).get(f"/payments/receipts/?org={acme.pk}")
    assert (
        listing.status_code == 200 and f"/payments/receipts/{fund.pk}/" in listing.content.decode()
    )
    assert client_for(bob).get("/payments/receipts/").status_code == 200
    detail = client_for(bob).get(f"/payments/receipts/{fund.pk}/")
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "110.00 USD" in text and "Platform fee" in text
    for user in (carol, eve, alice):
        c = client_for(user)
        assert c.get(f"/payments/receipts/?org={acme.pk}").status_code == 404
        assert c.get(f"/payments/receipts/{fund.pk}/").status_code == 404
        assert c.get(f"/payments/receipts/{fund.pk}/pdf/").status_code == 404
    assert client_for(bob).get("/payments/receipts/?org=abc").status_code == 404
    assert client_for(None).get(f"/payments/receipts/{fund.pk}/").status_code == 302


def test_receipt_pdf(world: Any, bob: User, client_for: Any) -> None:
    response = client_for(bob).get(f"/payments/receipts/{world['fund'].pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_candidate_statement_only_for_the_candidate(
    world: Any, alice: User, bob: User, eve: User, client_for: Any
) -> None:
    from django.utils import timezone

    year = timezone.now().year
    url = f"/payments/statements/{alice.pk}/?currency=USD&year={year}"
    html = client_for(alice).get(url)
    assert html.status_code == 200 and "100.00 USD" in html.content.decode()
    pdf = client_for(alice).get(f"/payments/statements/{alice.pk}/pdf/?currency=USD&year={year}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    for user in (bob, eve):
        assert client_for(user).get(url).status_code == 404
        assert client_for(user).get(f"/payments/statements/{alice.pk}/pdf/").status_code == 404
    assert client_for(alice).get(f"/payments/statements/{alice.pk}/?year=x").status_code == 404
    # The candidate sees the release as an earnings record; the employer's members do not.
    release = world["release"]
    assert client_for(alice).get(f"/payments/receipts/{release.pk}/").status_code == 200
    assert client_for(bob).get(f"/payments/receipts/{release.pk}/").status_code == 404
    assert (
        client_for(alice).get(f"/payments/receipts/{release.pk}/pdf/").content.startswith(b"%PDF")
    )


def test_receipt_pdf_draws_any_script(
    world: Any, acme: Organisation, bob: User, client_for: Any
) -> None:
    """Built-in PDF fonts cover Latin-1 only; names in other scripts came out as boxes."""
    import io

    from pypdf import PdfReader

    name = "Łódź Ελλάδα Москва 北京大学 Ltd"
    Organisation.objects.filter(pk=acme.pk).update(name=name)
    response = client_for(bob).get(f"/payments/receipts/{world['fund'].pk}/pdf/")
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    for word in ("Łódź", "Ελλάδα", "Москва", "北京大学"):
        assert word in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert any("DejaVuSans" in f for f in fonts), fonts
    assert any("DroidSansFallback" in f for f in fonts), fonts
