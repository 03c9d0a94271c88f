"""Issue 14 item 3: the organisation page and the navigation lead to a billing
page listing the payment method, charges and receipts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_org_page_and_nav_link_to_billing(
    bob: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    owner = client_for(bob)
    org_page = owner.get(f"/orgs/{acme.pk}/").content.decode()
    assert f'href="/payments/receipts/?org={acme.pk}"' in org_page
    assert 'href="/payments/receipts/">Billing</a>' in org_page  # the navigation
    billing = owner.get(f"/payments/receipts/?org={acme.pk}")
    html = billing.content.decode()
    assert billing.status_code == 200 and "Billing and receipts" in html
    assert 'id="payment-setup"' in html and "Charges and receipts" in html


def test_billing_of_another_organisation_is_not_found(
    carol: User, acme: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    assert client_for(carol).get(f"/payments/receipts/?org={acme.pk}").status_code == 404
