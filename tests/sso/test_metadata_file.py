"""SAML set-up from an uploaded IdP metadata file (issue 19 item 1: "metadata URL or
file"): on the settings page and through the API, read safely, what it yields shown
back, bad files refused naming the field with nothing saved, and a real sign-in
through the loopback IdP configured from its file alone."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.orgs.models import Affiliation, InstitutionDomain, Organisation
from stint.sso.metadata import MAX_BYTES, MetadataError, read_metadata
from stint.sso.models import InstitutionSignOn
from stint.sso.services import SignOnInput, sign_on_save
from tests.sso.saml_idp import DISPLAY_NAME, MAIL, LoopbackSamlIdP
from tests.sso.test_saml_flow import HOST, _saml_sign_in, _signed_in_as

SAML = {"protocol": "saml", "email_claim": MAIL, "name_claim": DISPLAY_NAME, "enabled": "on"}


@pytest.fixture
def saml_idp() -> Iterator[LoopbackSamlIdP]:
    with LoopbackSamlIdP() as server:
        server.next_attributes = {MAIL: "kim@uni.example.edu", DISPLAY_NAME: "Kim Student"}
        yield server


def _encryption_only(xml: str) -> str:
    return xml.replace('use="signing"', 'use="encryption"')


def _bad_files(idp: LoopbackSamlIdP) -> list[tuple[str, bytes, str]]:
    good = idp.metadata()
    return [
        ("malformed", good[: len(good) // 2].encode(), "metadata_not_xml"),
        ("no signing certificate", _encryption_only(good).encode(), "metadata_no_certificate"),
        (
            "no certificate at all",
            good.replace("KeyDescriptor", "Extensions").encode(),
            "metadata_no_certificate",
        ),
        (
            "entity expansion",
            b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>'
            b"<md:EntityDescriptor xmlns:md='urn:oasis:names:tc:SAML:2.0:metadata'>&lol;"
            b"</md:EntityDescriptor>",
            "metadata_unsafe",
        ),
        ("not an IdP", b"<html><body>Sign in</body></html>", "metadata_no_idp"),
        ("too big", b"<x>" + b" " * MAX_BYTES + b"</x>", "metadata_too_big"),
    ]


# --- Reading the file (no database) ---------------------------------------------------


def test_it_reads_entity_id_addresses_and_the_signing_certificate(
    saml_idp: LoopbackSamlIdP,
) -> None:
    read = read_metadata(saml_idp.metadata().encode())
    assert read.entity_id == saml_idp.entity_id
    assert read.sso_url == f"{saml_idp.base}/sso"
    assert read.x509cert == saml_idp.cert_b64
    assert read.certificate.subject == "CN=Test IdP"
    assert read.certificate.not_after == saml_idp.cert.not_valid_after_utc
    assert len(read.certificate.sha256.split(":")) == 32


def test_a_file_listing_several_idps_is_read_for_the_entity_id_given(
    saml_idp: LoopbackSamlIdP,
) -> None:
    one = saml_idp.metadata().split("?>", 1)[1]
    other = one.replace(saml_idp.entity_id, "https://other.example/idp").replace(
        f"{saml_idp.base}/sso", "https://other.example/sso"
    )
    both = (
        '<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">'
        f"{other}{one}</md:EntitiesDescriptor>"
    ).encode()
    assert read_metadata(both).entity_id == "https://other.example/idp"  # the first
    assert read_metadata(both, entity_id=saml_idp.entity_id).sso_url == f"{saml_idp.base}/sso"
    with pytest.raises(MetadataError) as refused:
        read_metadata(both, entity_id="https://nobody.example/'idp")
    assert refused.value.code == "metadata_no_idp"


def test_during_a_key_rollover_the_first_signing_certificate_is_used(
    saml_idp: LoopbackSamlIdP,
) -> None:
    xml = saml_idp.metadata()
    start = xml.index("<md:KeyDescriptor")
    end = xml.index("</md:KeyDescriptor>") + len("</md:KeyDescriptor>")
    encryption = _encryption_only(xml[start:end])
    rolled = xml[:start] + encryption + xml[start:end] + xml[start:end] + xml[end:]
    read = read_metadata(rolled.encode())
    assert read.x509cert == saml_idp.cert_b64 and read.signing_certificates == 2


def test_bad_files_are_refused_for_their_reason(saml_idp: LoopbackSamlIdP) -> None:
    for name, data, code in _bad_files(saml_idp):
        with pytest.raises(MetadataError) as refused:
            read_metadata(data)
        assert refused.value.code == code, name


# --- The settings page and the API ----------------------------------------------------


@pytest.mark.django_db
def test_the_page_takes_the_file_and_shows_what_it_read(
    client_for: Callable[[User | None], Client],
    dana: User,
    uni: Organisation,
    saml_idp: LoopbackSamlIdP,
) -> None:
    client = client_for(dana)
    upload = SimpleUploadedFile("idp-metadata.xml", saml_idp.metadata().encode(), "text/xml")
    saved = client.post(f"/sso/institutions/{uni.pk}/", {**SAML, "metadata_xml": upload})
    assert saved.status_code == 302, saved.content[:3000]
    idp = SocialApp.objects.get(provider="saml").settings["idp"]
    assert idp["entity_id"] == saml_idp.entity_id and idp["sso_url"] == f"{saml_idp.base}/sso"
    assert idp["x509cert"] == saml_idp.cert_b64 and "metadata_url" not in idp
    page = client.get(f"/sso/institutions/{uni.pk}/").content.decode()
    read = read_metadata(saml_idp.metadata().encode())
    for shown in ("idp-metadata.xml", saml_idp.entity_id, "CN=Test IdP", read.certificate.sha256):
        assert shown in page
    # Saving again without a new file (say, another claim) keeps the file's values.
    again = client.post(
        f"/sso/institutions/{uni.pk}/",
        {
            **SAML,
            "entity_id": idp["entity_id"],
            "sso_url": idp["sso_url"],
            "x509cert": idp["x509cert"],
            "programme_claim": "urn:example:programme",
        },
    )
    assert again.status_code == 302
    kept = SocialApp.objects.get(provider="saml").settings["idp"]
    assert kept["metadata_file"]["name"] == "idp-metadata.xml"
    assert kept["x509cert"] == saml_idp.cert_b64


@pytest.mark.django_db
def test_the_page_refuses_bad_files_on_the_field_and_saves_nothing(
    client_for: Callable[[User | None], Client],
    dana: User,
    uni: Organisation,
    saml_idp: LoopbackSamlIdP,
) -> None:
    client = client_for(dana)
    for name, data, _code in _bad_files(saml_idp):
        upload = SimpleUploadedFile("metadata.xml", data, "text/xml")
        answer = client.post(f"/sso/institutions/{uni.pk}/", {**SAML, "metadata_xml": upload})
        assert answer.status_code == 200, name
        form = answer.context["form"]
        assert list(form.errors) == ["metadata_xml"], (name, form.errors)
    no_cert = _bad_files(saml_idp)[1][1]
    answer = client.post(
        f"/sso/institutions/{uni.pk}/",
        {**SAML, "metadata_xml": SimpleUploadedFile("m.xml", no_cert, "text/xml")},
    )
    assert b"no signing certificate" in answer.content
    assert not InstitutionSignOn.objects.exists() and not SocialApp.objects.exists()


def _put(client: Client, org: Organisation, body: dict[str, Any]) -> Any:
    return client.put(
        f"/api/v1/institutions/{org.pk}/sign-on", json.dumps(body), content_type="application/json"
    )


@pytest.mark.django_db
def test_the_api_takes_the_metadata_xml_and_answers_what_it_read(
    api_for: Callable[[User | None], Client],
    dana: User,
    uni: Organisation,
    saml_idp: LoopbackSamlIdP,
) -> None:
    api = api_for(dana)
    body = {"protocol": "saml", "email_claim": MAIL, "metadata_filename": "idp.xml"}
    for name, data, code in _bad_files(saml_idp):
        if name == "too big":
            continue  # over the schema's own limit: below
        answer = _put(api, uni, {**body, "metadata_xml": data.decode()})
        assert answer.status_code == 422, name
        assert [e["field"] for e in answer.json()["errors"]] == ["metadata_xml"], name
        assert answer.json()["code"] == code, name
    too_big = _put(api, uni, {**body, "metadata_xml": "<x>" + " " * MAX_BYTES + "</x>"})
    assert too_big.status_code == 422 and "metadata_xml" in too_big.content.decode()
    assert not InstitutionSignOn.objects.exists()
    answer = _put(api, uni, {**body, "metadata_xml": saml_idp.metadata()})
    assert answer.status_code == 200, answer.content
    idp = answer.json()["idp"]
    assert (idp["source"], idp["file_name"], idp["entity_id"]) == (
        "file",
        "idp.xml",
        saml_idp.entity_id,
    )
    assert idp["certificate"]["subject"] == "CN=Test IdP"
    assert answer.json()["x509cert"] == saml_idp.cert_b64
    assert api.get(f"/api/v1/institutions/{uni.pk}/sign-on").json()["idp"] == idp


@pytest.mark.django_db
def test_a_typed_certificate_that_is_not_one_is_refused(
    api_for: Callable[[User | None], Client], dana: User, uni: Organisation
) -> None:
    answer = _put(
        api_for(dana),
        uni,
        {
            "protocol": "saml",
            "email_claim": MAIL,
            "entity_id": "https://idp.uni.example.edu/idp",
            "sso_url": "https://idp.uni.example.edu/sso",
            "x509cert": "not a certificate",
        },
    )
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "x509cert"


@pytest.mark.django_db
def test_a_student_signs_in_through_an_idp_set_up_from_its_file_alone(
    dana: User, uni: Organisation, saml_idp: LoopbackSamlIdP, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )
    sign_on = sign_on_save(
        actor=dana,
        institution_id=uni.pk,
        data=SignOnInput(
            protocol="saml",
            email_claim=MAIL,
            name_claim=DISPLAY_NAME,
            metadata_xml=saml_idp.metadata().encode(),
            metadata_filename="idp.xml",
        ),
    )
    assert "metadata_url" not in sign_on.app.settings["idp"]
    client = Client(HTTP_HOST=HOST)
    answer = _saml_sign_in(client, sign_on)
    assert answer.status_code == 302, answer.content[:2000]
    user = _signed_in_as(client)
    assert user is not None and user.email == "kim@uni.example.edu"
    assert Affiliation.objects.filter(user=user, institution=uni).exists()
    # A tampered response is still refused: the file's certificate is the one checked.
    saml_idp.spoil = "tampered"
    other = Client(HTTP_HOST=HOST)
    _saml_sign_in(other, sign_on)
    assert _signed_in_as(other) is None
