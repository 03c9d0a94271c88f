"""A small but real OpenID Connect identity provider for the tests, on loopback:
discovery, JWKS, authorize, token and userinfo endpoints, RS256-signed id_tokens.
Each test tells it who signs in (`next_claims`) and how to spoil the id_token."""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "stint-test-client"
CLIENT_SECRET = "s3cret-of-the-idp"


class LoopbackIdP:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = "test-key-1"
        self.next_claims: dict[str, Any] = {}
        self.spoil: str | None = None  # "signature" | "audience" | "expired"
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.token_requests: list[dict[str, list[str]]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackIdP:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- what the endpoints serve ------------------------------------------------
    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, alg="RS256", use="sig")
        return {"keys": [jwk]}

    def id_token(self, claims: dict[str, Any], nonce: str | None) -> str:
        now = int(time.time())
        payload: dict[str, Any] = {
            "iss": self.base,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "jti": secrets.token_hex(8),
            **claims,
        }
        if nonce:
            payload["nonce"] = nonce
        if self.spoil == "audience":
            payload["aud"] = "someone-elses-client"
        if self.spoil == "expired":
            payload["iat"], payload["exp"] = now - 3600, now - 600
        token = jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})
        if self.spoil == "signature":
            # Change a claim after signing: a man in the middle making himself someone else.
            head, body, sig = token.split(".")
            data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            data["email"] = "mallory@uni.example.edu"
            body = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
            token = f"{head}.{body}.{sig}"
        return token

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def _json(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    return self._json(200, idp.discovery())
                if url.path == "/jwks":
                    return self._json(200, idp.jwks())
                if url.path == "/authorize":
                    if query.get("client_id") != CLIENT_ID:
                        return self._json(400, {"error": "unauthorized_client"})
                    code = secrets.token_urlsafe(16)
                    idp.codes[code] = {
                        "claims": dict(idp.next_claims),
                        "nonce": query.get("nonce"),
                        "redirect_uri": query["redirect_uri"],
                    }
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query.get("state", "")})
                    )
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                    return None
                if url.path == "/userinfo":
                    bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    grant = idp.tokens.get(bearer)
                    if grant is None:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, grant["claims"])
                return self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                if urlsplit(self.path).path != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(length).decode())
                idp.token_requests.append(form)
                client_id = form.get("client_id", [""])[0]
                secret = form.get("client_secret", [""])[0]
                basic = self.headers.get("Authorization", "")
                if basic.startswith("Basic "):
                    client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
                if (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
                    return self._json(401, {"error": "invalid_client"})
                grant = idp.codes.pop(form.get("code", [""])[0], None)
                if grant is None:
                    return self._json(400, {"error": "invalid_grant"})
                access = secrets.token_urlsafe(16)
                idp.tokens[access] = grant
                return self._json(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": idp.id_token(grant["claims"], grant["nonce"]),
                    },
                )

        return Handler
