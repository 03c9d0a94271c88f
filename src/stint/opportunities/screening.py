"""The posting screen: pure rules, tested without a database.

`screen_posting` lists every reason a platform admin should look at a posting
before it goes live (pay below the floor, unpaid wording, no deliverables,
contact details or payment that move work off Stint, discriminatory
requirements). The publish service calls it and holds a flagged posting
"in_review"; only a platform admin moves it on (moderation's review pages).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class PostingText:
    """What screening reads of a posting (no model, so it runs without a database)."""

    title: str
    summary: str
    deliverables: str
    fee_minor: int
    estimated_hours: int
    questions: tuple[str, ...] = ()
    industry: str = ""


@dataclass(frozen=True)
class Flag:
    code: str
    field: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """The JSON shape kept in `Opportunity.review_flags`."""
        return asdict(self)


_I = re.IGNORECASE

_UNPAID = re.compile(
    r"\b(?:unpaid|no pay|not paid|without (?:pay|payment|compensation|remuneration)"
    r"|for (?:the )?exposure|in (?:exchange|return) for (?:experience|exposure)"
    r"|(?:pay|paid) (?:in|with) (?:exposure|credits?|equity only))\b",
    _I,
)
_PLACEHOLDER = re.compile(r"^(?:tbd|tba|n/?a|none|-+|\.+|\?+|todo|to be (?:decided|defined))$", _I)

_EMAIL = re.compile(r"[A-Z0-9._%+-]+@[A-Z0-9-]+(?:\.[A-Z0-9-]+)*\.[A-Z]{2,}", _I)
# Runs of digits with phone-like separators; checked further in `_is_phone`.
_PHONE_CANDIDATE = re.compile(r"(?<![\w.])\+?\(?\d[\d\s().\-/]{6,}\d(?![\w.])")
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$|^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_MESSAGING = re.compile(
    r"\b(?:whats\s?app|telegram|wechat|viber|signal app|kik|snapchat)\b"
    r"|\b(?:wa\.me|t\.me)/|\b(?:text|sms|dm|message) me\b",
    _I,
)
_PAYMENT_SERVICES = (
    r"paypal|venmo|cash\s?app|zelle|western union|moneygram|revolut|payoneer|skrill|"
    r"bitcoin|btc|usdt|ethereum|crypto(?:currency)?|gift cards?|bank transfer|wire transfer"
)
_EXTERNAL_PAYMENT = re.compile(
    r"\b(?:paypal\.me|venmo\.com|cash\.app|revolut\.me|buymeacoffee\.com|ko-fi\.com)/"
    r"|\b(?:pay|paid|payment|payments|fee|compensat\w*|send (?:you|the money))"
    r"(?: will be)?(?: made)?(?: \w+)? (?:via|through|by|with|using|over|in|on) "
    rf"(?:{_PAYMENT_SERVICES})\b"
    r"|\b(?:pay|paid|payment) (?:outside|off)(?: of)? (?:stint|the platform|this platform)\b"
    r"|\b(?:outside|off)[- ](?:the )?platform\b",
    _I,
)

_AGE_WORDS = r"(?:years? old|y/?o|years of age|yrs old)"
_DISCRIMINATION: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    (
        "age",
        "Age requirements",
        re.compile(
            r"\b(?:aged?|ages)\s+(?:between\s+|of\s+)?\d{2}\s*(?:-|–|to|and)\s*\d{2}\b"
            rf"|\b(?:under|below|younger than|no older than|not older than|over|above|older than)"
            rf"\s+\d{{2}}\s*{_AGE_WORDS}"
            r"|\b(?:max(?:imum)?\.?|upper) age\b"
            r"|\bage (?:limit|requirement|restriction)\b"
            r"|\b(?:young|youthful)\s+(?:candidates?|applicants?|people|persons?|"
            r"women|men|girls?|boys?|blood)\b"
            r"|\bdigital natives?\b",
            _I,
        ),
    ),
    (
        "gender",
        "Gender requirements",
        re.compile(
            r"\b(?:male|female|men|women|man|woman|girls?|boys?|ladies|gentlemen)"
            r"(?:\s+(?:candidates?|applicants?|students?|interns?))?\s+(?:only|preferred)\b"
            r"|\bonly\s+(?:male|female|men|women|girls|boys|ladies)\b"
            r"|\b(?:must|should|has to|have to)\s+be\s+(?:a\s+)?(?:male|female|man|woman|girl|boy)\b",
            _I,
        ),
    ),
    (
        "ethnicity",
        "Ethnicity, race or national-origin requirements",
        re.compile(
            r"\b(?:white|black|asian|caucasian|hispanic|latino|latina|arab|african|european)"
            r"(?:\s+(?:candidates?|applicants?|people|persons?))?\s+(?:only|preferred)\b"
            r"|\b(?:must|should)\s+be\s+(?:white|black|asian|caucasian|hispanic|latino|arab)\b"
            r"|\bnative[- ](?:english[- ]|german[- ]|french[- ]|spanish[- ])?speakers?"
            r"\s+(?:only|required|preferred)\b"
            r"|\b(?:race|ethnicity|skin colou?r)\s*(?::|requirement|must)",
            _I,
        ),
    ),
    (
        "religion",
        "Religious requirements",
        re.compile(
            r"\b(?:christian|muslim|jewish|hindu|buddhist|catholic|protestant|sikh|atheist)s?"
            r"(?:\s+(?:candidates?|applicants?|people|persons?))?\s+(?:only|preferred)\b"
            r"|\b(?:must|should)\s+be\s+(?:a\s+|an\s+)?"
            r"(?:christian|muslim|jewish|hindu|buddhist|catholic|protestant|sikh|believer)\b"
            r"|\bno\s+(?:christians|muslims|jews|hindus|buddhists|catholics|sikhs|atheists)\b",
            _I,
        ),
    ),
    (
        "marital",
        "Marital or family-status requirements",
        re.compile(
            r"\b(?:single|unmarried|married)\s+(?:candidates?|applicants?|people|persons?|"
            r"women|men)\s+(?:only|preferred)\b"
            r"|\b(?:single|unmarried|married)\s+only\b"
            r"|\b(?:must|should)\s+(?:not\s+)?be\s+(?:single|married|unmarried|childless|pregnant)\b"
            r"|\b(?:must|should)\s+(?:not\s+)?have\s+(?:no\s+)?(?:kids|children)\b"
            r"|\bno\s+(?:kids|children|pregnant)\b|\bnot\s+pregnant\b|\bmarital status\b",
            _I,
        ),
    ),
)


def _is_phone(candidate: str) -> bool:
    raw = candidate.strip()
    digits = re.sub(r"\D", "", raw)
    if not 9 <= len(digits) <= 15:
        return False
    if _DATE_LIKE.match(raw):
        return False
    has_separator = bool(re.search(r"[\s().\-/]", raw))
    return raw.startswith("+") or has_separator or len(digits) >= 10


def find_contacts(text: str) -> list[tuple[str, str]]:
    """(code, what was found) for contact details meant to move work off the platform."""
    found: list[tuple[str, str]] = []
    for m in _EMAIL.finditer(text):
        found.append(("contact_email", m.group(0)))
    without_emails = _EMAIL.sub(" ", text)
    for m in _PHONE_CANDIDATE.finditer(without_emails):
        if _is_phone(m.group(0)):
            found.append(("contact_phone", m.group(0).strip()))
    for m in _MESSAGING.finditer(text):
        found.append(("contact_messaging_app", m.group(0)))
    for m in _EXTERNAL_PAYMENT.finditer(text):
        found.append(("external_payment", m.group(0)))
    return found


def find_discrimination(text: str) -> list[tuple[str, str, str]]:
    """(kind, label, matched words) for requirements about protected characteristics."""
    out = []
    for kind, label, pattern in _DISCRIMINATION:
        m = pattern.search(text)
        if m:
            out.append((kind, label, m.group(0)))
    return out


_CONTACT_MESSAGES = {
    "contact_email": "an email address",
    "contact_phone": "a phone number",
    "contact_messaging_app": "a messaging app",
    "external_payment": "payment outside Stint",
}


def screen_posting(posting: PostingText, *, min_hourly_minor: int) -> list[Flag]:
    """Every reason an admin should look at this posting before it goes live.
    Empty means it may publish at once."""
    flags: list[Flag] = []
    if posting.fee_minor <= 0 or posting.fee_minor < min_hourly_minor * max(
        posting.estimated_hours, 1
    ):
        flags.append(
            Flag("pay_below_minimum", "fee_minor", "The fee is below the minimum hourly rate.")
        )
    fields = {
        "title": posting.title,
        "summary": posting.summary,
        "deliverables": posting.deliverables,
        "industry": posting.industry,
        "questions": "\n".join(posting.questions),
    }
    for name, text in fields.items():
        m = _UNPAID.search(text)
        if m:
            flags.append(
                Flag("unpaid_wording", name, f"“{m.group(0)}”: micro-internships are paid work.")
            )
            break
    deliverables = posting.deliverables.strip()
    if not deliverables or _PLACEHOLDER.match(deliverables):
        flags.append(
            Flag(
                "deliverables_missing",
                "deliverables",
                "Say what the candidate will deliver, so both sides know when the work is done.",
            )
        )
    seen_codes: set[str] = set()
    for name, text in fields.items():
        for code, found in find_contacts(text):
            if code in seen_codes:
                continue
            seen_codes.add(code)
            flags.append(
                Flag(
                    code,
                    name,
                    f"“{found}” looks like {_CONTACT_MESSAGES[code]}: applications, messages "
                    "and payment stay on Stint.",
                )
            )
    seen_kinds: set[str] = set()
    for name, text in fields.items():
        for kind, label, found in find_discrimination(text):
            if kind in seen_kinds:
                continue
            seen_kinds.add(kind)
            flags.append(
                Flag(
                    f"discriminatory_{kind}",
                    name,
                    f"{label} are not allowed (“{found}”): describe the skills the work needs.",
                )
            )
    return flags
