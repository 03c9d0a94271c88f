"""Money on pages is written the viewer's way (ADR 0021) by one formatter,
`core.money.format_money`; stored text, PDFs and the API keep "1,234.56 USD"."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from stint.core.money import Money, format_money
from tests.factories import OpportunityFactory

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("minor", "currency", "english", "spanish"),
    [
        (123456, "USD", "$1,234.56", f"1.234,56{NBSP}US$"),
        (123456, "EUR", "€1,234.56", f"1.234,56{NBSP}€"),
        (5, "GBP", "£0.05", f"0,05{NBSP}GBP"),
        (-123456, "CHF", f"-CHF{NBSP}1,234.56", f"-1.234,56{NBSP}CHF"),
        # Zero-decimal: yen have no minor unit, so no decimals at all.
        (1234567, "JPY", "¥1,234,567", f"1.234.567{NBSP}JPY"),
        (0, "JPY", "¥0", f"0{NBSP}JPY"),
    ],
)
def test_one_formatter_per_language(minor: int, currency: str, english: str, spanish: str) -> None:
    money = Money(minor, currency)
    assert format_money(money, "en") == english
    assert format_money(money, "es") == spanish
    assert format_money(money, "es-mx") == spanish  # a regional variant reads as its language
    assert format_money(money, "fr") == english  # no style of its own yet: English
    # What is stored and what the API says never depend on who asked.
    assert money.format() == Money(minor, currency).format()
    assert "USD" in Money(123456, "USD").format()


def test_the_active_language_is_the_default() -> None:
    with translation.override("es"):
        assert Money(100000000, "JPY").localized() == f"100.000.000{NBSP}JPY"
    with translation.override("en"):
        assert Money(100000000, "JPY").localized() == "¥100,000,000"


@pytest.mark.django_db
def test_an_opportunity_page_shows_its_fee_the_readers_way(api_for: Any, alice: Any) -> None:
    o = OpportunityFactory(fee_minor=123456, estimated_hours=10, currency="USD")
    english = Client().get(f"/opportunities/{o.pk}/").content.decode()
    spanish = Client(HTTP_ACCEPT_LANGUAGE="es").get(f"/opportunities/{o.pk}/").content.decode()
    assert "$1,234.56 fixed ($123.45 per hour)" in english
    assert f"1.234,56{NBSP}US$ fijos (123,45{NBSP}US$ por hora)" in spanish

    yen = OpportunityFactory(fee_minor=150000, estimated_hours=10, currency="JPY")
    assert (
        "¥150,000 fixed (¥15,000 per hour)"
        in Client().get(f"/opportunities/{yen.pk}/").content.decode()
    )

    # The API's figures are the same in any language: minor units and ISO codes.
    api = api_for(alice)
    as_english = api.get(f"/api/v1/opportunities/{o.pk}").json()
    as_spanish = api.get(f"/api/v1/opportunities/{o.pk}", HTTP_ACCEPT_LANGUAGE="es").json()
    assert as_english["fee_minor"] == as_spanish["fee_minor"] == 123456
    assert as_english["currency"] == as_spanish["currency"] == "USD"


@pytest.mark.django_db
def test_a_spanish_employer_confirms_an_offer_with_the_fee_it_typed(
    alice: Any, bob: Any, acme: Any, client_for: Any
) -> None:
    """Prose is localised, form values are not: the confirmation page's hidden fee stays
    "600.00" in Spanish (not "600,00", which the form would refuse)."""
    from stint.applications.models import Offer
    from stint.applications.services import application_shortlist
    from tests.applications.conftest import apply

    o = OpportunityFactory(employer=acme, fee_minor=60_000, estimated_hours=10)
    a = application_shortlist(actor=bob, application_id=apply(alice, o).pk)
    page = client_for(bob)
    r = page.post(f"/applications/{a.pk}/offer/", {"fee": "600.00"}, HTTP_ACCEPT_LANGUAGE="es")
    assert r.status_code == 200 and 'name="fee" value="600.00"' in r.content.decode()
    r = page.post(
        f"/applications/{a.pk}/offer/",
        {"fee": "600.00", "confirm": "yes"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert r.status_code == 302 and Offer.objects.get().fee_minor == 60_000
