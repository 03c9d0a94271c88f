"""Issue 16 item 8: charges, receipts and statements as JSON, in integer minor units,
for the same people as the pages (others 404), with the PDF beside each."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.orgs.models import Organisation
from tests.payments.test_pages_api import YEAR

pytestmark = pytest.mark.django_db


def test_an_employer_lists_its_receipts_with_their_lines(
    world: Any, bob: User, acme: Organisation, api_for: Any
) -> None:
    r = api_for(bob).get(f"/api/v1/orgs/{acme.pk}/receipts")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["total"] == 1 and body["pages"] == 1
    (receipt,) = body["items"]
    assert receipt["id"] == world["fund"].pk and receipt["kind"] == "escrow_fund"
    assert receipt["audience"] == "employer" and receipt["organisation_id"] == acme.pk
    assert receipt["total_minor"] == 11_000 and receipt["currency"] == "USD"
    assert [line["amount_minor"] for line in receipt["lines"]] == [10_000, 1_000]
    assert sum(line["amount_minor"] for line in receipt["lines"]) == receipt["total_minor"]
    assert receipt["pdf_url"] == f"/payments/receipts/{world['fund'].pk}/pdf/"
    assert api_for(bob).get(f"/api/v1/receipts/{world['fund'].pk}").json() == receipt
    assert api_for(bob).get(f"/api/v1/orgs/{acme.pk}/receipts?page=2").json()["items"] == []


def test_the_candidate_reads_the_earning_and_outsiders_read_nothing(
    world: Any, alice: User, carol: User, eve: User, acme: Organisation, api_for: Any
) -> None:
    mine = api_for(alice).get(f"/api/v1/receipts/{world['release'].pk}").json()
    assert mine["audience"] == "candidate" and mine["total_minor"] == 10_000
    assert mine["organisation_id"] is None
    assert api_for(alice).get(f"/api/v1/receipts/{world['fund'].pk}").status_code == 404
    for outsider in (carol, eve):
        api = api_for(outsider)
        assert api.get(f"/api/v1/orgs/{acme.pk}/receipts").status_code == 404
        assert api.get(f"/api/v1/receipts/{world['fund'].pk}").status_code == 404
        assert api.get(f"/api/v1/receipts/{world['release'].pk}").status_code == 404


def test_a_statement_adds_up_and_bad_input_names_the_field(
    world: Any, alice: User, api_for: Any
) -> None:
    release = world["release"]
    year = release.created_at.year
    st = api_for(alice).get(f"/api/v1/payments/statement?year={year}&currency=usd").json()
    assert st["currency"] == "USD" and st["start"] == f"{year}-01-01"
    assert st["opening_minor"] + st["earned_minor"] - st["paid_out_minor"] == st["closing_minor"]
    assert st["closing_minor"] == 10_000
    assert [row["transaction_id"] for row in st["rows"]] == [release.pk]
    assert st["rows"][-1]["balance_minor"] == st["closing_minor"]
    assert st["pdf_url"].startswith(f"/payments/statements/{alice.pk}/pdf/?year={year}")
    bad = api_for(alice).get("/api/v1/payments/statement?currency=XYZ")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "currency"
    early = api_for(alice).get("/api/v1/payments/statement?year=1990")
    assert early.status_code == 422 and "year" in early.content.decode()
    empty = api_for(alice).get(f"/api/v1/payments/statement?year={YEAR - 10}").json()
    assert empty["rows"] == [] and empty["closing_minor"] == 0
