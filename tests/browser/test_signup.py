from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from stint.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-browser-passphrase-7"


def test_sign_up_verify_log_in_and_see_the_candidate_dashboard(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    mail.outbox.clear()
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Your name").fill("Browser Person")
    page.get_by_label("I want to find paid projects").check()
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
    assert User.objects.filter(email="browser@example.com", is_candidate=True).exists()

    # Open the verification link from the email outbox.
    body = next(m.body for m in mail.outbox if "browser@example.com" in m.to)
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body).group(1)  # type: ignore[union-attr]
    page.goto(f"{live_server.url}{link}")
    page.get_by_role("button", name="Confirm").click()

    # Log out if confirmation logged us in, then log in as a person would.
    page.goto(f"{live_server.url}/")
    if page.get_by_role("button", name="Log out").count():
        page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill("browser@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r".*/dashboard/$"))
    assert page.locator("#candidate-dashboard").is_visible()
    assert "Hello, Browser Person" in page.content()
    shot = screenshot("candidate-dashboard")
    assert shot.stat().st_size > 5_000
