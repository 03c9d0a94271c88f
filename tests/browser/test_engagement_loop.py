"""Issue 5 in a browser: from an accepted offer to a paid, reviewed engagement with a
verified skill on a public portfolio and a balance on the candidate's earnings page.

The marketplace half (posting, applying, shortlisting, the offer) is covered by
test_marketplace.py; here it is set up with the same services the pages call, and
the story starts with alice accepting the offer in the browser."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from stint.accounts.models import User
from stint.applications import services as applications
from stint.applications.models import Offer
from stint.core.money import Money
from stint.engagements.models import Engagement
from stint.matching.engine import search_skills
from stint.opportunities import services as opportunities
from stint.orgs.models import Organisation
from stint.payments import services as payments
from stint.reviews.models import Portfolio
from tests.browser.conftest import log_in
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Survey analysis for our product team"
FEE_MINOR = 45_000


def offered(employer: Organisation, boss: User, candidate: User) -> tuple[Offer, str]:
    """A published opportunity needing one skill, the candidate's application,
    shortlisted, and a pending offer: what test_marketplace.py does in the browser."""
    employer.verified_at = timezone.now()
    employer.save(update_fields=["verified_at"])
    skill = search_skills("python", 1)[0]
    today = timezone.localdate()
    posting = opportunities.Posting(
        title=TITLE,
        summary="Analyse 400 survey answers with Python and tell us what customers ask for.",
        deliverables="A notebook with the analysis\nA one-page summary",
        estimated_hours=12,
        fee_minor=FEE_MINOR,
        currency="USD",
        apply_by=today + timedelta(days=3),
        start_date=today + timedelta(days=4),
        due_date=today + timedelta(days=21),
        skills=(opportunities.SkillNeed(skill["id"], "essential", 2),),
    )
    opportunity = opportunities.opportunity_create(
        actor=boss, organisation_id=employer.pk, posting=posting
    )
    opportunities.opportunity_transition(
        actor=boss, opportunity_id=opportunity.pk, status="published"
    )
    application = applications.application_submit(
        actor=candidate, opportunity_id=opportunity.pk, note="I analyse surveys with pandas."
    )
    applications.application_shortlist(actor=boss, application_id=application.pk)
    offer = applications.offer_make(actor=boss, application_id=application.pk)
    return offer, skill["label"]


def open_engagement_from_dashboard(page: Any, base_url: str, section: str) -> None:
    """Follow the dashboard's "waiting for you" link to the engagement."""
    page.goto(f"{base_url}/dashboard/")
    panel = page.locator(f"{section} .engagements-dashboard")
    panel.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r".*/engagements/\d+/$"))


def submit_work(page: Any, text: str, link: str) -> None:
    page.get_by_role("link", name="Submit deliverables").click()
    page.wait_for_url(re.compile(r".*/engagements/\d+/submit/$"))
    page.get_by_label("What you are handing in").fill(text)
    page.get_by_label("Links (one a line)").fill(link)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r".*/engagements/\d+/$"))


def decide(page: Any, decision: str, comments: str) -> None:
    page.get_by_role("link", name="Review the submission").click()
    page.wait_for_url(re.compile(r".*/engagements/\d+/review/$"))
    page.get_by_label(decision).check()
    page.get_by_label("Comments").fill(comments)
    page.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r".*/engagements/\d+/$"))


def test_accept_fund_work_review_verify_and_show_it_publicly(
    live_server: Any,
    page: Any,
    screenshot: Any,
    alice: User,
    bob: User,
    acme: Organisation,
) -> None:
    base = live_server.url
    offer, skill_label = offered(acme, bob, alice)

    # Alice accepts the offer; the offer_accepted signal's task opens and funds the engagement.
    log_in(page, base, alice.email, PASSWORD)
    page.locator("#candidate-dashboard").get_by_role("link", name=TITLE).first.click()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_text("You accepted the offer. Congratulations!")).to_be_visible()
    engagement = Engagement.objects.get(offer=offer)
    assert engagement.status == "funded" and engagement.funded_at is not None
    assert payments.escrow_balance(engagement.ledger_ref, "USD").amount >= FEE_MINOR

    # Alice starts and submits version 1.
    open_engagement_from_dashboard(page, base, "#candidate-dashboard")
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Funded")
    page.get_by_role("button", name="Start the work").click()
    expect(page.get_by_text("Started. Good luck!")).to_be_visible()
    submit_work(page, "First pass: themes and counts.", "https://example.com/notebook-v1")
    expect(page.get_by_text("Version 1 submitted for review.")).to_be_visible()
    screenshot("1-submitted-v1")

    # Bob asks for changes.
    log_in(page, base, bob.email, PASSWORD)
    open_engagement_from_dashboard(page, base, "#employer-dashboard")
    expect(page.get_by_role("link", name="https://example.com/notebook-v1")).to_be_visible()
    decide(page, "Request changes", "Please split the themes by customer segment.")
    expect(page.get_by_text("Changes requested.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Changes requested")

    # Alice resubmits.
    log_in(page, base, alice.email, PASSWORD)
    open_engagement_from_dashboard(page, base, "#candidate-dashboard")
    expect(page.get_by_text("Please split the themes by customer segment.")).to_be_visible()
    submit_work(page, "Themes by segment, as asked.", "https://example.com/notebook-v2")
    expect(page.get_by_text("Version 2 submitted for review.")).to_be_visible()

    # Bob approves: escrow is released and the engagement is paid.
    log_in(page, base, bob.email, PASSWORD)
    open_engagement_from_dashboard(page, base, "#employer-dashboard")
    decide(page, "Approve and pay", "Exactly what we needed, thank you.")
    expect(page.get_by_text("Approved: the fee is released to the candidate.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paid")
    screenshot("2-paid")
    engagement.refresh_from_db()
    assert engagement.status == "paid" and engagement.paid_at is not None

    # Bob reviews, then verifies the skill alice demonstrated. (Defect: no page links
    # to /reviews/engagement/<id>/; people only get there from a notification later.)
    page.goto(f"{base}/reviews/engagement/{engagement.pk}/")
    for label in ("Quality of work", "Communication", "Timeliness", "Initiative"):
        page.get_by_label(label).select_option("5")
    page.get_by_label("In your words").fill("Careful, fast and clear. Would hire again.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Thank you: your review is in.")).to_be_visible()
    verify = page.locator("#verify-skills")
    verify.get_by_label(skill_label).select_option("3")
    verify.get_by_role("button", name="Verify").click()
    page.wait_for_url(re.compile(rf".*/reviews/engagement/{engagement.pk}/$"))
    expect(page.get_by_text("Verified 1 skill.")).to_be_visible()
    screenshot("3-employer-reviewed-and-verified")

    # Alice follows her notification to review; both reviews are then in, so she sees Bob's.
    log_in(page, base, alice.email, PASSWORD)
    page.get_by_role("link", name=re.compile(r"^Notifications")).click()
    waiting = page.locator("li", has_text=f"You have a review waiting on {TITLE}")
    waiting.get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(rf".*/reviews/engagement/{engagement.pk}/$"))
    expect(page.locator("#other-in")).to_be_visible()
    for label in ("Clarity of the brief", "Quality of feedback", "Fairness"):
        page.get_by_label(label).select_option("5")
    page.get_by_label("Would work with them again").select_option("4")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Thank you: your review is in.")).to_be_visible()
    expect(page.get_by_text("Careful, fast and clear. Would hire again.")).to_be_visible()

    # Alice makes her portfolio public and opens its address.
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.wait_for_url(re.compile(r".*/reviews/portfolio/$"))
    page.get_by_label("Make my portfolio public").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Portfolio saved.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^https?:\/\/.+\/p\/[\w-]+\/$")).click()
    page.wait_for_url(re.compile(r".*/p/[\w-]+/$"))
    slug = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert slug == Portfolio.objects.get(user=alice).slug

    # Anyone can see it: check it logged out.
    page.context.clear_cookies()
    page.goto(f"{base}/p/{slug}/")
    expect(page.get_by_role("heading", name=alice.display_name, level=1)).to_be_visible()
    work = page.get_by_role("region", name="Completed micro-internships")
    expect(work.get_by_role("heading", name=re.compile(re.escape(TITLE)))).to_be_visible()
    expect(work.get_by_text(f"for {acme.name}")).to_be_visible()
    skills = page.get_by_role("region", name="Verified skills")
    expect(skills.get_by_text(skill_label)).to_be_visible()
    expect(skills.get_by_text(f"level 3 · verified by {acme.name}")).to_be_visible()
    screenshot("4-public-portfolio")

    # Alice's earnings show the released fee. (Defect: no page links to /payments/earnings/.)
    log_in(page, base, alice.email, PASSWORD)
    page.goto(f"{base}/payments/earnings/")
    expected = FEE_MINOR
    if settings.STINT_PLATFORM_FEE_PAYER == "candidate":
        expected -= FEE_MINOR * settings.STINT_PLATFORM_FEE_BPS // 10_000
    balance = Money(expected, "USD").format()
    assert payments.candidate_balance(alice.pk, "USD").amount == expected
    expect(
        page.get_by_role("region", name="Available balance").get_by_text(balance)
    ).to_be_visible()
    screenshot("5-earnings")
