"""Issue 14 item 10: drafts can be deleted; hidden postings can be brought back
from a list; candidates save postings for later (page and API)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from stint.accounts.models import User
from stint.opportunities import services
from stint.opportunities.models import HiddenOpportunity, Opportunity, SavedOpportunity
from stint.orgs.models import Organisation

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_employer_deletes_a_draft_from_its_page(
    bob: User, acme: Organisation, make_opportunity: Callable[..., Opportunity], client_for: Any
) -> None:
    draft = make_opportunity(publish=False)
    page = client_for(bob)
    assert (
        f"/opportunities/{draft.pk}/delete/".encode()
        in page.get(f"/opportunities/{draft.pk}/edit/").content
    )
    r = page.post(f"/opportunities/{draft.pk}/delete/", follow=True)
    assert r.redirect_chain[-1][0] == f"/opportunities/orgs/{acme.pk}/"
    assert "deleted" in r.content.decode()
    assert not Opportunity.objects.filter(pk=draft.pk).exists()


def test_published_postings_are_not_deleted(
    bob: User, make_opportunity: Callable[..., Opportunity], client_for: Any, api_for: Any
) -> None:
    live = make_opportunity()
    assert b"Delete this draft" not in client_for(bob).get(f"/opportunities/{live.pk}/").content
    r = client_for(bob).post(f"/opportunities/{live.pk}/delete/", follow=True)
    assert "Only drafts can be deleted" in r.content.decode()
    r = api_for(bob).delete(f"/api/v1/opportunities/{live.pk}")
    assert r.status_code == 409 and r.json()["code"] == "not_a_draft"
    assert Opportunity.objects.filter(pk=live.pk).exists()


def test_only_the_employer_deletes_a_draft(
    bob: User,
    carol: User,
    alice: User,
    make_opportunity: Callable[..., Opportunity],
    client_for: Any,
    api_for: Any,
) -> None:
    draft = make_opportunity(publish=False)
    assert client_for(carol).post(f"/opportunities/{draft.pk}/delete/").status_code == 404
    assert api_for(alice).delete(f"/api/v1/opportunities/{draft.pk}").status_code == 404
    assert Opportunity.objects.filter(pk=draft.pk).exists()
    assert api_for(bob).delete(f"/api/v1/opportunities/{draft.pk}").status_code == 204
    assert not Opportunity.objects.filter(pk=draft.pk).exists()


def test_candidate_saves_from_browse_and_finds_it_from_the_dashboard(
    alice: User, make_opportunity: Callable[..., Opportunity], client_for: Any
) -> None:
    o = make_opportunity()
    page = client_for(alice)
    browse = page.get("/opportunities/").content.decode()
    assert f'action="/opportunities/{o.pk}/save/"' in browse
    r = page.post(f"/opportunities/{o.pk}/save/", {"next": "/opportunities/"}, follow=True)
    assert r.redirect_chain[-1][0] == "/opportunities/"
    assert "for later" in r.content.decode()
    page.post(f"/opportunities/{o.pk}/save/")  # twice is one save
    assert SavedOpportunity.objects.filter(user=alice).count() == 1

    assert b"/opportunities/saved-for-later/" in page.get("/dashboard/").content
    saved = page.get("/opportunities/saved-for-later/").content.decode()
    assert o.title in saved
    assert "Remove from saved" in page.get(f"/opportunities/{o.pk}/").content.decode()

    page.post(f"/opportunities/{o.pk}/unsave/")
    assert not SavedOpportunity.objects.exists()
    assert "Nothing saved yet" in page.get("/opportunities/saved-for-later/").content.decode()


def test_saving_needs_a_posting_you_can_see(
    alice: User, make_opportunity: Callable[..., Opportunity], client_for: Any, api_for: Any
) -> None:
    draft = make_opportunity(publish=False)
    assert client_for(alice).post(f"/opportunities/{draft.pk}/save/").status_code == 404
    assert api_for(alice).put(f"/api/v1/opportunities/{draft.pk}/save").status_code == 404
    assert not SavedOpportunity.objects.exists()


def test_saved_api_twin(
    alice: User, eve: User, make_opportunity: Callable[..., Opportunity], api_for: Any
) -> None:
    o = make_opportunity()
    api = api_for(alice)
    r = api.put(f"/api/v1/opportunities/{o.pk}/save")
    assert r.status_code == 200 and r.json()["opportunity_id"] == o.pk
    assert [x["id"] for x in api.get("/api/v1/saved-opportunities").json()] == [o.pk]
    assert api_for(eve).get("/api/v1/saved-opportunities").json() == []  # one's own list
    assert api.delete(f"/api/v1/opportunities/{o.pk}/save").status_code == 204
    assert api.get("/api/v1/saved-opportunities").json() == []


def test_hidden_postings_are_listed_and_brought_back(
    alice: User, make_opportunity: Callable[..., Opportunity], client_for: Any, api_for: Any
) -> None:
    o = make_opportunity()
    services.opportunity_hide(actor=alice, opportunity_id=o.pk, reason="pay_too_low")
    page = client_for(alice)
    assert o.title not in page.get("/opportunities/").content.decode()
    listed = page.get("/opportunities/saved-for-later/").content.decode()
    assert o.title in listed and "Pay too low" in listed
    assert f'action="/opportunities/{o.pk}/unhide/"' in listed
    hidden = api_for(alice).get("/api/v1/hidden-opportunities").json()
    assert [(h["opportunity_id"], h["reason"]) for h in hidden] == [(o.pk, "pay_too_low")]

    page.post(f"/opportunities/{o.pk}/unhide/")
    assert not HiddenOpportunity.objects.exists()
    assert o.title in page.get("/opportunities/").content.decode()
