"""Reading an identity provider's SAML metadata file, uploaded by staff instead of a
metadata URL: its entity id, HTTP-Redirect sign-in URL, optional log-out URL and
signing certificate. No database here.

The XML goes through python3-saml's own parser (`OneLogin_Saml2_IdPMetadataParser`,
which parses with DTDs and entities forbidden: no billion laughs, no external
entities), the same one allauth uses for a metadata URL.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from lxml import etree
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
from onelogin.saml2.xml_utils import OneLogin_Saml2_XML
from onelogin.saml2.xmlparser import DTDForbidden, EntitiesForbidden, NotSupportedError

# An IdP's own metadata is a few kilobytes; a federation's aggregate (thousands of
# IdPs, megabytes) is not what this field is for.
MAX_BYTES = 256 * 1024


class MetadataError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Certificate:
    subject: str
    not_after: dt.datetime
    sha256: str  # the fingerprint IdP admins compare, "AB:CD:…"


@dataclass(frozen=True)
class IdpMetadata:
    entity_id: str
    sso_url: str
    slo_url: str
    x509cert: str  # base64 DER, as allauth's `idp.x509cert` wants it
    certificate: Certificate
    signing_certificates: int  # more than one during a key rollover; the first is used


def certificate_facts(x509cert: str) -> Certificate | None:
    """Subject, expiry and fingerprint of a base64 (or PEM) certificate; None when
    it is not one."""
    body = "".join(
        line for line in x509cert.strip().splitlines() if not line.startswith("-----")
    ).replace(" ", "")
    try:
        der = base64.b64decode(body, validate=True)
        cert = x509.load_der_x509_certificate(der)
    except (binascii.Error, ValueError):
        return None
    digest = hashlib.sha256(der).hexdigest().upper()
    return Certificate(
        subject=cert.subject.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        sha256=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
    )


def read_metadata(data: bytes, *, entity_id: str = "") -> IdpMetadata:
    """The IdP described by `data` (the one named `entity_id` when the file lists
    several). Raises MetadataError with a message for the person who uploaded it."""
    if len(data) > MAX_BYTES:
        raise MetadataError(
            "metadata_too_big",
            f"The metadata file is larger than {MAX_BYTES // 1024} KB. Upload your identity "
            "provider's own metadata, not a federation's aggregate.",
        )
    if not data.strip():
        raise MetadataError("metadata_empty", "The metadata file is empty.")
    try:
        # The parser puts the entity id into an XPath between quotes: pass only a safe one.
        parsed: dict[str, Any] = OneLogin_Saml2_IdPMetadataParser.parse(
            data, entity_id=entity_id if entity_id and "'" not in entity_id else None
        )
    except (DTDForbidden, EntitiesForbidden, NotSupportedError) as exc:
        raise MetadataError(
            "metadata_unsafe",
            "The metadata file declares a DTD or entities, which Stint refuses to read.",
        ) from exc
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise MetadataError(
            "metadata_not_xml", f"The metadata file is not well-formed XML ({exc})."
        ) from exc
    idp = parsed.get("idp")
    if not idp or not idp.get("entityId") or (entity_id and idp["entityId"] != entity_id):
        named = f" with entity ID {entity_id}" if entity_id else ""
        raise MetadataError(
            "metadata_no_idp",
            f"The file describes no identity provider{named} (no IDPSSODescriptor).",
        )
    sso_url = str((idp.get("singleSignOnService") or {}).get("url") or "")
    if not sso_url:
        raise MetadataError(
            "metadata_no_sso_url",
            "The metadata names no sign-in address with the HTTP-Redirect binding "
            "(SingleSignOnService), which Stint uses.",
        )
    signing = _signing_certificates(data, str(idp["entityId"]))
    if not signing:
        raise MetadataError(
            "metadata_no_certificate",
            "The metadata has no signing certificate (a KeyDescriptor for signing), so "
            "Stint could not check the identity provider's signatures.",
        )
    facts = certificate_facts(signing[0])
    if facts is None:
        raise MetadataError(
            "metadata_bad_certificate", "The signing certificate in the metadata cannot be read."
        )
    return IdpMetadata(
        entity_id=str(idp["entityId"]),
        sso_url=sso_url,
        slo_url=str((idp.get("singleLogoutService") or {}).get("url") or ""),
        x509cert=signing[0],
        certificate=facts,
        signing_certificates=len(signing),
    )


def _signing_certificates(data: bytes, entity_id: str) -> list[str]:
    """The IdP's certificates usable for signing: a KeyDescriptor whose `use` is
    "signing" or unset (the parser folds an encryption-only key into the same
    `x509cert`, so the descriptor is read again here, the way the parser reads it)."""
    dom = OneLogin_Saml2_XML.to_etree(data)
    for entity in OneLogin_Saml2_XML.query(dom, "//md:EntityDescriptor"):
        if entity.get("entityID") != entity_id:
            continue
        nodes = OneLogin_Saml2_XML.query(
            entity,
            "./md:IDPSSODescriptor[1]/md:KeyDescriptor[not(contains(@use, 'encryption'))]"
            "/ds:KeyInfo/ds:X509Data/ds:X509Certificate",
        )
        return ["".join((n.text or "").split()) for n in nodes if (n.text or "").strip()]
    return []
