"""Issue 6 in a browser: a student of Uni of Testing chooses what to share on the
consent page, and Uni's career-services staff (dana) see the completed engagement
on the staff dashboard, drawn as server-side SVG charts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stint.accounts.models import User
from stint.institutions.models import Consent
from stint.orgs.models import InstitutionDomain, Organisation
from stint.orgs.services import affiliation_link_from_email
from stint.reviews.models import VerifiedSkill
from tests.applications.conftest import make_opportunity
from tests.browser.conftest import log_in
from tests.institutions.conftest import engage
from tests.personas import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STUDENT_EMAIL = "sam@uni.example.edu"


def uni_student(uni: Organisation) -> User:
    """A candidate whose verified address is in Uni's verified domain, linked the way
    email verification links them."""
    InstitutionDomain.objects.create(
        organisation=uni, domain="uni.example.edu", verified_at=timezone.now()
    )
    sam = make_user(STUDENT_EMAIL, candidate=True, name="Sam Student")
    assert affiliation_link_from_email(user=sam, email=STUDENT_EMAIL)
    return sam


def test_student_consents_and_staff_see_the_charts(
    live_server: Any,
    page: Any,
    screenshot: Any,
    dana: User,
    uni: Organisation,
    bob: User,
    acme: Organisation,
) -> None:
    base = live_server.url
    sam = uni_student(uni)
    # A micro-internship sam completed at Acme, with a skill Acme verified (ORM).
    opportunity = make_opportunity(acme, bob, [], title="Market research sprint")
    engagement = engage(sam, opportunity, status="paid")
    VerifiedSkill.objects.create(
        engagement=engagement, candidate=sam, skill_id="esco:python", label="Python", level=3
    )

    # Sam is asked on the dashboard and chooses what to share.
    log_in(page, base, STUDENT_EMAIL, PASSWORD)
    page.get_by_role("link", name="Choose what to share").click()
    page.wait_for_url(re.compile(rf".*/institutions/{uni.pk}/#consent$"))
    consent = page.locator("#consent")
    for label in (
        "My applications",
        "When I am selected",
        "My completed engagements",
        "Skills employers verified",
    ):
        consent.get_by_label(label).check()
    screenshot("1-consent")
    consent.get_by_role("button", name="Save what I share").click()
    page.wait_for_url(re.compile(rf".*/institutions/{uni.pk}/$"))
    expect(page.get_by_text("Saved: your institution sees only what you ticked.")).to_be_visible()
    assert page.locator("#consent").get_by_label("My completed engagements").is_checked()
    saved = Consent.objects.get(student=sam, institution=uni)
    assert saved.share_completions and saved.share_skills and not saved.share_ratings

    # Dana opens the staff dashboard from her dashboard.
    log_in(page, base, dana.email, PASSWORD)
    page.get_by_role("link", name=f"{uni.name}: dashboard and reports").click()
    page.wait_for_url(re.compile(rf".*/institutions/{uni.pk}/staff/$"))
    totals = page.get_by_role("region", name="Totals")
    expect(totals.get_by_role("heading", name="Completions")).to_be_visible()
    completions_card = totals.locator(".card").filter(has_text="Completions")
    assert completions_card.locator(".big").inner_text() == "1"
    assert "500.00 USD" in totals.locator(".card").filter(has_text="Earnings").inner_text()

    charts = page.locator("svg.chart")
    assert charts.count() >= 3
    for i in range(charts.count()):
        chart = charts.nth(i)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20
        assert chart.locator("title").count() == 1
        assert chart.locator("title").text_content()
    titles = [charts.nth(i).locator("title").text_content() for i in range(charts.count())]
    assert "Ended engagements by outcome" in titles and "Top verified skills" in titles
    completion = page.locator("svg.chart", has=page.locator("title", has_text="by outcome"))
    assert completion.get_by_text("Completed").count() >= 1
    skills = page.locator("svg.chart", has=page.locator("title", has_text="Top verified skills"))
    assert skills.get_by_text("Python").count() >= 1
    shot = screenshot("2-staff-dashboard")
    assert shot.stat().st_size > 20_000
