"""Who may read and do what: eve (outsider) and carol (another employer) never
see alice's application, answers, offers or messages; alice never acts as the employer."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.applications import services
from stint.applications.models import Application, Message, Offer
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def world(
    alice: User, bob: User, published_opportunity: Opportunity, settings, tmp_path: Path
) -> dict[str, int]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    a = apply(alice, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    offer = services.offer_make(actor=bob, application_id=a.pk)
    m = services.message_send(
        actor=alice,
        application_id=a.pk,
        body="secret",
        attachment=SimpleUploadedFile("cv.pdf", b"%PDF"),
    )
    return {"app": a.pk, "offer": offer.pk, "msg": m.pk, "opp": published_opportunity.pk}


def _reads(w: dict[str, int]) -> tuple[list[str], list[str]]:
    api = [
        f"/api/v1/applications/{w['app']}",
        f"/api/v1/applications/{w['app']}/messages",
        f"/api/v1/applications/{w['app']}/messages/{w['msg']}/attachment",
        f"/api/v1/opportunities/{w['opp']}/applicants",
    ]
    pages = [
        f"/applications/{w['app']}/",
        f"/applications/{w['app']}/messages/{w['msg']}/attachment/",
        f"/applications/opportunity/{w['opp']}/",
    ]
    return api, pages


def test_outsiders_and_other_employers_get_404_everywhere(
    world: dict[str, int], carol: User, globex, eve: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api_urls, page_urls = _reads(world)
    for user in (carol, eve):
        api = api_for(user)
        for url in api_urls:
            assert api.get(url).status_code == 404, (user, url)
        assert api.get("/api/v1/applications").json() == []
        page = client_for(user)
        for url in page_urls:
            assert page.get(url).status_code == 404, (user, url)
        writes = [
            api.post(f"/api/v1/applications/{world['app']}/withdraw"),
            api.post(f"/api/v1/applications/{world['app']}/shortlist"),
            api.post(f"/api/v1/applications/{world['app']}/decline", {}, content_type=JSON),
            api.post(f"/api/v1/applications/{world['app']}/offers", {}, content_type=JSON),
            api.post(f"/api/v1/offers/{world['offer']}/accept"),
            api.post(f"/api/v1/offers/{world['offer']}/decline"),
            api.post(f"/api/v1/applications/{world['app']}/messages", {"body": "hi"}),
            api.post(
                f"/api/v1/opportunities/{world['opp']}/applicants/bulk",
                {"action": "decline", "ids": [world["app"]]},
                content_type=JSON,
            ),
            page.post(f"/applications/{world['app']}/decline/"),
            page.post(f"/applications/{world['app']}/withdraw/"),
            page.post(f"/applications/offers/{world['offer']}/accept/"),
            page.post(f"/applications/{world['app']}/messages/", {"body": "hi"}),
            page.post(
                f"/applications/opportunity/{world['opp']}/bulk/",
                {"ids": [world["app"]], "action": "decline"},
            ),
        ]
        assert {r.status_code for r in writes} == {404}, [r.status_code for r in writes]
    a = Application.objects.get(pk=world["app"])
    assert a.status == "offered"
    assert Offer.objects.get().status == "pending"
    assert Message.objects.count() == 1


def test_alice_cannot_act_as_the_employer(
    world: dict[str, int], alice: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(alice)
    assert api.get(f"/api/v1/applications/{world['app']}").status_code == 200
    assert (
        api.post(f"/api/v1/applications/{world['app']}/decline", {}, content_type=JSON).status_code
        == 403
    )
    assert api.post(f"/api/v1/applications/{world['app']}/shortlist").status_code == 403
    assert (
        api.post(f"/api/v1/applications/{world['app']}/offers", {}, content_type=JSON).status_code
        == 403
    )
    assert api.get(f"/api/v1/opportunities/{world['opp']}/applicants").status_code == 404
    page = client_for(alice)
    assert page.get(f"/applications/opportunity/{world['opp']}/").status_code == 404
    assert page.post(f"/applications/{world['app']}/offer/", {}).status_code == 403
    assert Application.objects.get(pk=world["app"]).status == "offered"


def test_the_employer_cannot_act_as_the_candidate(
    world: dict[str, int], bob: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(bob)
    assert api.post(f"/api/v1/offers/{world['offer']}/accept").status_code == 403
    assert api.post(f"/api/v1/applications/{world['app']}/withdraw").status_code == 403
    assert Offer.objects.get().status == "pending"


def test_every_member_of_the_employer_sees_the_thread(
    world: dict[str, int], acme_member: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    r = api_for(acme_member).get(f"/api/v1/applications/{world['app']}/messages")
    assert r.status_code == 200 and r.json()[0]["body"] == "secret"


def test_anonymous(world: dict[str, int], client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/api/v1/applications/{world['app']}").status_code == 401
    r = client.get(f"/applications/{world['app']}/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
