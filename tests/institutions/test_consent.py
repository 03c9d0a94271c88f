"""A student's consent and declared groups: nothing by default, every change
logged, declared only with consent; bad input is refused and changes nothing."""

from __future__ import annotations

import pytest

from stint.accounts.models import User
from stint.core.errors import DomainError, NotFound
from stint.institutions import selectors, services
from stint.institutions.models import Consent, ConsentEvent, GroupDeclaration
from stint.orgs.models import Organisation
from tests.institutions.conftest import student

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def sam(uni: Organisation) -> User:
    return student("sam@uni.example.edu", uni)


def test_nothing_is_shared_by_default(sam: User, uni: Organisation, api_for) -> None:  # type: ignore[no-untyped-def]
    body = api_for(sam).get(f"/api/v1/institutions/{uni.pk}/consent").json()
    assert body["updated_at"] is None
    assert not any(
        body[s]
        for s in (
            "applications",
            "selections",
            "completions",
            "skills",
            "ratings",
            "follow_ups",
            "groups",
        )
    )
    assert selectors.consenting_ids(uni, "applications").count() == 0


def test_consent_changes_are_logged_with_time(sam: User, uni: Organisation) -> None:
    services.consent_set(
        actor=sam, institution_id=uni.pk, scopes={"applications": True, "skills": True}
    )
    services.consent_set(actor=sam, institution_id=uni.pk, scopes={"applications": False})
    events = list(ConsentEvent.objects.order_by("at", "pk").values_list("scope", "granted"))
    assert events == [("applications", True), ("skills", True), ("applications", False)]
    consent = Consent.objects.get(student=sam)
    assert consent.share_skills and not consent.share_applications
    assert all(e.at is not None for e in ConsentEvent.objects.all())


def test_only_verified_students_can_consent(eve: User, uni: Organisation) -> None:
    with pytest.raises(NotFound):
        services.consent_set(actor=eve, institution_id=uni.pk, scopes={"applications": True})
    assert not Consent.objects.exists()


def test_bad_consent_input_is_422_with_the_field_and_changes_nothing(
    sam: User, uni: Organisation, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(sam)
    r = api.patch(
        f"/api/v1/institutions/{uni.pk}/consent", {"applications": "perhaps"}, content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "applications"
    r = api.patch(f"/api/v1/institutions/{uni.pk}/consent", {"messages": True}, content_type=JSON)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "messages"
    assert not Consent.objects.exists()
    with pytest.raises(DomainError) as exc:
        services.consent_set(actor=sam, institution_id=uni.pk, scopes={"messages": True})
    assert exc.value.field == "messages"
    assert not Consent.objects.exists()


def test_consent_page_and_history(sam: User, uni: Organisation, client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(sam)
    html = page.get(f"/institutions/{uni.pk}/").content.decode()
    assert "asks what you want to share" in html
    r = page.post(f"/institutions/{uni.pk}/consent/", {"applications": "on", "completions": "on"})
    assert r.status_code == 302
    consent = Consent.objects.get(student=sam)
    assert consent.share_applications and consent.share_completions and not consent.share_skills
    history = api_for(sam).get(f"/api/v1/institutions/{uni.pk}/consent/history").json()
    assert {h["scope"] for h in history} == {"applications", "completions"}
    html = page.get(f"/institutions/{uni.pk}/").content.decode()
    assert "asks what you want to share" not in html and "History of your choices" in html


def test_groups_are_declared_only_with_consent(
    sam: User, uni: Organisation, dana: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    g = services.group_add(actor=dana, institution_id=uni.pk, category="Gender", label="Woman")
    api = api_for(sam)
    r = api.put(
        f"/api/v1/institutions/{uni.pk}/declaration", {"group_ids": [g.pk]}, content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "groups"
    r = client_for(sam).post(f"/institutions/{uni.pk}/groups/declare/", {"groups": [str(g.pk)]})
    assert r.status_code == 422
    assert not GroupDeclaration.objects.exists()

    services.consent_set(actor=sam, institution_id=uni.pk, scopes={"groups": True})
    r = api.put(
        f"/api/v1/institutions/{uni.pk}/declaration", {"group_ids": [g.pk]}, content_type=JSON
    )
    assert r.status_code == 200 and r.json()["group_ids"] == [g.pk]
    assert api.get(f"/api/v1/institutions/{uni.pk}/declaration").json()["group_ids"] == [g.pk]


def test_bad_declarations_change_nothing(
    sam: User, uni: Organisation, poly: Organisation, olga: User, dana: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    mine = services.group_add(actor=dana, institution_id=uni.pk, category="Gender", label="Woman")
    theirs = services.group_add(actor=olga, institution_id=poly.pk, category="Gender", label="Man")
    services.consent_set(actor=sam, institution_id=uni.pk, scopes={"groups": True})
    services.declaration_set(actor=sam, institution_id=uni.pk, group_ids=[mine.pk])
    api = api_for(sam)
    r = api.put(
        f"/api/v1/institutions/{uni.pk}/declaration", {"group_ids": [theirs.pk]}, content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "group_ids"
    r = api.put(
        f"/api/v1/institutions/{uni.pk}/declaration",
        {"group_ids": [mine.pk], "prefer_not_to_say": True},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "prefer_not_to_say"
    r = api.put(
        f"/api/v1/institutions/{uni.pk}/declaration", {"group_ids": "lots"}, content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "group_ids"
    r = client_for(sam).post(
        f"/institutions/{uni.pk}/groups/declare/", {"groups": [str(theirs.pk)]}
    )
    assert r.status_code == 422 and "groups" in r.content.decode()
    d = GroupDeclaration.objects.get(student=sam)
    assert list(d.groups.all()) == [mine] and not d.prefer_not_to_say


def test_clearing_the_declaration_removes_it(sam: User, uni: Organisation, dana: User) -> None:
    g = services.group_add(actor=dana, institution_id=uni.pk, category="Gender", label="Woman")
    services.consent_set(actor=sam, institution_id=uni.pk, scopes={"groups": True})
    services.declaration_set(actor=sam, institution_id=uni.pk, group_ids=[g.pk])
    assert services.declaration_set(actor=sam, institution_id=uni.pk, group_ids=[]) is None
    assert not GroupDeclaration.objects.exists()


def test_staff_manage_the_group_list(uni: Organisation, dana: User, client_for, api_for) -> None:  # type: ignore[no-untyped-def]
    page = client_for(dana)
    assert page.post(f"/institutions/{uni.pk}/staff/groups/suggested/").status_code == 302
    assert selectors.groups_of(uni).count() == 12
    r = page.post(f"/institutions/{uni.pk}/staff/groups/", {"category": "Gender", "label": "Woman"})
    assert r.status_code == 422 and "already listed" in r.content.decode()
    r = page.post(f"/institutions/{uni.pk}/staff/groups/", {"category": "", "label": "X"})
    assert r.status_code == 422
    r = api_for(dana).post(
        f"/api/v1/institutions/{uni.pk}/groups",
        {"category": "Age", "label": "Prefer not to say"},
        content_type=JSON,
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "label"
    assert selectors.groups_of(uni).count() == 12
    r = api_for(dana).post(
        f"/api/v1/institutions/{uni.pk}/groups",
        {"category": "Age", "label": "Over 25"},
        content_type=JSON,
    )
    assert r.status_code == 201
    gid = r.json()["id"]
    assert api_for(dana).delete(f"/api/v1/institutions/groups/{gid}").status_code == 204
    assert selectors.groups_of(uni).count() == 12


def test_plain_staff_members_cannot_change_the_group_list(uni: Organisation, api_for) -> None:  # type: ignore[no-untyped-def]
    from stint.orgs.models import Membership
    from tests.personas import make_user

    member = make_user("adviser@uni.example.edu")
    Membership.objects.create(organisation=uni, user=member, role="member")
    r = api_for(member).post(
        f"/api/v1/institutions/{uni.pk}/groups", {"category": "A", "label": "B"}, content_type=JSON
    )
    assert r.status_code == 403
    assert api_for(member).get(f"/api/v1/institutions/{uni.pk}/dashboard").status_code == 200
