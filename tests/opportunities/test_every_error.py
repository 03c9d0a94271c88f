"""Issue 14 item 6: a posting with several bad fields is refused with every one
of them named at once, on the page and in the API, and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from tests.opportunities.test_api import JSON, payload
from tests.opportunities.test_pages import form_data

pytestmark = pytest.mark.django_db

# Three fields the form accepts as typed but the posting's rules refuse.
BAD = {"estimated_hours": "90", "time_zone": "Mars/Olympus", "location_country": "1X"}


def test_posting_form_shows_three_errors_in_one_submit(
    bob: User, acme: Organisation, client_for: Any
) -> None:
    r = client_for(bob).post(f"/opportunities/orgs/{acme.pk}/new/", form_data(**BAD))
    assert r.status_code == 200
    errors = r.context["form"].errors
    assert set(errors) == {"estimated_hours", "time_zone", "location_country"}
    assert "90 is outside that range" in errors["estimated_hours"][0]
    assert b"IANA time zone" in r.content and b"two-letter country code" in r.content
    assert not Opportunity.objects.exists()


def test_posting_edit_shows_every_error_and_keeps_the_posting(
    bob: User, acme: Organisation, client_for: Any
) -> None:
    page = client_for(bob)
    page.post(f"/opportunities/orgs/{acme.pk}/new/", form_data())
    o = Opportunity.objects.get()
    r = page.post(f"/opportunities/{o.pk}/edit/", form_data(title="ab", **BAD))
    assert set(r.context["form"].errors) == {
        "title",
        "estimated_hours",
        "time_zone",
        "location_country",
    }
    o.refresh_from_db()
    assert o.title == "Build a churn dashboard for our shop" and o.estimated_hours == 10


def test_api_answers_422_listing_every_field(bob: User, acme: Organisation, api_for: Any) -> None:
    body = payload(acme, estimated_hours=90, time_zone="Mars/Olympus", location_country="1X")
    r = api_for(bob).post("/api/v1/opportunities", body, content_type=JSON)
    assert r.status_code == 422
    fields = [e["field"] for e in r.json()["errors"]]
    assert sorted(fields) == ["estimated_hours", "location_country", "time_zone"]
    assert all(e["message"] for e in r.json()["errors"])
    assert not Opportunity.objects.exists()


def test_one_bad_field_keeps_its_own_code(bob: User, acme: Organisation, api_for: Any) -> None:
    r = api_for(bob).post(
        "/api/v1/opportunities", payload(acme, estimated_hours=90), content_type=JSON
    )
    assert r.status_code == 422
    assert r.json()["code"] == "hours_out_of_range"
    assert [e["field"] for e in r.json()["errors"]] == ["estimated_hours"]


def test_profile_api_names_every_bad_field(alice: User, api_for: Any) -> None:
    r = api_for(alice).patch(
        "/api/v1/profile",
        {"time_zone": "Mars/Olympus", "hours_per_week": 99, "location_country": "ZZ"},
        content_type=JSON,
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"time_zone", "hours_per_week", "location_country"}


def test_a_fee_below_the_floor_shows_on_the_fee_field(
    bob: User, acme: Organisation, client_for: Any
) -> None:
    """The service names the API's `fee_minor`; the page shows it next to `fee`."""
    r = client_for(bob).post(
        f"/opportunities/orgs/{acme.pk}/new/", form_data(fee="10.00", time_zone="Mars/Olympus")
    )
    assert set(r.context["form"].errors) == {"fee", "time_zone"}
    assert not Opportunity.objects.exists()


def test_fields_the_form_refuses_and_fields_the_service_refuses_show_together(
    bob: User, acme: Organisation, client_for: Any
) -> None:
    """A fee typed as "abc" fails the form; the bad time zone and country still show."""
    r = client_for(bob).post(
        f"/opportunities/orgs/{acme.pk}/new/",
        form_data(fee="abc", time_zone="Mars/Olympus", location_country="1X"),
    )
    assert r.status_code == 200
    assert set(r.context["form"].errors) == {"fee", "time_zone", "location_country"}
    assert not Opportunity.objects.exists()
