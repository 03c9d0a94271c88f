"""SAML single log-out started by the IdP (issue 19, SLO): a signed LogoutRequest
to Stint's SLS ends the Stint session and answers the IdP; unsigned or signed by
another key, it is refused and the person stays signed in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from stint.accounts.models import User
from stint.orgs.models import InstitutionDomain, Organisation
from stint.sso.models import InstitutionSignOn
from stint.sso.services import SignOnInput, sign_on_save
from tests.sso.saml_idp import DISPLAY_NAME, MAIL, LoopbackSamlIdP
from tests.sso.test_saml_flow import HOST, _saml_sign_in, _signed_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def saml_idp() -> Iterator[LoopbackSamlIdP]:
    with LoopbackSamlIdP() as server:
        server.next_attributes = {MAIL: "kim@uni.example.edu", DISPLAY_NAME: "Kim Student"}
        yield server


@pytest.fixture
def uni_saml(
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
        ),
    )


def _signed_in_kim(sign_on: InstitutionSignOn) -> Client:
    client = Client(HTTP_HOST=HOST)
    _saml_sign_in(client, sign_on)
    assert _signed_in_as(client) is not None
    return client


def _sls(sign_on: InstitutionSignOn) -> str:
    return f"/accounts/saml/{sign_on.app.client_id}/sls/"


def test_a_signed_logout_request_from_the_idp_ends_the_stint_session(
    saml_idp: LoopbackSamlIdP, uni_saml: InstitutionSignOn
) -> None:
    assert uni_saml.app.settings["idp"]["slo_url"] == f"{saml_idp.base}/slo"  # from the file
    client = _signed_in_kim(uni_saml)
    query = saml_idp.logout_request(f"http://{HOST}{_sls(uni_saml)}", "u-2001")
    answer = client.get(_sls(uni_saml), query)
    assert answer.status_code == 302, answer.content
    assert _signed_in_as(client) is None
    back = urlsplit(answer["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == f"{saml_idp.base}/slo"
    assert "SAMLResponse" in parse_qs(back.query)  # the IdP hears it is done


def test_an_unsigned_logout_request_is_refused(
    saml_idp: LoopbackSamlIdP, uni_saml: InstitutionSignOn
) -> None:
    client = _signed_in_kim(uni_saml)
    query = saml_idp.logout_request(f"http://{HOST}{_sls(uni_saml)}", "u-2001", signed=False)
    answer = client.get(_sls(uni_saml), query)
    assert answer.status_code == 400 and b"signed" in answer.content
    assert _signed_in_as(client) is not None


def test_a_logout_request_signed_by_another_key_is_refused(
    saml_idp: LoopbackSamlIdP, uni_saml: InstitutionSignOn
) -> None:
    client = _signed_in_kim(uni_saml)
    forger = LoopbackSamlIdP()
    forger.server.server_close()
    forger.entity_id = saml_idp.entity_id  # claims to be the university's IdP
    query = forger.logout_request(f"http://{HOST}{_sls(uni_saml)}", "u-2001")
    answer = client.get(_sls(uni_saml), query)
    assert answer.status_code == 400
    assert _signed_in_as(client) is not None


def test_the_settings_page_gives_the_single_logout_address(
    client_for: Any, dana: User, uni: Organisation
) -> None:
    page = client_for(dana).get(f"/sso/institutions/{uni.pk}/").content.decode()
    assert f"/accounts/saml/{uni.slug}/sls/" in page
