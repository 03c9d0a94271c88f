"""Pure rules of trust and safety, tested without a database: the employer-domain
check, upload magic bytes and which moderation actions fit which report. (The
posting screen is opportunities' own: stint.opportunities.screening.)"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

# --- Employer verification ------------------------------------------------------------------

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.ru",
        "qq.com",
    }
)


# Suffixes under which anyone registers: an address there proves nothing.
_SHARED_SUFFIXES = frozenset(
    {"co.uk", "org.uk", "ac.uk", "com.au", "net.au", "co.nz", "co.jp", "com.br", "co.in", "com.cn"}
)


def website_host(website: str) -> str | None:
    """The host of an organisation's website, lower case without "www.", or None."""
    raw = website.strip()
    if not raw:
        return None
    if "://" not in raw:
        raw = "https://" + raw
    try:
        host = (urlsplit(raw).hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if host.startswith("www."):
        host = host[4:]
    return host if "." in host else None


def email_matches_website(email: str, website: str) -> bool:
    """The address is on the company's own domain: the website's host, a parent
    of it (www.careers.acme.com → acme.com) or a subdomain; never free mail."""
    host = website_host(website)
    if host is None or "@" not in email:
        return False
    domain = email.rsplit("@", 1)[1].lower().rstrip(".")
    if domain in FREE_MAIL_DOMAINS or "." not in domain or domain in _SHARED_SUFFIXES:
        return False
    return (
        domain == host
        or host.endswith("." + domain)
        or (domain.endswith("." + host) and host not in FREE_MAIL_DOMAINS)
    )


# --- Uploads --------------------------------------------------------------------------------

DOCUMENT_KINDS = {
    ".pdf": ("pdf", (b"%PDF-",)),
    ".png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("jpg", (b"\xff\xd8\xff",)),
    ".jpeg": ("jpg", (b"\xff\xd8\xff",)),
}


def document_kind(filename: str, head: bytes) -> str | None:
    """ "pdf", "png" or "jpg" when the extension and the file's first bytes agree."""
    dot = filename.rfind(".")
    ext = filename[dot:].lower() if dot >= 0 else ""
    entry = DOCUMENT_KINDS.get(ext)
    if entry is None:
        return None
    kind, magics = entry
    return kind if any(head.startswith(m) for m in magics) else None


# --- Reports and their actions --------------------------------------------------------------

TARGET_TYPES = ("opportunity", "profile", "message")
REASONS = {
    "scam": "Scam or fraud",
    "off_platform": "Asks to work or be paid outside Stint",
    "unpaid": "Unpaid or underpaid work",
    "discrimination": "Discrimination",
    "harassment": "Harassment or abuse",
    "spam": "Spam",
    "inappropriate": "Inappropriate content",
    "other": "Something else",
}
ACTIONS_FOR: dict[str, tuple[str, ...]] = {
    "opportunity": ("dismiss", "hide_posting", "warn", "suspend_user", "unverify_employer"),
    "profile": ("dismiss", "warn", "suspend_user"),
    "message": ("dismiss", "warn", "suspend_user"),
}
ACTION_LABELS = {
    "dismiss": "Dismiss (no action)",
    "hide_posting": "Hide the posting (back to review)",
    "warn": "Warn the user",
    "suspend_user": "Suspend the user",
    "unverify_employer": "Withdraw the employer's verification",
}


def action_allowed(target_type: str, action: str) -> bool:
    return action in ACTIONS_FOR.get(target_type, ())


def needs_note(action: str) -> bool:
    """Every action but dismissal tells someone why: a note is required."""
    return action != "dismiss"


def unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
