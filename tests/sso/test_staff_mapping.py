"""Signing in as the institution's staff by an IdP attribute (e.g. eduPersonAffiliation
= staff / faculty), for OpenID Connect and SAML against the loopback IdPs: never for an
address outside the institution's verified domains, and the membership a sign-on made
goes when the IdP stops saying staff (one made by invitation never does)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.orgs.models import Affiliation, InstitutionDomain, Membership, Organisation
from stint.orgs.services import invitation_accept, invitation_create
from stint.sso import rules
from stint.sso.models import InstitutionIdentity, InstitutionSignOn
from stint.sso.services import SignOnInput, sign_on_save
from tests.personas import make_user
from tests.sso.conftest import sign_in_through
from tests.sso.idp import CLIENT_ID, LoopbackIdP
from tests.sso.saml_idp import DISPLAY_NAME, MAIL, LoopbackSamlIdP
from tests.sso.test_saml_flow import HOST, _saml_sign_in, _signed_in_as

AFFILIATION = "urn:oid:1.3.6.1.4.1.5923.1.1.1.1"  # eduPersonAffiliation
STAFF_VALUES = ["staff", "faculty", "employee"]
TEACHER = {
    "sub": "t-77",
    "email": "tess@cs.uni.example.edu",  # a sub-domain of the verified uni.example.edu
    "email_verified": True,
    "name": "Tess Teacher",
    "affiliation": ["member", "Faculty"],
}


# --- The rule (no database) -----------------------------------------------------------


def test_staff_is_one_of_the_values_in_the_claim_whatever_its_case_or_shape() -> None:
    assert rules.says_staff({"aff": ["member", "STAFF"]}, "aff", ["staff"])
    assert rules.says_staff({"aff": "faculty"}, "aff", ["staff", "faculty"])
    assert not rules.says_staff({"aff": ["student", "member"]}, "aff", ["staff"])
    assert not rules.says_staff({"aff": "staff"}, "", ["staff"])  # no mapping, no staff
    assert not rules.says_staff({}, "aff", ["staff"])


def test_staff_only_inside_the_institutions_verified_domains() -> None:
    claims = {"aff": ["staff"]}

    def staff(email: str) -> bool:
        return rules.signs_in_as_staff(
            claims=claims,
            staff_claim="aff",
            staff_values=["staff"],
            email=email,
            verified_domains=["uni.example.edu"],
        )

    assert staff("tess@uni.example.edu") and staff("tess@cs.uni.example.edu")
    assert not staff("tess@gmail.example")
    assert not staff("tess@notuni.example.edu") and not staff("")


# --- Set-up -----------------------------------------------------------------------------


def _put(client: Client, org: Organisation, body: dict[str, Any]) -> Any:
    return client.put(
        f"/api/v1/institutions/{org.pk}/sign-on", json.dumps(body), content_type="application/json"
    )


@pytest.mark.django_db
def test_the_mapping_needs_both_claim_and_values(
    api_for: Callable[[User | None], Client], dana: User, uni: Organisation
) -> None:
    api = api_for(dana)
    base = {
        "protocol": "oidc",
        "issuer_url": "https://login.uni.example.edu",
        "client_id": "stint",
        "secret": "s",
        "email_claim": "email",
    }
    no_values = _put(api, uni, {**base, "staff_claim": "affiliation"})
    assert no_values.status_code == 422
    assert [e["field"] for e in no_values.json()["errors"]] == ["staff_values"]
    no_claim = _put(api, uni, {**base, "staff_values": ["staff"]})
    assert [e["field"] for e in no_claim.json()["errors"]] == ["staff_claim"]
    assert not InstitutionSignOn.objects.exists()
    saved = _put(api, uni, {**base, "staff_claim": "affiliation", "staff_values": STAFF_VALUES})
    assert saved.status_code == 200
    assert (saved.json()["staff_claim"], saved.json()["staff_values"]) == (
        "affiliation",
        STAFF_VALUES,
    )


@pytest.mark.django_db
def test_the_page_takes_the_values_comma_separated(
    client_for: Callable[[User | None], Client], dana: User, uni: Organisation
) -> None:
    client = client_for(dana)
    saved = client.post(
        f"/sso/institutions/{uni.pk}/",
        {
            "protocol": "oidc",
            "issuer_url": "https://login.uni.example.edu",
            "client_id": "stint",
            "secret": "s",
            "email_claim": "email",
            "staff_claim": AFFILIATION,
            "staff_values": "staff, Faculty ,staff,, employee",
            "enabled": "on",
        },
    )
    assert saved.status_code == 302
    sign_on = InstitutionSignOn.objects.get(institution=uni)
    assert sign_on.staff_values == ["staff", "Faculty", "employee"]
    page = client.get(f"/sso/institutions/{uni.pk}/").content.decode()
    assert "staff, Faculty, employee" in page


# --- OpenID Connect ---------------------------------------------------------------------


@pytest.fixture
def uni_oidc_staff(
    uni_oidc: InstitutionSignOn, uni: Organisation, dana: User, idp: LoopbackIdP
) -> InstitutionSignOn:
    return sign_on_save(
        actor=dana,
        institution_id=uni.pk,
        data=SignOnInput(
            protocol="oidc",
            issuer_url=idp.base,
            client_id=CLIENT_ID,
            email_claim="email",
            name_claim="name",
            staff_claim="affiliation",
            staff_values=STAFF_VALUES,
        ),
    )


def _staff_of(uni: Organisation) -> set[str]:
    return set(Membership.objects.filter(organisation=uni).values_list("user__email", flat=True))


@pytest.mark.django_db
def test_oidc_staff_sign_up_as_the_institutions_staff(
    idp: LoopbackIdP, uni_oidc_staff: InstitutionSignOn, uni: Organisation
) -> None:
    idp.next_claims = TEACHER
    client = Client()
    assert sign_in_through(client, uni_oidc_staff).status_code == 302
    tess = _signed_in_as(client)
    assert tess is not None and tess.email == "tess@cs.uni.example.edu"
    assert not tess.is_candidate and "institution" in tess.roles
    assert Membership.objects.get(organisation=uni, user=tess).role == "member"
    assert not Affiliation.objects.filter(user=tess).exists()  # not one of its students
    assert InstitutionIdentity.objects.get(user=tess).staff_by_sign_on
    assert AuditEntry.objects.filter(action="membership.created", after__by="sign_on").exists()
    # Staff see the institution's staff pages.
    assert client.get(f"/institutions/{uni.pk}/staff/").status_code == 200


@pytest.mark.django_db
def test_oidc_never_makes_staff_of_an_address_outside_the_verified_domains(
    idp: LoopbackIdP, uni_oidc_staff: InstitutionSignOn, uni: Organisation
) -> None:
    idp.next_claims = {**TEACHER, "sub": "t-78", "email": "tess@gmail.example"}
    client = Client()
    sign_in_through(client, uni_oidc_staff)
    assert _staff_of(uni) == {"dana@uni.example.edu"}
    made = User.objects.filter(email="tess@gmail.example").first()
    assert made is None or made.is_candidate


@pytest.mark.django_db
def test_oidc_students_stay_students(
    idp: LoopbackIdP, uni_oidc_staff: InstitutionSignOn, uni: Organisation
) -> None:
    idp.next_claims = {**TEACHER, "sub": "s-1", "email": "sam@uni.example.edu", "affiliation": []}
    client = Client()
    sign_in_through(client, uni_oidc_staff)
    sam = _signed_in_as(client)
    assert sam is not None and sam.is_candidate
    assert Affiliation.objects.filter(user=sam, institution=uni).exists()
    assert _staff_of(uni) == {"dana@uni.example.edu"}


@pytest.mark.django_db
def test_the_membership_a_sign_on_made_goes_when_the_idp_stops_saying_staff(
    idp: LoopbackIdP, uni_oidc_staff: InstitutionSignOn, uni: Organisation
) -> None:
    idp.next_claims = TEACHER
    sign_in_through(Client(), uni_oidc_staff)
    assert "tess@cs.uni.example.edu" in _staff_of(uni)
    idp.next_claims = {**TEACHER, "affiliation": ["member", "alum"]}
    client = Client()
    sign_in_through(client, uni_oidc_staff)
    tess = _signed_in_as(client)
    assert tess is not None and "tess@cs.uni.example.edu" not in _staff_of(uni)
    assert not InstitutionIdentity.objects.get(user=tess).staff_by_sign_on
    assert Affiliation.objects.filter(user=tess, institution=uni).exists()
    assert AuditEntry.objects.filter(action="membership.removed", before__by="sign_on").exists()


@pytest.mark.django_db
def test_a_membership_from_an_invitation_is_never_removed_by_the_idp(
    idp: LoopbackIdP, uni_oidc_staff: InstitutionSignOn, uni: Organisation, dana: User
) -> None:
    tess = make_user("tess@cs.uni.example.edu", name="Tess")
    invitation = invitation_create(actor=dana, organisation_id=uni.pk, email=tess.email)
    assert invitation_accept(actor=tess, token=invitation.token).user == tess
    idp.next_claims = TEACHER
    sign_in_through(Client(), uni_oidc_staff)  # staff: already a member, nothing made
    assert not InstitutionIdentity.objects.get(user=tess).staff_by_sign_on
    idp.next_claims = {**TEACHER, "affiliation": ["member"]}
    sign_in_through(Client(), uni_oidc_staff)
    assert Membership.objects.filter(organisation=uni, user=tess).exists()


# --- SAML -------------------------------------------------------------------------------


@pytest.fixture
def saml_idp() -> Iterator[LoopbackSamlIdP]:
    with LoopbackSamlIdP() as server:
        server.next_attributes = {
            MAIL: "tess@uni.example.edu",
            DISPLAY_NAME: "Tess Teacher",
            AFFILIATION: ["member", "staff"],
        }
        yield server


@pytest.fixture
def uni_saml_staff(
    uni: Organisation, dana: User, saml_idp: LoopbackSamlIdP, settings: Any
) -> InstitutionSignOn:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )
    return sign_on_save(
        actor=dana,
        institution_id=uni.pk,
        data=SignOnInput(
            protocol="saml",
            email_claim=MAIL,
            name_claim=DISPLAY_NAME,
            metadata_xml=saml_idp.metadata(),
            staff_claim=AFFILIATION,
            staff_values="staff, faculty",
        ),
    )


@pytest.mark.django_db
def test_saml_staff_by_edu_person_affiliation_sign_in_as_staff(
    saml_idp: LoopbackSamlIdP, uni_saml_staff: InstitutionSignOn, uni: Organisation
) -> None:
    client = Client(HTTP_HOST=HOST)
    answer = _saml_sign_in(client, uni_saml_staff)
    assert answer.status_code == 302, answer.content[:2000]
    tess = _signed_in_as(client)
    assert tess is not None and tess.email == "tess@uni.example.edu"
    assert not tess.is_candidate
    assert Membership.objects.get(organisation=uni, user=tess).role == "member"
    assert not Affiliation.objects.filter(user=tess).exists()


@pytest.mark.django_db
def test_saml_never_makes_staff_of_an_address_outside_the_verified_domains(
    saml_idp: LoopbackSamlIdP, uni_saml_staff: InstitutionSignOn, uni: Organisation
) -> None:
    saml_idp.next_subject = "u-outsider"
    saml_idp.next_attributes = {**saml_idp.next_attributes, MAIL: "tess@gmail.example"}
    client = Client(HTTP_HOST=HOST)
    _saml_sign_in(client, uni_saml_staff)
    assert _staff_of(uni) == {"dana@uni.example.edu"}
    made = User.objects.filter(email="tess@gmail.example").first()
    assert made is None or made.is_candidate


@pytest.mark.django_db
def test_saml_students_by_affiliation_stay_students(
    saml_idp: LoopbackSamlIdP, uni_saml_staff: InstitutionSignOn, uni: Organisation
) -> None:
    saml_idp.next_attributes = {
        **saml_idp.next_attributes,
        MAIL: "kim@uni.example.edu",
        AFFILIATION: ["member", "student"],
    }
    client = Client(HTTP_HOST=HOST)
    _saml_sign_in(client, uni_saml_staff)
    kim = _signed_in_as(client)
    assert kim is not None and kim.is_candidate
    assert Affiliation.objects.filter(user=kim, institution=uni).exists()
    assert _staff_of(uni) == {"dana@uni.example.edu"}
