"""Headers and CSP, no inline scripts or handlers in templates, CSRF on every
POST form, rate limits with 429, and no personal data in logs."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.applications.models import Message
from stint.core.log_masking import PersonalDataFilter
from stint.core.security import STRICT_CSP

SRC = Path(__file__).resolve().parents[2] / "src" / "stint"
TEMPLATES = sorted(p for p in SRC.rglob("templates/**/*.html"))
# Email bodies are not web pages: CSP does not apply and inline styles are normal there.
PAGES = [p for p in TEMPLATES if "/email/" not in p.as_posix()]


def test_there_are_templates_to_check() -> None:
    assert len(PAGES) > 20


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_inline_script_style_or_handlers(path: Path) -> None:
    html = path.read_text()
    for tag in re.findall(r"<script\b[^>]*>", html, flags=re.I):
        assert re.search(r"\bsrc=", tag), f"inline <script> in {path}: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", html, flags=re.I), f"inline event handler in {path}"
    assert not re.search(r"\sstyle\s*=", html, flags=re.I), f"style attribute in {path}"
    assert not re.search(r"<style\b", html, flags=re.I), f"<style> element in {path}"
    assert "javascript:" not in html.lower(), f"javascript: URL in {path}"


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(SRC)))
def test_every_post_form_has_a_csrf_token(path: Path) -> None:
    html = path.read_text()
    for m in re.finditer(r"<form\b([^>]*)>(.*?)</form>", html, flags=re.I | re.S):
        attrs, body = m.group(1), m.group(2)
        if not re.search(r'method=["\']?post', attrs, flags=re.I):
            continue
        if "data-posts-to-another-site" in attrs:
            # E.g. the LTI deep-linking answer, posted to the course platform: our token
            # must not leave the site, and that site does not check it.
            assert "{% csrf_token %}" not in body, f"CSRF token sent to another site in {path}"
            continue
        assert "{% csrf_token %}" in body, f"POST form without csrf_token in {path}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/opportunities/"])
def test_pages_carry_the_strict_csp(url: str, client_for: Callable[[User | None], Client]) -> None:
    r = client_for(None).get(url)
    assert r["Content-Security-Policy"] == STRICT_CSP
    assert "script-src 'self';" in STRICT_CSP and "frame-ancestors 'none'" in STRICT_CSP
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "same-origin"
    assert "camera=()" in r["Permissions-Policy"]


@pytest.mark.django_db
def test_api_docs_still_work_with_their_own_policy(
    client_for: Callable[[User | None], Client],
) -> None:
    r = client_for(None).get("/api/v1/docs")
    assert r.status_code == 200
    csp = r["Content-Security-Policy"]
    assert "script-src 'self';" in csp  # scripts still only from /static/ninja
    assert "style-src 'self' 'unsafe-inline'" in csp  # Swagger UI sets inline styles
    html = r.content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag


# Report, application, message and proposal floods: tests/moderation/test_flood.py.


@pytest.mark.django_db
def test_apply_and_message_are_rate_limited(
    alice: User,
    thread: Message,
    settings: object,
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
) -> None:
    settings.STINT_RATE_LIMIT_MESSAGE = "1/60"  # type: ignore[attr-defined]
    settings.STINT_RATE_LIMIT_APPLY = "1/60"  # type: ignore[attr-defined]
    client = client_for(alice)
    url = f"/applications/{thread.application_id}/messages/"
    assert client.post(url, {"body": "hello"}).status_code != 429
    r = client.post(url, {"body": "hello again"})
    assert r.status_code == 429
    assert Message.objects.filter(sender=alice).count() == 1  # nothing more was sent
    api = api_for(alice)
    apply_url = "/api/v1/applications"
    api.post(apply_url, {"opportunity_id": 0}, content_type="application/json")
    r = api.post(apply_url, {"opportunity_id": 0}, content_type="application/json")
    assert r.status_code == 429 and r.json()["detail"].startswith("Too many requests")


def test_logging_filter_masks_personal_data(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("stint.tests.pii")
    handler = caplog.handler
    handler.addFilter(PersonalDataFilter())
    try:
        with caplog.at_level(logging.INFO, logger="stint.tests.pii"):
            logger.info("signup %s with token %s", "alice@example.com", "stint_0123456789abcdef")
    finally:
        handler.filters.clear()
    text = caplog.text
    assert "alice@example.com" not in text and "stint_0123456789abcdef" not in text
    assert "[email]" in text and "[token]" in text


def test_every_record_is_masked_at_creation(caplog: pytest.LogCaptureFixture) -> None:
    # Installed by CoreConfig.ready(): no handler needs to opt in.
    with caplog.at_level(logging.WARNING, logger="stint.tests.pii"):
        logging.getLogger("stint.tests.pii").warning("reset for bob@acme.example")
    assert "bob@acme.example" not in caplog.text and "[email]" in caplog.text
