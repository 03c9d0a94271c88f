"""Helpers for the click-only journeys: a person signs up, opens the link in their
email, and from then on reaches everything through links and buttons on the pages."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from playwright.sync_api import expect

PASSWORD = "a-long-click-journey-passphrase-9"

ROLE_LABELS = {
    "candidate": "I want to find paid projects",
    "employer": "I want to post projects for my organisation",
    "institution": "I work in a university's career services",
}


def actions(page: Any) -> str:
    """The visible links and buttons, for a failure message that shows where a person is stuck."""
    names: list[str] = []
    for role in ("link", "button"):
        for item in page.get_by_role(role).all():
            if item.is_visible():
                names.append(f"{role}:{(item.inner_text() or '').strip()[:60]}")
    return f"{page.url}\n  " + "\n  ".join(names)


def click(page: Any, role: str, name: str | re.Pattern[str], *, within: Any = None) -> None:
    """Click the first visible link or button with this name; fail naming what is on the page."""
    scope = within if within is not None else page
    target = scope.get_by_role(role, name=name)
    try:
        target.first.wait_for(state="visible", timeout=20_000)
    except Exception as error:  # the stranded user: say what they could click instead
        raise AssertionError(f"no {role} {name!r} to click on {actions(page)}") from error
    target.first.click()


def patient(page: Any) -> Any:
    """The machine running these is often busy: wait generously for elements, never sleep."""
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)
    return page


def open_email_link(page: Any, base_url: str, to: str, pattern: str) -> None:
    """The one goto allowed after the home page: a person clicks a link in their email."""
    body = next(m.body for m in reversed(mail.outbox) if to in m.to)
    found = re.search(rf"https?://[^/\s]+({pattern})", body)
    assert found, f"no link like {pattern} in the email to {to}:\n{body}"
    page.goto(f"{base_url}{found.group(1)}")


def sign_up(page: Any, base_url: str, *, email: str, name: str, role: str) -> None:
    """From the home page: sign up choosing the role, confirm the address from the email,
    and log in. Ends on the dashboard."""
    patient(page)
    page.context.clear_cookies()
    page.goto(f"{base_url}/")
    click(page, "link", "Sign up")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_label("Your name").fill(name)
    page.get_by_label(ROLE_LABELS[role]).check()
    click(page, "button", "Sign Up")
    page.wait_for_url(re.compile(r".*/accounts/confirm-email/$"))
    open_email_link(page, base_url, email, r"/accounts/confirm-email/[^\s]+/")
    click(page, "button", "Confirm")
    page.wait_for_load_state()
    if page.get_by_role("button", name="Log out").count() == 0:
        log_in(page, email)
    else:
        click(page, "link", "Dashboard")
    page.wait_for_url(re.compile(r".*/dashboard/$"))


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    """Log in through the "Log in" link in the header (after logging out, if needed)."""
    if page.get_by_role("button", name="Log out").count():
        click(page, "button", "Log out")
        page.wait_for_load_state()
        if page.get_by_role("button", name="Sign Out").count():  # allauth's confirmation page
            click(page, "button", "Sign Out")
    click(page, "link", "Log in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    click(page, "button", "Sign In")
    page.wait_for_url(re.compile(r".*/dashboard/$"))


def see(page: Any, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_text(text).first).to_be_visible()
