"""Issue 14: a platform admin verifies an institution's email domain by clicking (an
admin action through the service), not by typing a date into a raw field."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.orgs.models import Affiliation, InstitutionDomain, Organisation
from stint.orgs.services import domain_add
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_the_admin_action_verifies_the_domain_and_links_its_students(
    root: User, dana: User, uni: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    domain = domain_add(actor=dana, organisation_id=uni.pk, domain="uni.example.edu")
    sam = make_user("sam@uni.example.edu", candidate=True, name="Sam Student")
    r = client_for(root).post(
        "/admin/orgs/institutiondomain/",
        {"action": "verify_domains", "_selected_action": [domain.pk]},
        follow=True,
    )
    assert r.status_code == 200 and b"1 domain(s) verified." in r.content
    assert InstitutionDomain.objects.get(pk=domain.pk).verified_at is not None
    assert Affiliation.objects.filter(user=sam, institution=uni).exists()
    assert AuditEntry.objects.filter(action="institution_domain.verified").count() == 1


def test_only_platform_admins_reach_the_action(
    dana: User, uni: Organisation, client_for: Callable[[User | None], Client]
) -> None:
    domain = domain_add(actor=dana, organisation_id=uni.pk, domain="uni.example.edu")
    r = client_for(dana).post(
        "/admin/orgs/institutiondomain/",
        {"action": "verify_domains", "_selected_action": [domain.pk]},
    )
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
    assert InstitutionDomain.objects.get(pk=domain.pk).verified_at is None
