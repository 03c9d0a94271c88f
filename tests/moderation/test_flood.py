"""Flood tests (issue 15 items 1, 7, 8; issue 13 item 2): each limit is one count
per person and action, shared by the page, the session and every API token, and
counted by the service itself."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.applications.models import Application, Message
from stint.moderation.models import Report
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.programs import services as program_services
from stint.programs.models import ProgramOpportunity

JSON = "application/json"


def _clients(
    user: User,
    client_for: Callable[[User | None], Client],
    token_for: Callable[[User], str],
) -> dict[str, Client]:
    """The same person as a page visitor, two API tokens and an API session."""
    return {
        "page": client_for(user),
        "token_a": Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}"),
        "token_b": Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}"),
        "session": client_for(user),
    }


def _assert_429(r: Any, *, api: bool) -> None:
    assert r.status_code == 429, (r.status_code, r.content[:300])
    assert int(r["Retry-After"]) > 0
    if api:
        assert r.json()["code"] == "rate_limited"
        assert r.json()["detail"].startswith("Too many requests")
    else:
        assert b"Too many requests" in r.content


@pytest.mark.django_db
def test_31_messages_mixing_page_tokens_and_session_refuse_the_31st(
    alice: User,
    thread: Message,
    client_for: Callable[[User | None], Client],
    token_for: Callable[[User], str],
) -> None:
    clients = _clients(alice, client_for, token_for)
    page_url = f"/applications/{thread.application_id}/messages/"
    api_url = f"/api/v1/applications/{thread.application_id}/messages"
    order = ["page", "token_a", "token_b", "session"]
    for i in range(30):  # the default limit: 30 per 10 minutes
        how = order[i % 4]
        if how == "page":
            r = clients[how].post(page_url, {"body": f"message {i}"})
            assert r.status_code in (200, 302), r.status_code
        else:
            r = clients[how].post(api_url, {"body": f"message {i}"})  # a form: it may attach
            assert r.status_code == 201, (how, r.content)
    assert Message.objects.filter(sender=alice).count() == 30
    _assert_429(clients["page"].post(page_url, {"body": "one too many"}), api=False)
    for how in ("token_a", "token_b", "session"):
        r = clients[how].post(api_url, {"body": "one too many"})
        _assert_429(r, api=True)
    assert Message.objects.filter(sender=alice).count() == 30  # nothing more was sent


@pytest.mark.django_db
def test_reports_share_one_per_user_limit(
    alice: User,
    live_posting: Opportunity,
    thread: Message,
    settings: Any,
    client_for: Callable[[User | None], Client],
    token_for: Callable[[User], str],
) -> None:
    settings.STINT_RATE_LIMIT_REPORT = "3/600"
    clients = _clients(alice, client_for, token_for)
    target = {"target_type": "opportunity", "target_id": live_posting.pk, "reason": "spam"}
    assert clients["page"].post("/moderation/report/", target).status_code == 302
    # A refused attempt (already reported) counts too: floods are made of them.
    r = clients["token_a"].post("/api/v1/reports", json.dumps(target), content_type=JSON)
    assert r.status_code == 409
    message = {"target_type": "message", "target_id": thread.pk, "reason": "spam"}
    r = clients["token_b"].post("/api/v1/reports", json.dumps(message), content_type=JSON)
    assert r.status_code == 201
    profile = {"target_type": "profile", "target_id": alice.pk, "reason": "spam"}
    _assert_429(
        clients["session"].post("/api/v1/reports", json.dumps(profile), content_type=JSON),
        api=True,
    )
    _assert_429(clients["page"].post("/moderation/report/", profile), api=False)
    assert Report.objects.filter(reporter=alice).count() == 2


@pytest.mark.django_db
def test_applications_share_one_per_user_limit(
    alice: User,
    make_posting: Callable[..., Opportunity],
    settings: Any,
    client_for: Callable[[User | None], Client],
    token_for: Callable[[User], str],
) -> None:
    settings.STINT_RATE_LIMIT_APPLY = "3/600"
    postings = [make_posting(title=f"Build a churn dashboard number {i}") for i in range(4)]
    clients = _clients(alice, client_for, token_for)
    r = clients["page"].post(f"/applications/apply/{postings[0].pk}/", {"note": "Keen"})
    assert r.status_code == 302, r.content[:500]
    again = {"opportunity_id": postings[0].pk}
    r = clients["token_a"].post("/api/v1/applications", json.dumps(again), content_type=JSON)
    assert r.status_code == 409  # already applied: refused, and counted
    body = {"opportunity_id": postings[1].pk}
    r = clients["token_b"].post("/api/v1/applications", json.dumps(body), content_type=JSON)
    assert r.status_code == 201, r.content
    body = {"opportunity_id": postings[2].pk}
    _assert_429(
        clients["session"].post("/api/v1/applications", json.dumps(body), content_type=JSON),
        api=True,
    )
    r = clients["page"].post(f"/applications/apply/{postings[3].pk}/", {"note": "Keen"})
    _assert_429(r, api=False)
    assert Application.objects.filter(candidate=alice).count() == 2


@pytest.mark.django_db
def test_program_proposals_share_one_per_user_limit(
    dana: User,
    uni: Organisation,
    make_posting: Callable[..., Opportunity],
    settings: Any,
    client_for: Callable[[User | None], Client],
    token_for: Callable[[User], str],
) -> None:
    settings.STINT_RATE_LIMIT_PROPOSAL = "2/600"
    program = program_services.program_create(
        actor=dana, institution_id=uni.pk, name="Summer cohort", credit_bearing=False, credits=0
    )
    postings = [make_posting(title=f"Build a churn dashboard number {i}") for i in range(3)]
    clients = _clients(dana, client_for, token_for)
    url = f"/programs/{program.pk}/opportunities/"
    r = clients["page"].post(url, {"opportunity_id": postings[0].pk, "openings": 1})
    assert r.status_code == 302, r.content[:500]
    api_url = f"/api/v1/programs/{program.pk}/opportunities"
    body = {"opportunity_id": postings[1].pk, "openings": 1}
    r = clients["token_a"].post(api_url, json.dumps(body), content_type=JSON)
    assert r.status_code == 201, r.content
    body = {"opportunity_id": postings[2].pk, "openings": 1}
    _assert_429(clients["token_b"].post(api_url, json.dumps(body), content_type=JSON), api=True)
    r = clients["page"].post(url, {"opportunity_id": postings[2].pk, "openings": 1})
    _assert_429(r, api=False)
    assert ProgramOpportunity.objects.filter(program=program).count() == 2


@pytest.mark.django_db
def test_limited_answers_tell_the_quota_left_on_the_api_and_the_page(
    alice: User,
    thread: Message,
    client_for: Callable[[User | None], Client],
    token_for: Callable[[User], str],
) -> None:
    """Issue 16: RateLimit-* headers count down the one per-person window, the
    refusal still carries them, and unlimited answers carry none."""
    token = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(alice)}")
    page = client_for(alice)
    api_url = f"/api/v1/applications/{thread.application_id}/messages"
    first = token.post(api_url, {"body": "one"})
    assert first.status_code == 201
    assert first["RateLimit-Limit"] == "30"
    assert first["RateLimit-Remaining"] == "29"
    assert first["RateLimit-Policy"] == "30;w=600"
    assert 0 < int(first["RateLimit-Reset"]) <= 600
    second = page.post(f"/applications/{thread.application_id}/messages/", {"body": "two"})
    assert second["RateLimit-Remaining"] == "28"  # the page counts in the same window
    listing = token.get(api_url)
    assert listing.status_code == 200 and "RateLimit-Limit" not in listing
    for i in range(28):
        token.post(api_url, {"body": f"m{i}"})
    refused = token.post(api_url, {"body": "over"})
    _assert_429(refused, api=True)
    assert refused["RateLimit-Remaining"] == "0"
    assert refused["RateLimit-Reset"] == refused["Retry-After"]


def test_every_rate_limited_operation_declares_429() -> None:
    """The schema names 429 exactly where a service counts a limit."""
    from stint.api.api import api

    schema = api.get_openapi_schema()
    limited = {
        ("post", "/api/v1/applications"),
        ("post", "/api/v1/applications/{application_id}/messages"),
        ("post", "/api/v1/reports"),
        ("post", "/api/v1/programs/{program_id}/opportunities"),
    }
    declared = {
        (method, path)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if 429 in op.get("responses", {}) or "429" in op.get("responses", {})
    }
    assert declared == limited
