"""A simulated LMS: its own RSA key and JWKS, signed id_tokens, an OAuth2 token
endpoint that checks the tool's signed client assertion against the tool's own
/lti/jwks.json, and NRPS and AGS endpoints that record what they receive.
Its HTTP side is served through `responses` (requests is what PyLTI1p3 uses)."""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from jwcrypto.jwk import JWK

from stint.lti import rules

ISSUER = "https://lms.example.edu"
CLIENT_ID = "stint-tool-1"
DEPLOYMENT = "deployment-1"
AUTH_URL = f"{ISSUER}/auth"
TOKEN_URL = f"{ISSUER}/login/oauth2/token"
JWKS_URL = f"{ISSUER}/jwks"
MEMBERS_URL = f"{ISSUER}/api/lti/courses/7/names_and_roles"
LINEITEMS_URL = f"{ISSUER}/api/lti/courses/7/line_items"
DEEP_LINK_RETURN = f"{ISSUER}/courses/7/deep_linking_response"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
]


def rsa_pem() -> tuple[str, dict[str, Any]]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    public = json.loads(jwk.export_public())
    public.update(kid=jwk.thumbprint(), alg="RS256", use="sig")
    return pem, public


@dataclass
class SimulatedPlatform:
    django: Client  # to fetch the tool's JWKS, as a platform would over HTTP
    mock: responses.RequestsMock
    private_pem: str = ""
    public_jwk: dict[str, Any] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    nrps_requests: list[dict[str, str]] = field(default_factory=list)
    lineitems: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.private_pem, self.public_jwk = rsa_pem()
        m = self.mock
        m.add_callback(responses.GET, JWKS_URL, callback=self._jwks)
        m.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        m.add_callback(responses.GET, MEMBERS_URL, callback=self._members)
        m.add_callback(responses.GET, LINEITEMS_URL, callback=self._lineitems_get)
        m.add_callback(responses.POST, LINEITEMS_URL, callback=self._lineitems_post)

    # --- the platform's HTTP endpoints -------------------------------------------------

    def _jwks(self, request: Any) -> tuple[int, dict[str, str], str]:
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": [self.public_jwk]})

    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        tool_keys = self.django.get("/lti/jwks.json").json()["keys"]
        header = jwt.get_unverified_header(form["client_assertion"])
        match = [k for k in tool_keys if k["kid"] == header.get("kid")]
        if not match or form.get("grant_type") != "client_credentials":
            return 401, {}, json.dumps({"error": "invalid_client"})
        try:
            claims = jwt.decode(
                form["client_assertion"],
                jwt.PyJWK(match[0]).key,
                algorithms=["RS256"],
                audience=TOKEN_URL,
            )
        except jwt.InvalidTokenError:
            return 401, {}, json.dumps({"error": "invalid_client"})
        if claims["iss"] != CLIENT_ID or claims["sub"] != CLIENT_ID:
            return 401, {}, json.dumps({"error": "invalid_client"})
        token = "token-" + uuid.uuid4().hex
        self.tokens.add(token)
        self.token_requests.append({"scope": form.get("scope", ""), "claims": claims})
        body = {"access_token": token, "token_type": "Bearer", "expires_in": 3600}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _authorised(self, request: Any) -> bool:
        auth = request.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    def _members(self, request: Any) -> tuple[int, dict[str, str], str]:
        if not self._authorised(request):
            return 401, {}, "{}"
        self.nrps_requests.append({"accept": request.headers.get("Accept", "")})
        body = {"id": MEMBERS_URL, "context": {"id": "course-7"}, "members": self.members}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _lineitems_get(self, request: Any) -> tuple[int, dict[str, str], str]:
        if not self._authorised(request):
            return 401, {}, "[]"
        return 200, {"Content-Type": "application/json"}, json.dumps(self.lineitems)

    def _lineitems_post(self, request: Any) -> tuple[int, dict[str, str], str]:
        if not self._authorised(request):
            return 401, {}, "{}"
        item = json.loads(request.body)
        item["id"] = f"{LINEITEMS_URL}/{len(self.lineitems) + 1}"
        self.lineitems.append(item)
        self.mock.add_callback(responses.POST, item["id"] + "/scores", callback=self._score)
        return 201, {"Content-Type": "application/json"}, json.dumps(item)

    def _score(self, request: Any) -> tuple[int, dict[str, str], str]:
        if not self._authorised(request):
            return 401, {}, "{}"
        body = json.loads(request.body)
        body["_url"] = request.url
        body["_content_type"] = request.headers.get("Content-Type")
        self.scores.append(body)
        return 200, {"Content-Type": "application/json"}, "{}"

    # --- what the platform sends the tool ------------------------------------------------

    def id_token(
        self,
        nonce: str,
        *,
        sub: str = "lms-user-1",
        roles: list[str] | None = None,
        email: str = "sam@uni.example.edu",
        name: str = "Sam Student",
        key_pem: str | None = None,
        kid: str | None = None,
        deep_link: bool = False,
        **overrides: Any,
    ) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "sub": sub,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "email": email,
            "name": name,
            rules.DEPLOYMENT_CLAIM: DEPLOYMENT,
            rules.CLAIM + "version": "1.3.0",
            rules.ROLES_CLAIM: roles if roles is not None else [LEARNER],
            rules.CONTEXT_CLAIM: {"id": "course-7", "label": "CS101", "title": "Intro to CS"},
            rules.NRPS_CLAIM: {
                "context_memberships_url": MEMBERS_URL,
                "service_versions": ["2.0"],
            },
            rules.AGS_CLAIM: {"scope": AGS_SCOPES, "lineitems": LINEITEMS_URL},
        }
        if deep_link:
            claims[rules.MESSAGE_TYPE_CLAIM] = "LtiDeepLinkingRequest"
            claims[rules.DEEP_LINK_CLAIM] = {
                "deep_link_return_url": DEEP_LINK_RETURN,
                "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window"],
                "accept_multiple": True,
                "data": "platform-opaque-42",
            }
        else:
            claims[rules.MESSAGE_TYPE_CLAIM] = "LtiResourceLinkRequest"
            claims[rules.RESOURCE_LINK_CLAIM] = {"id": "link-1", "title": "Micro-internship"}
            claims[rules.CLAIM + "target_link_uri"] = "http://testserver/lti/launch/"
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        return jwt.encode(
            claims,
            key_pem or self.private_pem,
            algorithm="RS256",
            headers={"kid": kid or self.public_jwk["kid"]},
        )

    def login(self, client: Client, *, iss: str = ISSUER) -> tuple[str, str]:
        """Third-party initiated login; follows the tool's redirect to the platform's
        auth endpoint and returns the (state, nonce) the tool asked for."""
        response = client.post(
            "/lti/login/",
            {
                "iss": iss,
                "login_hint": "hint-1",
                "target_link_uri": "http://testserver/lti/launch/",
                "client_id": CLIENT_ID,
                "lti_deployment_id": DEPLOYMENT,
            },
        )
        assert response.status_code == 302, response.content
        location = urlsplit(response["Location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == AUTH_URL
        params = {k: v[0] for k, v in parse_qs(location.query).items()}
        assert params["client_id"] == CLIENT_ID
        assert params["redirect_uri"] == "http://testserver/lti/launch/"
        return params["state"], params["nonce"]

    def launch(self, client: Client, **token_args: Any) -> Any:
        """A whole launch: login initiation, then the id_token posted back."""
        state, nonce = self.login(client)
        token = self.id_token(nonce, **token_args)
        return client.post("/lti/launch/", {"id_token": token, "state": state})
