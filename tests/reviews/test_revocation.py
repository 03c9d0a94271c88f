"""Credential revocation (W3C Bitstring Status List + Stint's own verifier with the
date and reason) and signing-key rotation (old keys stay published, new credentials
use the new key), through services, pages, the API and the management command."""

from __future__ import annotations

import base64
import copy
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.utils import timezone

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from stint.reviews import credentials, selectors, services
from stint.reviews.models import Credential, SigningKey
from tests.reviews.conftest import make_engagement

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
def issued(paid: Engagement, alice: User) -> Credential:
    credential, created = services.credential_issue(actor=alice, engagement_id=paid.pk)
    assert created
    return credential


def status_bits(document: dict[str, Any]) -> bytes:
    return credentials.decode_status_list(document["credentialSubject"]["encodedList"])


# --- The status list ----------------------------------------------------------------------


def test_status_list_encoding() -> None:
    bits = credentials.decode_status_list(credentials.encode_status_list([0, 9, 131_071]))
    assert len(bits) == 16 * 1024  # the spec's minimum: 131,072 entries
    assert bits[0] == 0x80 and bits[1] == 0x40 and bits[-1] == 0x01  # index 0 = leftmost bit
    assert [i for i in range(131_072) if credentials.status_bit(bits, i)] == [0, 9, 131_071]
    assert credentials.encode_status_list([]).startswith("u")  # multibase base64url
    with pytest.raises(ValueError):
        credentials.encode_status_list([131_072])
    with pytest.raises(ValueError):
        credentials.decode_status_list("zabc")


def test_issued_credential_points_at_a_signed_status_list(issued: Credential, client) -> None:  # type: ignore[no-untyped-def]
    status = issued.document["credentialStatus"]
    url = credentials.status_list_url(issued.status_list)
    assert status == {
        "id": f"{url}#{issued.status_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(issued.status_index),
        "statusListCredential": url,
    }
    assert url.endswith("/p/status/1.json") and 0 <= issued.status_index < 131_072
    assert credentials.verify(issued.document).valid
    response = client.get("/p/status/1.json")
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == "*"
    listed = response.json()
    assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert listed["credentialSubject"]["type"] == "BitstringStatusList"
    assert listed["credentialSubject"]["statusPurpose"] == "revocation"
    assert listed["issuer"] == issued.document["issuer"]
    assert credentials.proof_valid(listed)
    assert not credentials.status_bit(status_bits(listed), issued.status_index)
    tampered = copy.deepcopy(listed)
    tampered["credentialSubject"]["encodedList"] = credentials.encode_status_list([3])
    assert not credentials.proof_valid(tampered)
    api = client.get("/api/v1/credentials/status/1").json()
    assert api["credentialSubject"] == listed["credentialSubject"]
    assert client.get("/p/status/2.json").status_code == 404
    assert client.get("/p/status/0.json").status_code == 404
    assert client.get("/api/v1/credentials/status/7").status_code == 404


def test_status_slots_are_distinct(
    acme, bob: User, alice: User, skills: list[dict[str, str]]
) -> None:  # type: ignore[no-untyped-def]
    from tests.reviews.conftest import make_opportunity

    slots = set()
    for i in range(5):
        opportunity: Opportunity = make_opportunity(acme, bob, skills, title=f"Job {i}")
        engagement = make_engagement(opportunity, alice, status="paid")
        credential, _ = services.credential_issue(actor=alice, engagement_id=engagement.pk)
        slots.add((credential.status_list, credential.status_index))
    assert len(slots) == 5


# --- Revoking ---------------------------------------------------------------------------------


def test_candidate_revokes_and_verification_says_so(
    issued: Credential, paid: Engagement, alice: User, client
) -> None:  # type: ignore[no-untyped-def]
    document = issued.document
    for reason in ("", "  x ", "y" * 301):
        with pytest.raises(DomainError) as exc:
            services.credential_revoke(actor=alice, engagement_id=paid.pk, reason=reason)
        assert exc.value.field == "reason"
    issued.refresh_from_db()
    assert issued.revoked_at is None
    revoked = services.credential_revoke(
        actor=alice, engagement_id=paid.pk, reason="  I exported it by mistake  "
    )
    assert revoked.revoked and revoked.revoked_by == alice
    assert revoked.revocation_reason == "I exported it by mistake"
    result = selectors.credential_check(document)
    today = timezone.now().strftime("%Y-%m-%d")
    assert not result.valid and result.code == "revoked"
    assert result.reason == f"Revoked on {today}: I exported it by mistake"
    assert result.revoked_at.startswith(today) and result.revocation_reason.startswith("I exported")
    assert result.achievement == paid.title  # still says which credential it is
    assert credentials.verify(document).valid  # the signature itself is intact
    listed = client.get("/p/status/1.json").json()
    assert credentials.status_bit(status_bits(listed), issued.status_index)
    assert credentials.proof_valid(listed)
    with pytest.raises(ConflictError) as exc:
        services.credential_revoke(actor=alice, engagement_id=paid.pk, reason="again")
    assert exc.value.code == "already_revoked"
    with pytest.raises(ConflictError) as exc:
        services.credential_issue(actor=alice, engagement_id=paid.pk)
    assert exc.value.code == "credential_revoked"
    assert Credential.objects.count() == 1
    assert not Notification.objects.filter(kind="credential.revoked").exists()  # her own act


def test_admin_revokes_after_a_dispute_and_the_candidate_is_told(
    issued: Credential, paid: Engagement, alice: User, root: User
) -> None:
    services.credential_revoke(actor=root, engagement_id=paid.pk, reason="Dispute upheld")
    note = Notification.objects.get(user=alice, kind="credential.revoked")
    assert paid.title in note.title and "Dispute upheld" in note.body
    assert selectors.credential_check(issued.document).code == "revoked"


def test_who_may_revoke(
    issued: Credential,
    paid: Engagement,
    approved: Engagement,
    bob: User,
    carol: User,
    eve: User,
    alice: User,
) -> None:
    with pytest.raises(Forbidden):
        services.credential_revoke(actor=bob, engagement_id=paid.pk, reason="we changed our mind")
    for outsider in (carol, eve):
        with pytest.raises(NotFound):
            services.credential_revoke(actor=outsider, engagement_id=paid.pk, reason="nope")
    with pytest.raises(NotFound):
        services.credential_revoke(actor=alice, engagement_id=approved.pk, reason="none issued")
    issued.refresh_from_db()
    assert not issued.revoked


def test_credentials_from_before_status_lists_can_be_revoked(
    paid: Engagement, alice: User, client
) -> None:  # type: ignore[no-untyped-def]
    old_uuid = uuid.uuid4()
    document = credentials.sign(
        services.credential_document(paid, old_uuid), created=timezone.now()
    )
    Credential.objects.create(engagement=paid, uuid=old_uuid, document=document)
    assert "credentialStatus" not in document
    assert selectors.credential_check(document).valid
    services.credential_revoke(actor=alice, engagement_id=paid.pk, reason="Old one")
    assert selectors.credential_check(document).code == "revoked"
    assert client.get("/p/status/1.json").status_code == 404  # it is in no list


def test_portfolio_stops_listing_a_revoked_credential(
    issued: Credential, paid: Engagement, alice: User, client
) -> None:  # type: ignore[no-untyped-def]
    services.portfolio_update(actor=alice, slug="alice-c", public=True, headline="")
    url = f"/p/alice-c/credentials/{paid.pk}.json"
    assert client.get(url).status_code == 200
    services.credential_revoke(actor=alice, engagement_id=paid.pk, reason="Withdrawn")
    assert client.get(url).status_code == 404
    assert url not in client.get("/p/alice-c/").content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_revoke_and_status_api(
    issued: Credential,
    paid: Engagement,
    alice: User,
    bob: User,
    carol: User,
    eve: User,
    root: User,
    api_for,
    client,
) -> None:  # type: ignore[no-untyped-def]
    revoke = f"/api/v1/engagements/{paid.pk}/credential/revoke"
    status = f"/api/v1/engagements/{paid.pk}/credential/status"
    body = json.dumps({"reason": "No longer accurate"})
    assert api_for(bob).post(revoke, body, content_type=JSON).status_code == 403
    for outsider in (carol, eve):
        assert api_for(outsider).post(revoke, body, content_type=JSON).status_code == 404
        assert api_for(outsider).get(status).status_code == 404
    assert api_for(None).post(revoke, body, content_type=JSON).status_code == 401
    api = api_for(alice)
    for bad in ({}, {"reason": ""}, {"reason": "     "}, {"reason": "x" * 301}):
        response = api.post(revoke, json.dumps(bad), content_type=JSON)
        assert response.status_code == 422, bad
        assert response.json()["errors"][0]["field"] == "reason"
    active = api.get(status).json()
    assert active["status"] == "active" and active["revoked_at"] is None
    assert active["status_list_credential"].endswith("/p/status/1.json")
    assert active["status_list_index"] == issued.status_index
    assert active["key_id"] == issued.document["proof"]["verificationMethod"]
    assert api_for(bob).get(status).json()["status"] == "active"  # the employer may look
    done = api.post(revoke, body, content_type=JSON)
    assert done.status_code == 200
    assert done.json()["status"] == "revoked"
    assert done.json()["revocation_reason"] == "No longer accurate"
    assert api.post(revoke, body, content_type=JSON).status_code == 409
    assert api_for(root).get(status).json()["status"] == "revoked"
    checked = client.post(
        "/api/v1/credentials/verify", json.dumps(issued.document), content_type=JSON
    )
    assert checked.status_code == 200
    verdict = checked.json()
    assert verdict["valid"] is False and verdict["code"] == "revoked"
    assert verdict["revocation_reason"] == "No longer accurate" and verdict["revoked_at"]
    assert "No longer accurate" in verdict["reason"] and "Revoked on" in verdict["reason"]
    assert api.post(f"/api/v1/engagements/{paid.pk}/credential").status_code == 409


def test_admin_revokes_by_api(issued: Credential, paid: Engagement, root: User, api_for) -> None:  # type: ignore[no-untyped-def]
    response = api_for(root).post(
        f"/api/v1/engagements/{paid.pk}/credential/revoke",
        json.dumps({"reason": "Dispute resolved against the work"}),
        content_type=JSON,
    )
    assert response.status_code == 200 and response.json()["status"] == "revoked"


# --- Pages --------------------------------------------------------------------------------------


def test_revoke_on_the_engagement_page(
    issued: Credential,
    paid: Engagement,
    alice: User,
    bob: User,
    eve: User,
    root: User,
    client_for,
    client,
) -> None:  # type: ignore[no-untyped-def]
    page = f"/reviews/engagement/{paid.pk}/"
    url = f"/reviews/engagement/{paid.pk}/credential/revoke/"
    mine = client_for(alice)
    assert url in mine.get(page).content.decode()
    assert url not in client_for(bob).get(page).content.decode()
    assert url in client_for(root).get(page).content.decode()  # platform admins
    assert client_for(eve).post(url, {"reason": "mine now"}).status_code == 404
    assert client_for(bob).post(url, {"reason": "we disagree"}).status_code == 403
    bad = mine.post(url, {"reason": ""})
    assert bad.status_code == 422 and "reason" in bad.context["revoke_form"].errors
    spaces = mine.post(url, {"reason": "     "})
    assert spaces.status_code == 422
    issued.refresh_from_db()
    assert not issued.revoked
    ok = mine.post(url, {"reason": "Withdrawn by me"})
    assert ok.status_code == 302
    text = mine.get(page).content.decode()
    assert 'id="credential-revoked"' in text and "Withdrawn by me" in text
    assert url not in text  # nothing more to revoke
    again = mine.post(url, {"reason": "twice"})
    assert again.status_code == 422  # already revoked: shown on the form
    verify = client.post("/p/verify/", {"credential": json.dumps(issued.document)})
    assert verify.status_code == 200
    shown = verify.content.decode()
    assert "Revoked." in shown and "Withdrawn by me" in shown and "Valid." not in shown
    download = mine.post(f"/reviews/engagement/{paid.pk}/credential/")
    assert download.status_code == 302  # not issued again


# --- Key rotation -------------------------------------------------------------------------------


def test_rotation_keeps_old_credentials_verifiable(
    issued: Credential,
    acme,
    bob: User,
    alice: User,
    skills: list[dict[str, str]],
    tmp_path: Path,
    client,
    capsys,
) -> None:  # type: ignore[no-untyped-def]
    from tests.reviews.conftest import make_opportunity

    old_kid = issued.document["proof"]["verificationMethod"]
    old_pem = (tmp_path / "signing_key.pem").read_bytes()
    call_command("rotate_signing_key")
    out = capsys.readouterr().out
    assert old_kid in out and "New key:" in out
    assert (tmp_path / "signing_key.pem").read_bytes() != old_pem
    assert ((tmp_path / "signing_key.pem").stat().st_mode & 0o777) == 0o600
    new_kid = credentials.key_id(credentials.platform_key().public_key())
    assert new_kid != old_kid
    # New credentials are signed with the new key.
    engagement = make_engagement(
        make_opportunity(acme, bob, skills, title="Later"), alice, status="paid"
    )
    later, _ = services.credential_issue(actor=alice, engagement_id=engagement.pk)
    assert later.document["proof"]["verificationMethod"] == new_kid
    # Both verify: the old key is still published, identified by its kid.
    old_result = selectors.credential_check(issued.document)
    assert old_result.valid and old_result.key_id == old_kid
    assert selectors.credential_check(later.document).key_id == new_kid
    doc = client.get("/p/keys/platform.json").json()
    assert [m["id"] for m in doc["verificationMethod"]] == [new_kid, old_kid]
    assert doc["assertionMethod"] == [new_kid, old_kid]
    assert doc["publicKeyJwk"]["kid"] == new_kid
    assert [k["kid"] for k in doc["keys"]] == [new_kid, old_kid]
    keys = SigningKey.objects.order_by("created_at")
    assert keys.count() == 2 and keys[0].retired_at is not None and keys[1].retired_at is None
    # An old-key credential can still be revoked and is then reported revoked.
    services.credential_revoke(actor=alice, engagement_id=issued.engagement_id, reason="Old")
    assert selectors.credential_check(issued.document).code == "revoked"
    # A key Stint never published is refused, whatever it claims.
    stranger = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in later.document.items() if k != "proof"}
    forged = credentials.sign(unsigned, created=timezone.now(), key=stranger)
    assert selectors.credential_check(forged).code == "unknown_key"
    forged["proof"]["verificationMethod"] = old_kid
    assert selectors.credential_check(forged).code == "bad_signature"
    # Rotating again keeps every key.
    call_command("rotate_signing_key")
    assert len(client.get("/p/keys/platform.json").json()["verificationMethod"]) == 3
    assert selectors.credential_check(later.document).valid


def test_rotation_with_the_key_in_the_environment(
    issued: Credential, tmp_path: Path, monkeypatch, client
) -> None:  # type: ignore[no-untyped-def]
    current = Ed25519PrivateKey.generate()
    monkeypatch.setenv(
        "STINT_SIGNING_KEY", base64.b64encode(credentials.private_key_pem(current)).decode()
    )
    credentials.platform_key.cache_clear()
    with pytest.raises(CommandError, match="--output"):
        call_command("rotate_signing_key")
    target = tmp_path / "new-key.b64"
    call_command("rotate_signing_key", output=str(target))
    assert (target.stat().st_mode & 0o777) == 0o600
    with pytest.raises(CommandError, match="exists"):
        call_command("rotate_signing_key", output=str(target))
    # Published before it is deployed; the environment's key still signs meanwhile.
    published = [m["id"] for m in client.get("/p/keys/platform.json").json()["verificationMethod"]]
    assert len(published) == 3  # the env key, the dev key that signed `issued`, the new one
    monkeypatch.setenv("STINT_SIGNING_KEY", target.read_text().strip())  # the operator deploys
    credentials.platform_key.cache_clear()
    new_kid = credentials.key_id(credentials.platform_key().public_key())
    assert new_kid in published
    assert selectors.credential_check(issued.document).valid  # signed two keys ago
