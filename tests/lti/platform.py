"""A simulated LMS: its own RSA key and JWKS, signed id_tokens, an OAuth2 token
endpoint that checks the tool's signed client assertion against the tool's own
/lti/jwks.json, and NRPS and AGS endpoints that record what they receive.

Its HTTP side is a real server on loopback (one per test process, started on
import), so PyLTI1p3 talks to it over sockets as it would to Canvas or Moodle. The
server thread never touches the database (the test's transaction is not visible
to another connection): the platform reads the tool's JWKS over the test client
when it is set up, and caches it as real platforms do."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client
from jwcrypto.jwk import JWK

from stint.lti import rules

Answer = tuple[int, dict[str, str], str]


@dataclass
class Received:
    """One request as the platform's endpoints read it."""

    url: str
    headers: dict[str, str]
    body: str


class _Handler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = f"{ISSUER}{self.path}"
        route = current.routes.get((self.command, url.split("?")[0])) if current else None
        if route is None:
            status, headers, text = 404, {}, "{}"
        else:
            status, headers, text = route(Received(url, dict(self.headers.items()), body))
        data = text.encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return


def _serve() -> str:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True, name="simulated-lms").start()
    return f"http://127.0.0.1:{server.server_address[1]}"


current: SimulatedPlatform | None = None  # the platform the server answers for

ISSUER = _serve()
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
    private_pem: str = ""
    public_jwk: dict[str, Any] = field(default_factory=dict)
    tokens: set[str] = field(default_factory=set)
    token_requests: list[dict[str, Any]] = field(default_factory=list)
    members: list[dict[str, Any]] = field(default_factory=list)
    nrps_requests: list[dict[str, str]] = field(default_factory=list)
    lineitems: list[dict[str, Any]] = field(default_factory=list)
    scores: list[dict[str, Any]] = field(default_factory=list)
    routes: dict[tuple[str, str], Callable[[Received], Answer]] = field(default_factory=dict)
    tool_keys: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        global current
        self.private_pem, self.public_jwk = rsa_pem()
        self.tool_keys = self.django.get("/lti/jwks.json").json()["keys"]
        self.routes.update(
            {
                ("GET", JWKS_URL): self._jwks,
                ("POST", TOKEN_URL): self._token,
                ("GET", MEMBERS_URL): self._members,
                ("GET", LINEITEMS_URL): self._lineitems_get,
                ("POST", LINEITEMS_URL): self._lineitems_post,
            }
        )
        current = self

    def close(self) -> None:
        global current
        if current is self:
            current = None

    # --- the platform's HTTP endpoints -------------------------------------------------

    def _jwks(self, request: Received) -> Answer:
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": [self.public_jwk]})

    def _token(self, request: Received) -> Answer:
        form = {k: v[0] for k, v in parse_qs(request.body).items()}
        header = jwt.get_unverified_header(form["client_assertion"])
        match = [k for k in self.tool_keys if k["kid"] == header.get("kid")]
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

    def _authorised(self, request: Received) -> bool:
        auth = request.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.tokens

    def _members(self, request: Received) -> Answer:
        if not self._authorised(request):
            return 401, {}, "{}"
        self.nrps_requests.append({"accept": request.headers.get("Accept", "")})
        body = {"id": MEMBERS_URL, "context": {"id": "course-7"}, "members": self.members}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _lineitems_get(self, request: Received) -> Answer:
        if not self._authorised(request):
            return 401, {}, "[]"
        return 200, {"Content-Type": "application/json"}, json.dumps(self.lineitems)

    def _lineitems_post(self, request: Received) -> Answer:
        if not self._authorised(request):
            return 401, {}, "{}"
        item = json.loads(request.body)
        item["id"] = f"{LINEITEMS_URL}/{len(self.lineitems) + 1}"
        self.lineitems.append(item)
        self.routes[("POST", item["id"] + "/scores")] = self._score
        return 201, {"Content-Type": "application/json"}, json.dumps(item)

    def _score(self, request: Received) -> Answer:
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
