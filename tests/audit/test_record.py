"""audit.record: what it writes for a row or a (kind, id) target, who counts as
the actor, and where the IP comes from."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from stint.accounts.models import User
from stint.audit import services as audit
from stint.audit.models import AuditEntry
from stint.core.request_context import RequestContextMiddleware
from stint.orgs.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_row_target_is_named_by_its_model(root: User, acme: Organisation) -> None:
    entry = audit.record(action="organisation.checked", actor=root, target=acme)
    assert (entry.target_type, entry.target_id) == ("organisation", str(acme.pk))
    assert entry.actor == root and entry.before == {} and entry.ip is None  # no request


def test_an_anonymous_actor_is_recorded_as_nobody(acme: Organisation) -> None:
    anonymous: Any = AnonymousUser()  # what request.user is before login
    entry = audit.record(
        action="organisation.checked", actor=anonymous, target=("organisation", acme.pk)
    )
    assert entry.actor is None


def test_the_ip_is_the_current_requests(root: User) -> None:
    def view(request: HttpRequest) -> HttpResponse:
        audit.record(action="user.checked", actor=root, target=("user", root.pk))
        return HttpResponse()

    RequestContextMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR="203.0.113.9"))
    assert AuditEntry.objects.get(action="user.checked").ip == "203.0.113.9"
    # Explicit beats the request; after the request there is none.
    entry = audit.record(action="user.checked", actor=root, target=root, ip="198.51.100.1")
    assert entry.ip == "198.51.100.1"
    assert audit.record(action="user.checked", actor=root, target=root).ip is None
