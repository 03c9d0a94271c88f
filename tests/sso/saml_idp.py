"""A small but real SAML 2.0 identity provider for the tests, on loopback: it serves
its metadata and an HTTP-Redirect sign-in endpoint that answers the SP's AuthnRequest
with an HTTP-POST form carrying a Response whose Assertion is signed (RSA-SHA256)
with the IdP's own key. Each test tells it who signs in and how to spoil the answer."""

from __future__ import annotations

import base64
import datetime as dt
import html
import secrets
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlsplit
from xml.etree import ElementTree

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants as C
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MAIL = "urn:oid:0.9.2342.19200300.100.1.3"
DISPLAY_NAME = "urn:oid:2.16.840.1.113730.3.1.241"


def _when(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


class LoopbackSamlIdP:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test IdP")])
        now = dt.datetime.now(dt.UTC)
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .sign(self.key, hashes.SHA256())
        )
        self.next_subject = "u-2001"
        self.next_attributes: dict[str, str | list[str]] = {}  # a list: several values
        self.spoil: str | None = None  # "tampered" | "audience" | "expired"
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.entity_id = f"{self.base}/idp"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LoopbackSamlIdP:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def cert_b64(self) -> str:
        der = self.cert.public_bytes(serialization.Encoding.DER)
        return base64.b64encode(der).decode()

    def metadata(self) -> str:
        return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{self.entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="{SAMLP}">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <ds:X509Data><ds:X509Certificate>{self.cert_b64}</ds:X509Certificate></ds:X509Data>
    </ds:KeyInfo></md:KeyDescriptor>
    <md:SingleLogoutService Binding="{C.BINDING_HTTP_REDIRECT}" Location="{self.base}/slo"/>
    <md:SingleSignOnService Binding="{C.BINDING_HTTP_REDIRECT}" Location="{self.base}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""

    def response(self, request_xml: str) -> tuple[str, str]:
        """The signed Response for an AuthnRequest, and the ACS URL to post it to."""
        req = ElementTree.fromstring(request_xml)
        request_id = req.get("ID", "")
        acs = req.get("AssertionConsumerServiceURL", "")
        sp_entity = req.findtext(f"{{{SAML}}}Issuer", "")
        if self.spoil == "audience":
            sp_entity = "https://someone-else.example/sp"
        now = dt.datetime.now(dt.UTC)
        not_after = now + dt.timedelta(minutes=5)
        if self.spoil == "expired":
            now, not_after = now - dt.timedelta(hours=2), now - dt.timedelta(hours=1)
        attributes = "".join(
            f'<saml:Attribute Name="{html.escape(k)}" '
            f'NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">'
            + "".join(
                f'<saml:AttributeValue xsi:type="xs:string">{html.escape(one)}</saml:AttributeValue>'
                for one in ([v] if isinstance(v, str) else v)
            )
            + "</saml:Attribute>"
            for k, v in self.next_attributes.items()
        )
        assertion_id = "_a" + secrets.token_hex(16)
        assertion = f"""<saml:Assertion xmlns:saml="{SAML}" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="{assertion_id}" Version="2.0" IssueInstant="{_when(now)}"><saml:Issuer>{self.entity_id}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{self.next_subject}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{_when(not_after)}" Recipient="{acs}" InResponseTo="{request_id}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{_when(now - dt.timedelta(minutes=1))}" NotOnOrAfter="{_when(not_after)}"><saml:AudienceRestriction><saml:Audience>{sp_entity}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{_when(now)}" SessionIndex="_s{secrets.token_hex(4)}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"""
        key_pem = self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        cert_pem = self.cert.public_bytes(serialization.Encoding.PEM).decode()
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion, key_pem, cert_pem, sign_algorithm=C.RSA_SHA256, digest_algorithm=C.SHA256
        )
        signed_xml = signed.decode() if isinstance(signed, bytes) else str(signed)
        signed_xml = signed_xml.split("?>", 1)[-1] if signed_xml.startswith("<?xml") else signed_xml
        if self.spoil == "tampered":
            # Change who it is after signing: a man in the middle making himself someone else.
            signed_xml = signed_xml.replace(self.next_subject, "u-mallory")
        response = f"""<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="_r{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_when(now)}" Destination="{acs}" InResponseTo="{request_id}"><saml:Issuer>{self.entity_id}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{signed_xml}</samlp:Response>"""
        return base64.b64encode(response.encode()).decode(), acs

    def logout_request(
        self, destination: str, name_id: str, *, signed: bool = True
    ) -> dict[str, str]:
        """The query of an IdP-initiated LogoutRequest (HTTP-Redirect binding), signed
        over `SAMLRequest=…&SigAlg=…` with the IdP's key as the binding says."""
        now = dt.datetime.now(dt.UTC)
        xml = (
            f'<samlp:LogoutRequest xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" '
            f'ID="_l{secrets.token_hex(16)}" Version="2.0" IssueInstant="{_when(now)}" '
            f'Destination="{html.escape(destination)}" '
            f'NotOnOrAfter="{_when(now + dt.timedelta(minutes=5))}">'
            f"<saml:Issuer>{self.entity_id}</saml:Issuer>"
            f"<saml:NameID>{html.escape(name_id)}</saml:NameID></samlp:LogoutRequest>"
        )
        saml_request = base64.b64encode(zlib.compress(xml.encode())[2:-4]).decode()
        query = {"SAMLRequest": saml_request, "SigAlg": C.RSA_SHA256}
        if signed:
            signed_part = "&".join(f"{k}={quote_plus(v)}" for k, v in query.items())
            signature = self.key.sign(signed_part.encode(), padding.PKCS1v15(), hashes.SHA256())
            query["Signature"] = base64.b64encode(signature).decode()
        return query

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        idp = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: str, kind: str) -> None:
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/metadata":
                    return self._send(200, idp.metadata(), "application/samlmetadata+xml")
                if url.path == "/sso":
                    raw = zlib.decompress(base64.b64decode(query["SAMLRequest"]), -15).decode()
                    saml_response, acs = idp.response(raw)
                    relay = html.escape(query.get("RelayState", ""))
                    page = (
                        f'<form method="post" action="{html.escape(acs)}">'
                        f'<input type="hidden" name="SAMLResponse" value="{saml_response}">'
                        f'<input type="hidden" name="RelayState" value="{relay}"></form>'
                    )
                    return self._send(200, page, "text/html")
                return self._send(404, "not found", "text/plain")

        return Handler
