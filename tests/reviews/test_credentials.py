"""Open Badges 3.0 credentials: issue, sign (eddsa-jcs-2022), verify; any tampering
fails; another key fails; the key and the verification endpoint are public."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.reviews import credentials, services
from stint.reviews.models import Credential

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def fresh_key(settings, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    """Each test gets its own development key under a temporary VAR_DIR."""
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("STINT_SIGNING_KEY", raising=False)
    credentials.platform_key.cache_clear()
    yield
    credentials.platform_key.cache_clear()


@pytest.fixture
def issued(paid: Engagement, alice: User, bob: User) -> dict:  # type: ignore[type-arg]
    skill = paid.opportunity.skills.first()
    services.verified_skills_confirm(actor=bob, engagement_id=paid.pk, levels={skill.skill_id: 3})
    credential, created = services.credential_issue(actor=alice, engagement_id=paid.pk)
    assert created
    return credential.document


def test_jcs_and_base58() -> None:
    assert (
        credentials.jcs({"b": 1, "a": [True, None, "é"]}) == '{"a":[true,null,"é"],"b":1}'.encode()
    )
    with pytest.raises(credentials.CanonicalisationError):
        credentials.jcs({"a": 1.5})
    for raw in (b"", b"\0\0abc", bytes(range(64))):
        assert credentials.b58decode(credentials.b58encode(raw)) == raw
    assert credentials.b58encode(b"hello world") == "StV1DL6CwTryKyV"


def test_issued_credential_has_the_open_badges_shape(issued: dict, paid: Engagement) -> None:  # type: ignore[type-arg]
    assert issued["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert issued["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert issued["issuer"]["id"].startswith("http")
    assert issued["validFrom"].endswith("Z")
    subject = issued["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["name"] == paid.title
    assert achievement["description"]
    assert "narrative" in achievement["criteria"]
    assert achievement["alignment"] and all(
        a["targetUrl"].startswith("http://data.europa.eu/esco/skill/")
        for a in achievement["alignment"]
    )
    proof = issued["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofValue"].startswith("z")
    assert credentials.verify(issued).valid


def test_issuing_twice_returns_the_same_document(
    issued: dict, paid: Engagement, alice: User
) -> None:  # type: ignore[type-arg]
    again, created = services.credential_issue(actor=alice, engagement_id=paid.pk)
    assert not created and again.document == issued
    assert Credential.objects.count() == 1


def _paths(value, prefix=()):  # type: ignore[no-untyped-def]
    """Every leaf path of a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))
    else:
        yield prefix


def _tamper(doc, path):  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    old = target[path[-1]]
    if isinstance(old, bool):
        new = not old
    elif isinstance(old, int):
        new = old + 1
    elif isinstance(old, str):
        new = (
            old + "x"
            if not old.startswith("z") or path[-1] != "proofValue"
            else "z" + old[2:] + "1"
        )
    else:
        new = "tampered"
    target[path[-1]] = new
    return doc


def test_any_tampered_field_fails(issued: dict) -> None:  # type: ignore[type-arg]
    paths = list(_paths(issued))
    assert len(paths) > 20
    for path in paths:
        result = credentials.verify(_tamper(issued, path))
        assert not result.valid, path


def test_added_or_removed_fields_fail(issued: dict) -> None:  # type: ignore[type-arg]
    added = copy.deepcopy(issued)
    added["credentialSubject"]["achievement"]["name2"] = "extra"
    assert credentials.verify(added).code == "bad_signature"
    removed = copy.deepcopy(issued)
    del removed["credentialSubject"]["achievement"]["alignment"]
    assert credentials.verify(removed).code == "bad_signature"
    no_proof = copy.deepcopy(issued)
    del no_proof["proof"]
    assert credentials.verify(no_proof).code == "no_proof"
    assert credentials.verify([issued]).code == "not_an_object"


def test_signed_by_another_key_fails(issued: dict) -> None:  # type: ignore[type-arg]
    other = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in issued.items() if k != "proof"}
    forged = credentials.sign(unsigned, created=datetime.now(UTC), key=other)
    assert credentials.verify(forged).code == "unknown_key"
    # Even claiming Stint's key id, the signature does not match.
    forged["proof"]["verificationMethod"] = issued["proof"]["verificationMethod"]
    assert credentials.verify(forged).code == "bad_signature"
    # And a genuine credential does not verify against another public key.
    assert not credentials.verify(issued, public=other.public_key()).valid


def test_key_from_environment(settings, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    key = Ed25519PrivateKey.generate()
    monkeypatch.setenv(
        "STINT_SIGNING_KEY", base64.b64encode(credentials.private_key_pem(key)).decode()
    )
    credentials.platform_key.cache_clear()
    assert credentials.public_multibase(
        credentials.platform_key().public_key()
    ) == credentials.public_multibase(key.public_key())
    assert not (tmp_path / "signing_key.pem").exists()


def test_bad_key_in_environment_is_refused(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("STINT_SIGNING_KEY", "not base64!")
    credentials.platform_key.cache_clear()
    with pytest.raises(ImproperlyConfigured):
        credentials.platform_key()


def test_development_key_generated_once(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = credentials.public_multibase(credentials.platform_key().public_key())
    path = tmp_path / "signing_key.pem"
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    credentials.platform_key.cache_clear()
    assert credentials.public_multibase(credentials.platform_key().public_key()) == first


def test_production_requires_the_key(settings) -> None:  # type: ignore[no-untyped-def]
    from django.core.exceptions import ImproperlyConfigured

    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        credentials.platform_key()


def test_public_key_document(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/p/keys/platform.json")
    assert response.status_code == 200
    doc = response.json()
    method = doc["verificationMethod"][0]
    assert method["type"] == "Multikey" and method["publicKeyMultibase"].startswith("z6Mk")
    assert doc["publicKeyJwk"]["crv"] == "Ed25519"
    assert doc["assertionMethod"] == [method["id"]]
    assert client.get("/api/v1/credentials/keys/platform").json() == doc


def test_verify_endpoint_needs_no_auth(client, issued: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    ok = client.post("/api/v1/credentials/verify", json.dumps(issued), content_type=JSON)
    assert ok.status_code == 200 and ok.json()["valid"] is True
    assert ok.json()["achievement"] == issued["credentialSubject"]["achievement"]["name"]
    tampered = copy.deepcopy(issued)
    tampered["validFrom"] = "2000-01-01T00:00:00Z"
    bad = client.post("/api/v1/credentials/verify", json.dumps(tampered), content_type=JSON)
    assert bad.status_code == 200
    assert (
        bad.json()["valid"] is False
        and bad.json()["code"] == "bad_signature"
        and bad.json()["reason"]
    )
    junk = client.post("/api/v1/credentials/verify", "not json", content_type=JSON)
    assert junk.status_code in (400, 422)


def test_verify_page(client, issued: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    assert client.get("/p/verify/").status_code == 200
    ok = client.post("/p/verify/", {"credential": json.dumps(issued)})
    assert ok.status_code == 200 and b"Valid." in ok.content
    tampered = copy.deepcopy(issued)
    tampered["credentialSubject"]["achievement"]["name"] = "CEO"
    bad = client.post("/p/verify/", {"credential": json.dumps(tampered)})
    assert b"Not valid." in bad.content
    junk = client.post("/p/verify/", {"credential": "{oops"})
    assert junk.status_code == 422 and b"not valid JSON" in junk.content
    empty = client.post("/p/verify/", {"credential": ""})
    assert empty.status_code == 422


def test_export_via_api_and_page(
    paid: Engagement, alice: User, bob: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    api = api_for(alice)
    first = api.post(f"/api/v1/engagements/{paid.pk}/credential")
    assert first.status_code == 201
    again = api.post(f"/api/v1/engagements/{paid.pk}/credential")
    assert again.status_code == 200 and again.json() == first.json()
    assert api.get(f"/api/v1/engagements/{paid.pk}/credential").json() == first.json()
    assert credentials.verify(first.json()).valid
    page = client_for(alice).post(f"/reviews/engagement/{paid.pk}/credential/")
    assert page.status_code == 200 and page["Content-Disposition"].startswith("attachment")
    assert json.loads(page.content) == first.json()
    # The employer and outsiders cannot issue the candidate's credential.
    assert api_for(bob).post(f"/api/v1/engagements/{paid.pk}/credential").status_code == 403


def test_no_credential_before_completion(approved: Engagement, alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    response = api_for(alice).post(f"/api/v1/engagements/{approved.pk}/credential")
    assert response.status_code == 409
    assert Credential.objects.count() == 0
    assert api_for(alice).get(f"/api/v1/engagements/{approved.pk}/credential").status_code == 404
