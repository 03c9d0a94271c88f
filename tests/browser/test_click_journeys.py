"""Issue 14, "journeys as tests that only click": one test per role, from sign-up
(choosing the role) to the outcome, through links and buttons visible on the pages.

`page.goto` is used once for the home page; after it, the only other gotos open a link
from an email in Django's outbox, which is what a person does when they click a link
in their email. The other party's steps are either clicked in a second browser
context as that person, or done with that party's services (never the role under
test); each place says which."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stint.accounts.models import User
from stint.applications import services as applications
from stint.applications.models import Application, Offer
from stint.engagements import services as engagements
from stint.engagements.models import Engagement
from stint.institutions.services import consent_set
from stint.moderation import services as moderation
from stint.opportunities import services as opportunities
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.orgs.services import organisation_create
from stint.programs import services as program_services
from stint.programs.models import CreditRecord, Program, ProgramOpportunity
from stint.reviews.models import FollowUpOffer
from tests.browser.clicks import click, log_in, patient, see, sign_up
from tests.browser.conftest import ARTIFACTS
from tests.personas import PASSWORD as PERSONA_PASSWORD
from tests.personas import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Tidy our supplier spreadsheet with Python"
SKILL = "Python (computer programming)"


def shoot(page: Any, test: str, name: str) -> None:
    """A screenshot under test-results/ (for pages other than the `screenshot` fixture's)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{test}-{name}.png"), full_page=True)


def admin_verifies(browser: Any, base_url: str, org_name: str, test: str) -> None:
    """The platform admin, in their own browser, clicks through the verification queue."""
    make_user("root@stint.example", staff=True, name="Root Admin")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    admin = context.new_page()
    patient(admin)
    try:
        admin.goto(f"{base_url}/")
        log_in(admin, "root@stint.example", PERSONA_PASSWORD)
        click(admin, "link", "Moderation")
        row = admin.locator("tr", has_text=org_name)
        click(admin, "link", "Review", within=row)
        shoot(admin, test, "admin-verification-request")
        click(admin, "button", "Approve")
        see(admin, re.compile(r"verified", re.I))
    finally:
        context.close()


def post_and_publish(page: Any) -> None:
    today = timezone.localdate()
    click(page, "link", "Postings")
    click(page, "link", "Post an opportunity")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill(
        "Our supplier list lives in one spreadsheet edited by six people for years. "
        "Help us find duplicates and fix formats with Python so orders reach the right people."
    )
    page.get_by_label("Deliverables").fill("A cleaned spreadsheet\nA note on what changed")
    page.get_by_label("Estimated hours").fill("12")
    page.get_by_label("Fee:", exact=True).fill("450.00")
    page.get_by_label("Apply by").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("Start date").fill((today + timedelta(days=12)).isoformat())
    page.get_by_label("Due date").fill((today + timedelta(days=26)).isoformat())
    page.get_by_label("Find a skill").press_sequentially("python")
    click(page, "button", f"Add {SKILL}")
    page.get_by_label(f"How needed is {SKILL}").select_option("essential")
    click(page, "button", "Save draft")
    see(page, "Draft saved.")
    click(page, "button", "Publish", within=page.locator("#clarity"))
    see(page, "The opportunity is now published.")


def test_employer_signs_up_and_hires_pays_reviews_and_follows_up(
    live_server: Any, page: Any, browser: Any, screenshot: Any
) -> None:
    base = live_server.url
    test = "employer"
    sign_up(page, base, email="nora@northwind.example", name="Nora Owner", role="employer")
    screenshot("1-dashboard-after-sign-up")

    # The role chosen at sign-up leads to its first step.
    click(page, "link", re.compile(r"Create your employer organisation"))
    page.get_by_label("Name").fill("Northwind Traders")
    page.get_by_label("Website").fill("https://northwind.example")
    click(page, "button", "Create")
    see(page, re.compile(r"must be verified by a platform admin"))
    click(page, "link", re.compile(r"^Request verification$", re.I))
    page.get_by_label("Note").fill("Company number 01234567; our site is northwind.example.")
    click(page, "button", "Request verification")
    see(page, re.compile(r"Waiting for review|waiting for a platform admin", re.I))
    screenshot("2-verification-requested")

    # The platform admin clicks through the queue in their own browser.
    admin_verifies(browser, base, "Northwind Traders", test)
    org = Organisation.objects.get(name="Northwind Traders")
    assert org.is_verified

    # Nora sees it on her dashboard, then posts and publishes.
    click(page, "link", "Dashboard")
    expect(page.locator("#main").get_by_text("verified", exact=True).first).to_be_visible()
    post_and_publish(page)
    screenshot("3-published")
    opportunity = Opportunity.objects.get(title=TITLE)
    assert opportunity.status == "published" and opportunity.employer_id == org.pk

    # The candidate's side by their services (their own journey is clicked in the
    # candidate test): Cleo applies.
    cleo = make_user("cleo@example.com", candidate=True, name="Cleo Candidate")
    application = applications.application_submit(
        actor=cleo, opportunity_id=opportunity.pk, note="I clean spreadsheets with pandas weekly."
    )

    # Nora shortlists and offers from the dashboard's "waiting for you".
    click(page, "link", "Dashboard")
    waiting = page.locator("#employer-dashboard .applications-dashboard")
    click(page, "link", TITLE, within=waiting)
    page.get_by_label(f"Choose {cleo.display_name}").check()
    click(page, "button", "Shortlist chosen")
    see(page, "Shortlisted 1.")
    click(page, "link", cleo.display_name)
    click(page, "button", "Send offer")
    click(page, "button", "Confirm and send the offer")
    see(page, "Offer sent.")
    screenshot("4-offer-sent")

    # Cleo accepts (her services); escrow is funded on acceptance.
    offer = Offer.objects.get(application=application)
    applications.offer_accept(actor=cleo, offer_id=offer.pk)
    engagement = Engagement.objects.get(offer=offer)

    # Nora follows the engagement from the navigation and sees it funded.
    click(page, "link", "Engagements")
    click(page, "link", TITLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Funded")
    engagement.refresh_from_db()
    assert engagement.funded_at is not None
    screenshot("5-funded")

    # Cleo works and hands in (her services).
    engagements.engagement_start(actor=cleo, engagement_id=engagement.pk)
    engagements.submission_create(
        actor=cleo, engagement_id=engagement.pk, text="Done.", links=["https://example.com/sheet"]
    )

    # Nora approves from the page she is on (reloaded from the navigation).
    click(page, "link", "Engagements")
    click(page, "link", TITLE)
    click(page, "link", "Review the submission")
    page.get_by_label("Approve and pay").check()
    page.get_by_label("Comments").fill("Exactly what we needed.")
    click(page, "button", "Send")
    see(page, "Approved: the fee is released to the candidate.")
    engagement.refresh_from_db()
    assert engagement.status == "paid"

    # She reviews Cleo and invites her to a longer role.
    click(page, "link", re.compile(rf"^Review {re.escape(cleo.display_name)}"))
    for label in ("Quality of work", "Communication", "Timeliness", "Initiative"):
        page.get_by_label(label).select_option("5")
    page.get_by_label("In your words").fill("Careful and quick. Would hire again.")
    click(page, "button", "Submit review")
    see(page, "Thank you: your review is in.")
    follow_up = page.locator("#follow-up")
    follow_up.get_by_label("Role title").fill("Data assistant, part-time")
    follow_up.get_by_label("Kind of role").select_option(index=1)
    click(page, "button", "Invite to a longer role", within=follow_up)
    expect(follow_up.get_by_text("Data assistant, part-time")).to_be_visible()
    screenshot("6-reviewed-and-followed-up")
    assert FollowUpOffer.objects.filter(engagement=engagement, candidate=cleo).exists()
    assert Application.objects.get(pk=application.pk).status == "accepted"
    assert User.objects.get(email="nora@northwind.example").is_candidate is False


HELD_SUMMARY = "Great project. Contact me on WhatsApp +44 7700 900123 to start."


def test_platform_admin_works_the_verification_and_moderation_queues(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    """Platform admins are made by the operator (`manage.py createsuperuser`), not by
    sign-up: this journey starts at the home page's "Log in". Everything waiting for
    the admin is made with the other parties' own services."""
    base = live_server.url
    make_user("root@stint.example", staff=True, name="Root Admin")
    # Carol (Globex) asks for verification with an address on Globex's domain.
    carol = make_user("carol@globex.example", name="Carol Owner")
    globex = organisation_create(
        actor=carol, kind="employer", name="Globex", website="https://globex.example"
    )
    moderation.verification_request(actor=carol, organisation_id=globex.pk, note="Reg. 987")
    # Bob (verified Acme) publishes one posting that is held and one that Eve reports.
    bob = make_user("bob@acme.example", name="Bob Employer")
    acme = organisation_create(actor=bob, kind="employer", name="Acme")
    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])
    held = opportunities.opportunity_create(
        actor=bob,
        organisation_id=acme.pk,
        posting=_posting("Survey our customers", summary=HELD_SUMMARY),
    )
    held = opportunities.opportunity_transition(
        actor=bob, opportunity_id=held.pk, status="published"
    )
    assert held.status == "in_review"
    reported = opportunities.opportunity_create(
        actor=bob, organisation_id=acme.pk, posting=_posting("Count our stock")
    )
    opportunities.opportunity_transition(actor=bob, opportunity_id=reported.pk, status="published")
    eve = make_user("eve@outsider.example", name="Eve Outsider")
    moderation.report_create(
        actor=eve, target_type="opportunity", target_id=reported.pk, reason="spam", text="Spam."
    )

    patient(page).goto(f"{base}/")
    log_in(page, "root@stint.example", PERSONA_PASSWORD)
    click(page, "link", "Moderation")
    screenshot("1-queue")

    # Verification: open Globex's request and approve it.
    click(page, "link", "Review", within=page.locator("tr", has_text="Globex"))
    see(page, "carol@globex.example")
    screenshot("2-verification-request")
    click(page, "button", "Approve")
    see(page, "Globex is verified.")
    globex.refresh_from_db()
    assert globex.is_verified

    # The held posting: read why, then approve and publish it.
    click(page, "link", "Moderation")
    held_card = page.locator("article", has_text="Survey our customers")
    expect(
        held_card.get_by_text(re.compile(r"WhatsApp|messaging|contact", re.I)).first
    ).to_be_visible()
    click(page, "button", "Approve and publish", within=held_card)
    see(page, "“Survey our customers” is published.")
    assert Opportunity.objects.get(pk=held.pk).status == "published"

    # The report: decide it, hiding the posting with a note the poster reads.
    click(page, "link", "Decide", within=page.locator("tr", has_text="Count our stock"))
    page.get_by_label("Hide the posting (back to review)").check()
    page.get_by_label("Note").fill("Please rewrite it without the repeated text.")
    screenshot("3-report")
    click(page, "button", "Apply")
    see(page, "Done, and written to the audit log.")
    expect(page.get_by_text("No open reports.")).to_be_visible()
    assert Opportunity.objects.get(pk=reported.pk).status != "published"
    screenshot("4-queue-done")


def _posting(title: str, summary: str = "") -> opportunities.Posting:
    today = timezone.localdate()
    return opportunities.Posting(
        title=title,
        summary=summary
        or "We are a small shop and want to understand our stock. You will count and tidy "
        "our stock spreadsheet and write a short note on what you found.",
        deliverables="A cleaned spreadsheet\nA short note",
        estimated_hours=10,
        fee_minor=50_000,
        currency="USD",
        apply_by=today + timedelta(days=7),
        start_date=today + timedelta(days=10),
        due_date=today + timedelta(days=30),
    )


def test_candidate_signs_up_and_gets_paid_a_public_portfolio_and_a_verified_credential(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    base = live_server.url
    # The employer's side by Bob's own services (his journey is clicked in the employer
    # test): verified Acme has a published posting.
    bob = make_user("bob@acme.example", name="Bob Employer")
    acme = organisation_create(actor=bob, kind="employer", name="Acme")
    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])
    posting = opportunities.opportunity_create(
        actor=bob, organisation_id=acme.pk, posting=_posting(TITLE)
    )
    opportunities.opportunity_transition(actor=bob, opportunity_id=posting.pk, status="published")

    sign_up(page, base, email="cleo@example.com", name="Cleo Candidate", role="candidate")
    expect(page.locator("#candidate-dashboard")).to_be_visible()
    screenshot("1-dashboard-after-sign-up")
    cleo = User.objects.get(email="cleo@example.com")

    # Cleo finds the posting and applies.
    click(page, "link", "Opportunities")
    click(page, "link", TITLE)
    click(page, "link", "Apply", within=page.locator("#apply"))
    page.get_by_label("Why you, for this project").fill("I tidy spreadsheets every week.")
    click(page, "button", "Send application")
    see(page, f"Applied to {TITLE}. Good luck!")
    application = Application.objects.get(opportunity=posting, candidate=cleo)

    # Bob shortlists and offers (his services).
    applications.application_shortlist(actor=bob, application_id=application.pk)
    applications.offer_make(actor=bob, application_id=application.pk)

    # Cleo answers from her dashboard; the escrow is funded on acceptance.
    click(page, "link", "Dashboard")
    click(page, "link", TITLE, within=page.locator("#candidate-dashboard"))
    click(page, "button", "Accept the offer")
    see(page, "You accepted the offer. Congratulations!")
    screenshot("2-accepted")

    # She starts and hands in from the engagement page.
    click(page, "link", "Engagements")
    click(page, "link", TITLE)
    click(page, "button", "Start the work")
    see(page, "Started. Good luck!")
    click(page, "link", "Submit deliverables")
    page.get_by_label("What you are handing in").fill("The cleaned sheet and a note.")
    page.get_by_label("Links (one a line)").fill("https://example.com/sheet")
    click(page, "button", "Submit for review")
    see(page, "Version 1 submitted for review.")
    engagement = Engagement.objects.get(offer__application=application)

    # Bob approves and pays (his services).
    engagements.submission_approve(actor=bob, engagement_id=engagement.pk, comments="Great.")

    # Cleo sees it paid, and her earnings.
    click(page, "link", "Engagements")
    click(page, "link", TITLE)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paid")
    click(page, "link", "Your earnings and payouts")
    expect(page.get_by_role("region", name="Available balance")).to_contain_text("USD")
    screenshot("3-earnings")

    # She reviews Acme, then issues her credential and checks it on the verify page.
    click(page, "link", "Engagements")
    click(page, "link", TITLE)
    click(page, "link", "Review Acme")
    for label in ("Clarity of the brief", "Quality of feedback", "Fairness"):
        page.get_by_label(label).select_option("5")
    page.get_by_label("Would work with them again").select_option("4")
    click(page, "button", "Submit review")
    see(page, "Thank you: your review is in.")
    credential = page.locator("#credential")
    with page.expect_download() as download:
        click(page, "button", "Issue and download", within=credential)
    signed = download.value.path().read_text()
    click(page, "link", "/p/verify/", within=credential)
    page.get_by_label("Paste the credential (JSON)").fill(signed)
    click(page, "button", "Verify")
    result = page.locator("#verify-result")
    expect(result).to_contain_text("Valid.")
    expect(result).to_contain_text("Cleo Candidate")
    screenshot("4-credential-verified")

    # She makes her portfolio public and opens its address.
    click(page, "link", "Portfolio", within=page.locator("header"))
    page.get_by_label("Make my portfolio public").check()
    click(page, "button", "Save")
    see(page, "Portfolio saved.")
    click(page, "link", re.compile(r"^https?:\/\/.+\/p\/[\w-]+\/$"))
    expect(page.get_by_role("heading", name="Cleo Candidate", level=1)).to_be_visible()
    work = page.get_by_role("region", name="Completed micro-internships")
    expect(work.get_by_role("heading", name=re.compile(re.escape(TITLE)))).to_be_visible()
    screenshot("5-public-portfolio")
    engagement.refresh_from_db()
    assert engagement.status == "paid"


def admin_verifies_domain(browser: Any, base_url: str, domain: str, test: str) -> None:
    """The platform admin, in their own browser, verifies the domain from the admin site."""
    make_user("root@stint.example", staff=True, name="Root Admin")
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    admin = context.new_page()
    patient(admin)
    try:
        admin.goto(f"{base_url}/")
        log_in(admin, "root@stint.example", PERSONA_PASSWORD)
        click(admin, "link", "Admin")
        click(admin, "link", "Institution domains")
        admin.get_by_role("checkbox", name=re.compile(re.escape(domain))).check()
        admin.locator("select[name=action]").select_option(label="Verify selected domains")
        click(admin, "button", "Go")
        see(admin, "1 domain(s) verified.")
        shoot(admin, test, "admin-domain-verified")
    finally:
        context.close()


def test_career_services_staff_verify_a_domain_read_reports_and_run_a_credit_program(
    live_server: Any, page: Any, browser: Any, screenshot: Any
) -> None:
    base = live_server.url
    test = "staff"
    sign_up(page, base, email="dana@uni.example.edu", name="Dana Careers", role="institution")
    screenshot("1-dashboard-after-sign-up")

    # The first step of the role: the institution and its email domain.
    click(page, "link", re.compile(r"Create your institution's organisation"))
    expect(page.get_by_label("This organisation is")).to_have_value("institution")
    page.get_by_label("Name").fill("Uni of Testing")
    click(page, "button", "Create")
    page.get_by_role("textbox", name="Domain").fill("uni.example.edu")
    click(page, "button", "Add domain")
    see(page, "awaiting platform verification")
    uni = Organisation.objects.get(name="Uni of Testing")

    # A student of the university (their own services and sign-up by ORM), with a
    # verified address in the domain: linked when the domain is verified.
    sam = make_user("sam@uni.example.edu", candidate=True, name="Sam Student")
    admin_verifies_domain(browser, base, "uni.example.edu", test)
    click(page, "link", "Organisations")
    click(page, "link", "Uni of Testing")
    expect(page.locator("li", has_text="uni.example.edu").get_by_text("verified")).to_be_visible()
    screenshot("2-domain-verified")
    # Sam shares what Dana may report on (Sam's service).
    scopes = ("applications", "selections", "completions", "skills")
    consent_set(actor=sam, institution_id=uni.pk, scopes=dict.fromkeys(scopes, True))

    # A partner employer's published opportunity (Bob's services).
    bob = make_user("bob@acme.example", name="Bob Employer")
    acme = organisation_create(actor=bob, kind="employer", name="Acme")
    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])
    posting = opportunities.opportunity_create(
        actor=bob, organisation_id=acme.pk, posting=_posting(TITLE)
    )
    opportunities.opportunity_transition(actor=bob, opportunity_id=posting.pk, status="published")

    # Dana creates a credit-bearing cohort program and proposes Acme's opportunity.
    click(page, "link", "Programs")
    click(page, "link", "New program")
    page.get_by_label("Name").fill("Spring cohort")
    page.get_by_label("Awards academic credit").check()
    page.get_by_label("Credits").fill("3")
    click(page, "button", "Create")
    page.get_by_label("Propose a partner employer's opportunity").select_option(
        label=f"Acme: {TITLE} (1 left)"
    )
    click(page, "button", "Propose to the employer")
    program = Program.objects.get(name="Spring cohort")
    entry = ProgramOpportunity.objects.get(program=program)
    program_services.entry_decide(actor=bob, entry_id=entry.pk, accept=True)  # Bob agrees

    # The cohort, and the ranking window (open now, for a day).
    click(page, "link", "Programs")
    click(page, "link", "Spring cohort")
    page.get_by_label("Emails").fill("sam@uni.example.edu")
    click(page, "button", "Add students")
    see(page, "Sam Student")
    now = timezone.localtime()
    page.get_by_label("Ranking opens").fill((now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Ranking closes").fill((now + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    click(page, "button", "Open ranking")
    # Sam ranks (his service); Dana closes the window, allocates and publishes.
    program_services.student_rankings_set(actor=sam, program_id=program.pk, entry_ids=[entry.pk])
    click(page, "button", "Close ranking now")
    click(page, "button", re.compile(r"Run the allocation"))
    page.wait_for_url(re.compile(r".*/programs/runs/\d+/$"))  # the run's own page
    see(page, "Sam Student")
    screenshot("3-allocation")
    click(page, "button", "Publish and make the offers")
    offer = Offer.objects.get(application__candidate=sam)

    # Sam accepts, works and is paid (Sam's and Bob's services).
    applications.offer_accept(actor=sam, offer_id=offer.pk)
    engagement = Engagement.objects.get(offer=offer)
    engagements.engagement_start(actor=sam, engagement_id=engagement.pk)
    engagements.submission_create(actor=sam, engagement_id=engagement.pk, text="Done.")
    engagements.submission_approve(actor=bob, engagement_id=engagement.pk)

    # Dana reads the consented reports and the program's credit records.
    click(page, "link", "Dashboard")
    click(page, "link", "Uni of Testing: dashboard and reports")
    click(page, "link", "Completions", within=page.get_by_role("navigation", name="Reports"))
    expect(page.locator("table").get_by_text("Sam Student").first).to_be_visible()
    screenshot("4-completions-report")
    click(page, "link", "Programs")
    click(page, "link", "Spring cohort")
    click(page, "link", re.compile(r"credit record"))
    expect(page.locator("table").get_by_text("Sam Student").first).to_be_visible()
    screenshot("5-credit-records")
    assert CreditRecord.objects.filter(program=program, student=sam, credits=3).exists()
