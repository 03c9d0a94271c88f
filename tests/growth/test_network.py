"""Connections between people who worked together (request/accept), shown to
employers only when the candidate allows it; growth consents."""

from __future__ import annotations

import json

import pytest

from stint.accounts.models import User
from stint.applications.models import Application
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.engagements.models import Engagement
from stint.growth import selectors, services
from stint.growth.models import Connection
from stint.notifications.models import Notification
from stint.orgs.models import Organisation
from tests.growth.conftest import JSON, make_opportunity

pytestmark = pytest.mark.django_db


def test_request_accept_and_visibility(
    approved: Engagement,
    alice: User,
    bob: User,
    carol: User,
    globex: Organisation,
    eve: User,
    skills,
) -> None:  # type: ignore[no-untyped-def]
    assert bob.pk in selectors.worked_with(alice)
    assert alice.pk in selectors.worked_with(bob)
    with pytest.raises(NotFound):
        services.connection_request(actor=alice, user_id=eve.pk)  # never worked together
    c = services.connection_request(actor=alice, user_id=bob.pk)
    assert Notification.objects.filter(user=bob, kind="growth.connection").exists()
    with pytest.raises(ConflictError):
        services.connection_request(actor=alice, user_id=bob.pk)
    with pytest.raises(DomainError):
        services.connection_accept(actor=alice, connection_id=c.pk)  # only bob answers
    with pytest.raises(NotFound):
        services.connection_accept(actor=eve, connection_id=c.pk)
    services.connection_accept(actor=bob, connection_id=c.pk)
    assert [p["person"] for p in selectors.connections_of(alice)] == [bob]
    # Her own view always works; an unrelated employer never sees them.
    assert selectors.visible_connections(viewer=alice, candidate_id=alice.pk)
    with pytest.raises(NotFound):
        selectors.visible_connections(viewer=carol, candidate_id=alice.pk)
    # Globex receives her application: still hidden until she allows it.
    opp = make_opportunity(globex, carol, skills, title="Globex data")
    Application.objects.create(opportunity=opp, candidate=alice)
    with pytest.raises(NotFound):
        selectors.visible_connections(viewer=carol, candidate_id=alice.pk)
    services.growth_settings_update(actor=alice, show_connections=True)
    assert [
        p["person"] for p in selectors.visible_connections(viewer=carol, candidate_id=alice.pk)
    ] == [bob]
    with pytest.raises(NotFound):
        selectors.visible_connections(viewer=eve, candidate_id=alice.pk)


def test_pages_and_api(
    approved: Engagement, alice: User, bob: User, eve: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice).get("/growth/network/")
    assert page.status_code == 200 and b"Bob Employer" in page.content
    r = client_for(alice).post(f"/growth/network/connect/{bob.pk}/")
    assert r.status_code == 302
    c = Connection.objects.get()
    r = api_for(bob).get("/api/v1/me/network").json()
    assert r["incoming"][0]["id"] == c.pk
    r = api_for(bob).post(f"/api/v1/connections/{c.pk}/accept", "{}", content_type=JSON)
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert (
        api_for(alice).get(f"/api/v1/users/{alice.pk}/connections").json()[0]["name"]
        == "Bob Employer"
    )
    r = api_for(alice).patch(
        "/api/v1/me/growth-settings", json.dumps({"show_connections": True}), content_type=JSON
    )
    assert r.json() == {"show_connections": True, "share_skill_growth": False}
    # eve: never connected, never sees.
    assert api_for(eve).get(f"/api/v1/users/{alice.pk}/connections").status_code == 404
    assert (
        api_for(eve)
        .post(f"/api/v1/connections/{c.pk}/decline", "{}", content_type=JSON)
        .status_code
        == 404
    )
    assert api_for(eve).delete(f"/api/v1/connections/{c.pk}").status_code == 404
    r = api_for(eve).post(
        "/api/v1/connections", json.dumps({"user_id": alice.pk}), content_type=JSON
    )
    assert r.status_code == 404
    assert Connection.objects.count() == 1 and Connection.objects.get().status == "accepted"
    r = api_for(alice).post(
        "/api/v1/connections", json.dumps({"user_id": bob.pk}), content_type=JSON
    )
    assert r.status_code == 409 and r.json()["errors"][0]["field"] == "user_id"


def test_mentors_from_programs_count(alice: User, dana: User, uni: Organisation) -> None:
    from stint.programs.models import CohortMember, Program

    program = Program.objects.create(institution=uni, name="Summer cohort", created_by=dana)
    CohortMember.objects.create(program=program, student=alice)
    assert "Mentor at Uni of Testing" in selectors.worked_with(alice)[dana.pk]
    c = services.connection_request(actor=dana, user_id=alice.pk)
    services.connection_accept(actor=alice, connection_id=c.pk)
    assert [p["person"] for p in selectors.connections_of(dana)] == [alice]
