"""Exclusive and endorsed opportunities, and the "Endorsed by" template tag."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from stint.accounts.models import User
from stint.institutions.models import Endorsement
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from tests.applications.conftest import make_opportunity
from tests.institutions.conftest import student

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def opps(acme, bob: User, uni: Organisation, poly: Organisation) -> dict[str, Opportunity]:  # type: ignore[no-untyped-def]
    public = make_opportunity(acme, bob, [], title="Public project")
    ours = make_opportunity(acme, bob, [], title="Only for Uni", visibility="institutions")
    ours.allowed_institutions.add(uni)
    theirs = make_opportunity(acme, bob, [], title="Only for Poly", visibility="institutions")
    theirs.allowed_institutions.add(poly)
    invite = make_opportunity(acme, bob, [], title="Invite only", visibility="invite_only")
    draft = make_opportunity(acme, bob, [], title="Draft", status="draft", published_at=None)
    return {"public": public, "ours": ours, "theirs": theirs, "invite": invite, "draft": draft}


@pytest.fixture
def sam(uni: Organisation) -> User:
    return student("sam@uni.example.edu", uni)


def test_students_see_exclusive_and_endorsed(
    opps: dict[str, Opportunity], uni: Organisation, dana: User, sam: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    r = api_for(dana).post(
        f"/api/v1/institutions/{uni.pk}/endorsements",
        {"opportunity_id": opps["public"].pk, "note": "Great first project", "promoted": True},
        content_type=JSON,
    )
    assert r.status_code == 200 and r.json()["promoted"] is True
    rows = api_for(sam).get(f"/api/v1/institutions/{uni.pk}/opportunities").json()
    assert [(x["title"], x["exclusive"], x["endorsed"]) for x in rows] == [
        ("Public project", False, True),
        ("Only for Uni", True, False),
    ]
    html = client_for(sam).get(f"/institutions/{uni.pk}/opportunities/").content.decode()
    assert "Public project" in html and "Only for Uni" in html and "Great first project" in html
    assert "Only for Poly" not in html and "Invite only" not in html


def test_only_visible_published_opportunities_can_be_endorsed(
    opps: dict[str, Opportunity], uni: Organisation, dana: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(dana)
    for key in ("theirs", "invite", "draft"):
        r = api.post(
            f"/api/v1/institutions/{uni.pk}/endorsements",
            {"opportunity_id": opps[key].pk},
            content_type=JSON,
        )
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "opportunity_id", key
    r = api.post(
        f"/api/v1/institutions/{uni.pk}/endorsements",
        {"opportunity_id": opps["public"].pk, "note": "x" * 1001},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "note"
    r = client_for(dana).post(
        f"/institutions/{uni.pk}/endorsements/", {"opportunity_id": opps["invite"].pk}
    )
    assert r.status_code == 422 and "opportunity_id" in r.content.decode()
    r = client_for(dana).post(f"/institutions/{uni.pk}/endorsements/", {"opportunity_id": "abc"})
    assert r.status_code == 422
    assert not Endorsement.objects.exists()
    r = api.post(
        f"/api/v1/institutions/{uni.pk}/endorsements",
        {"opportunity_id": opps["ours"].pk},
        content_type=JSON,
    )
    assert r.status_code == 200


def test_endorsing_twice_updates_and_removal_is_staff_only(
    opps: dict[str, Opportunity],
    uni: Organisation,
    dana: User,
    olga: User,
    sam: User,
    client_for,
    api_for,
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(dana)
    assert (
        page.post(
            f"/institutions/{uni.pk}/endorsements/", {"opportunity_id": opps["public"].pk}
        ).status_code
        == 302
    )
    assert (
        page.post(
            f"/institutions/{uni.pk}/endorsements/",
            {"opportunity_id": opps["public"].pk, "promoted": "on", "note": "Top"},
        ).status_code
        == 302
    )
    e = Endorsement.objects.get()
    assert e.promoted and e.note == "Top"
    for user in (olga, sam):
        assert api_for(user).delete(f"/api/v1/institutions/endorsements/{e.pk}").status_code == 404
        assert (
            client_for(user).post(f"/institutions/endorsements/{e.pk}/remove/").status_code == 404
        )
        assert (
            client_for(user)
            .post(f"/institutions/{uni.pk}/endorsements/", {"opportunity_id": opps["public"].pk})
            .status_code
            == 404
        )
    assert Endorsement.objects.filter(pk=e.pk).exists()
    assert page.post(f"/institutions/endorsements/{e.pk}/remove/").status_code == 302
    assert not Endorsement.objects.exists()


def _render_tag(user: User, opportunity: Opportunity) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load institution_tags %}{% institution_endorsements opportunity %}")
    return template.render(Context({"request": request, "opportunity": opportunity}))


def test_the_tag_shows_endorsed_by_to_the_institutions_students(
    opps: dict[str, Opportunity], uni: Organisation, dana: User, sam: User, eve: User
) -> None:
    Endorsement.objects.create(
        institution=uni, opportunity=opps["public"], note="We like it", created_by=dana
    )
    html = _render_tag(sam, opps["public"])
    assert "Endorsed by Uni of Testing" in html and "We like it" in html
    assert "Endorsed by" not in _render_tag(eve, opps["public"])
    assert "Endorsed by" not in _render_tag(sam, opps["ours"])


def test_the_tag_offers_staff_an_endorse_button(
    opps: dict[str, Opportunity], uni: Organisation, dana: User, sam: User
) -> None:
    assert "Endorse for Uni of Testing students" in _render_tag(dana, opps["public"])
    assert "Endorse for" not in _render_tag(dana, opps["theirs"])
    assert "Endorse for" not in _render_tag(sam, opps["public"])
    Endorsement.objects.create(institution=uni, opportunity=opps["public"], created_by=dana)
    html = _render_tag(dana, opps["public"])
    assert "Endorse for" not in html and "Endorsed by Uni of Testing" in html


def test_staff_see_candidates_to_endorse(
    opps: dict[str, Opportunity], uni: Organisation, dana: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    html = client_for(dana).get(f"/institutions/{uni.pk}/opportunities/").content.decode()
    assert "Public project" in html and "Only for Poly" not in html and "Draft" not in html
