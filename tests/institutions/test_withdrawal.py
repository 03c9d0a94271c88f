"""Withdrawing consent hides the data at once: the same requests, before and
after, in the page, the API and the CSV."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User
from stint.institutions.models import ConsentEvent, GroupDeclaration
from stint.institutions.services import declaration_set, group_add
from stint.orgs.models import Organisation

pytestmark = pytest.mark.django_db
JSON = "application/json"
SAM = "sam@uni.example.edu"


def _csv(client, url: str) -> str:  # type: ignore[no-untyped-def]
    return b"".join(client.get(url).streaming_content).decode()


def _seen(dana_page, dana_api, uni: Organisation, table: str) -> tuple[bool, bool, bool]:  # type: ignore[no-untyped-def]
    html = dana_page.get(f"/institutions/{uni.pk}/staff/reports/{table}/").content.decode()
    rows = dana_api.get(f"/api/v1/institutions/{uni.pk}/reports/{table}").json()["rows"]
    csv_text = _csv(dana_page, f"/institutions/{uni.pk}/staff/reports/{table}.csv")
    return SAM in html, any(r["student_email"] == SAM for r in rows), SAM in csv_text


def test_withdrawing_everything_hides_everything_at_once(
    world: dict[str, Any], uni: Organisation, dana: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    sam = world["sam"]
    page, api = client_for(dana), api_for(dana)
    tables = (
        "students",
        "applications",
        "selections",
        "completions",
        "skills",
        "ratings",
        "follow_ups",
    )
    for table in tables:
        assert _seen(page, api, uni, table) == (True, True, True), table
    dash = api.get(f"/api/v1/institutions/{uni.pk}/dashboard").json()
    assert dash["students_sharing"] == 1 and dash["completions"] == 1

    r = client_for(sam).post(f"/institutions/{uni.pk}/consent/withdraw/")
    assert r.status_code == 302

    for table in tables:
        assert _seen(page, api, uni, table) == (False, False, False), table
    dash = api.get(f"/api/v1/institutions/{uni.pk}/dashboard").json()
    assert dash["students_sharing"] == 0
    assert dash["applications"] == dash["selections"] == dash["completions"] == 0
    assert dash["earnings"] == [] and dash["top_skills"] == []
    assert sum(m["active_students"] for m in dash["participation"]) == 0
    # The withdrawal is on record, with its time.
    assert ConsentEvent.objects.filter(consent__student=sam, granted=False).count() == 7


def test_withdrawing_one_scope_by_api_hides_only_that(
    world: dict[str, Any], uni: Organisation, dana: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    page, api = client_for(dana), api_for(dana)
    assert _seen(page, api, uni, "skills") == (True, True, True)
    r = api_for(world["sam"]).patch(
        f"/api/v1/institutions/{uni.pk}/consent", {"skills": False}, content_type=JSON
    )
    assert r.status_code == 200 and r.json()["skills"] is False and r.json()["ratings"] is True
    assert _seen(page, api, uni, "skills") == (False, False, False)
    assert _seen(page, api, uni, "ratings") == (True, True, True)
    # And granting again shows it again (no cache either way).
    api_for(world["sam"]).patch(
        f"/api/v1/institutions/{uni.pk}/consent", {"skills": True}, content_type=JSON
    )
    assert _seen(page, api, uni, "skills") == (True, True, True)


def test_losing_the_affiliation_hides_the_student(
    world: dict[str, Any], uni: Organisation, dana: User, client_for, api_for
) -> None:  # type: ignore[no-untyped-def]
    world["sam"].affiliations.all().delete()
    assert _seen(client_for(dana), api_for(dana), uni, "students") == (False, False, False)


def test_withdrawing_group_consent_deletes_declared_groups(
    world: dict[str, Any], uni: Organisation, dana: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    sam = world["sam"]
    g = group_add(
        actor=dana, institution_id=uni.pk, category="Background", label="First-generation student"
    )
    declaration_set(actor=sam, institution_id=uni.pk, group_ids=[g.pk])
    assert GroupDeclaration.objects.filter(student=sam).exists()
    api_for(sam).delete(f"/api/v1/institutions/{uni.pk}/consent")
    assert not GroupDeclaration.objects.filter(student=sam).exists()
