"""Issue 17 items 1-3 in a browser: the demo world seen by each role on a 360 px phone
and a 1280 px desktop, in the light and the dark theme.

On every page: nothing scrolls sideways, the main navigation is one line (desktop) or
a menu button (phone), and axe-core (vendored under tests/browser/vendor, injected by
the test, never served to users) finds no serious or critical WCAG 2.2 A/AA violation.
A screenshot of each is saved under test-results/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from stint.accounts.models import User
from stint.applications.models import Application
from stint.demo.world import DEMO_PASSWORD, build_world
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from tests.browser.conftest import ARTIFACTS, log_in
from tests.institutions.conftest import engage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
THEMES = ("light", "dark")
# The first dashboard builds the matching index; a loaded CI machine needs more than
# the other tests' 15 s for it.
PATIENCE_MS = 60_000

# axe's WCAG 2.0-2.2 A and AA rules only; best-practice rules are advice, not the law.
AXE_RUN = """() => axe.run(document, {
  runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
}).then(result => result.violations
  .filter(v => v.impact === "serious" || v.impact === "critical")
  .map(v => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3)
    .map(n => n.target.join(" ")).join(" | ")}`))"""

# The visible items of the main navigation, and how many distinct lines they sit on.
NAV_LINES = """() => {
  const items = [...document.querySelectorAll('nav[aria-label="Main"] .nav-links > a,'
    + ' nav[aria-label="Main"] .nav-links button, nav[aria-label="Main"] .nav-public > a')]
    // checkVisibility: a closed <details> keeps its links laid out, but not rendered.
    .filter(e => e.checkVisibility({contentVisibilityAuto: true, visibilityProperty: true}));
  // A line is a run of items whose vertical centres are within 8 px (a button is taller).
  const centres = items.map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; })
    .sort((a, b) => a - b);
  const lines = centres.filter((c, i) => i === 0 || c - centres[i - 1] > 8).length;
  return {count: items.length, lines};
}"""


@dataclass(frozen=True)
class Role:
    name: str
    email: str  # "" for a visitor who is not signed in
    pages: tuple[str, ...]


def demo_roles() -> list[Role]:
    """The demo seed plus one engagement in progress for Ada, so every page in
    issue 17's list has something on it."""
    build_world()
    ada = User.objects.get(email="ada@example.edu")
    brightside = Organisation.objects.get(slug="brightside-health")
    applied = Application.objects.filter(candidate=ada).values("opportunity")
    free = Opportunity.objects.filter(employer=brightside, status="published").exclude(
        pk__in=applied
    )
    engagement = engage(ada, free.first(), status="in_progress")
    pipeline = (
        Opportunity.objects.filter(employer=brightside, applications__isnull=False)
        .order_by("pk")
        .first()
    )
    assert pipeline is not None
    uni = Organisation.objects.get(slug="university-of-example")
    staff = f"/institutions/{uni.pk}/staff/"
    return [
        Role("visitor", "", ("/", "/opportunities/", "/accounts/login/", "/accounts/signup/")),
        Role(
            "candidate",
            ada.email,
            (
                "/dashboard/",
                "/profile/",
                "/applications/",
                f"/engagements/{engagement.pk}/",
                "/opportunities/",
                "/opportunities/recommended/",
                "/applications/inbox/",
                "/payments/earnings/",
            ),
        ),
        Role(
            "employer",
            "employer2@demo.stint.local",
            (
                "/dashboard/",
                "/opportunities/mine/",
                f"/applications/opportunity/{pipeline.pk}/",
                f"/engagements/{engagement.pk}/",
                "/payments/receipts/",
            ),
        ),
        Role(
            "staff",
            "careers@example.edu",
            ("/dashboard/", staff, f"{staff}reports/students/", f"{staff}reports/equity/"),
        ),
        Role("admin", "admin@demo.stint.local", ("/dashboard/", "/moderation/")),
    ]


def shot_name(role: str, path: str, width: int, theme: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    return f"layout-{role}-{slug}-{width}-{theme}.png"


def check_page(page: Any, base: str, role: Role, path: str, theme: str) -> list[str]:
    """Problems on one page at the page's current size and theme ([] when none)."""
    width = page.viewport_size["width"]
    response = page.goto(base + path)
    problems: list[str] = []
    where = f"{role.name} {path} at {width} px, {theme}"
    if response is None or response.status != 200:
        return [f"{where}: status {response and response.status}"]
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{where}: scrolls sideways ({scroll_width} px wide)")
    nav = page.evaluate(NAV_LINES)
    menu = page.locator("summary.nav-toggle")
    if width >= DESKTOP["width"] or not role.email:  # a visitor's three links always fit
        if nav["lines"] != 1 or menu.is_visible():
            problems.append(f"{where}: navigation on {nav['lines']} lines")
    elif not menu.is_visible() or nav["count"] != 0:
        problems.append(f"{where}: no closed menu ({nav['count']} links shown)")
    problems += [f"{where}: {v}" for v in page.evaluate(AXE_RUN)]
    page.screenshot(path=str(ARTIFACTS / shot_name(role.name, path, width, theme)))
    return problems


def test_every_role_fits_a_phone_and_a_desktop_in_both_themes(
    live_server: Any, browser: Any
) -> None:
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    problems: list[str] = []
    for role in demo_roles():
        context = browser.new_context(viewport=PHONE)
        context.add_init_script(path=str(AXE))  # outside the page's CSP, like a tool
        page = context.new_page()
        page.set_default_timeout(PATIENCE_MS)
        if role.email:
            log_in(page, base, role.email, DEMO_PASSWORD)
        for theme in THEMES:
            page.emulate_media(color_scheme=theme)
            for viewport in (PHONE, DESKTOP):
                page.set_viewport_size(viewport)
                for path in role.pages:
                    problems += check_page(page, base, role, path, theme)
        context.close()
    assert problems == [], "\n".join(problems)


def test_phone_menu_current_page_and_theme_switch(live_server: Any, browser: Any) -> None:
    build_world()
    base = live_server.url
    context = browser.new_context(viewport=PHONE, color_scheme="light")
    page = context.new_page()
    page.set_default_timeout(PATIENCE_MS)
    log_in(page, base, "ada@example.edu", DEMO_PASSWORD)
    page.goto(f"{base}/applications/")
    nav = page.get_by_role("navigation", name="Main")
    applications = nav.get_by_role("link", name="Applications", exact=True)

    # The phone menu: closed, then opened by its button (aria-expanded follows).
    menu = nav.locator("summary.nav-toggle")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(applications).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(applications).to_be_visible()
    expect(applications).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Messages")).not_to_have_attribute("aria-current", "page")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "layout-candidate-phone-menu-open.png"))

    # The theme switch: auto -> light -> dark, remembered across pages.
    switch = page.get_by_role("button", name=re.compile("Colour theme"))
    expect(switch).to_have_text("Theme: auto")
    switch.click()
    switch.click()
    expect(switch).to_have_text("Theme: dark")
    page.goto(f"{base}/dashboard/")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(14, 19, 27)"  # --bg of the dark theme, though the system is light
    context.close()
