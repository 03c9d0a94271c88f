"""The growth loop in a browser: an interview booked from the pipeline, an offer, an
engagement with learning goals, a reflection and a reference, and the candidate's
career roadmap moving because the employer verified a skill it needs.

The marketplace half up to the shortlist is set up with the same services the pages
call (as test_engagement_loop.py does); everything after it happens in the browser."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from stint.accounts.models import User
from stint.applications import services as applications
from stint.applications.models import Application
from stint.engagements.models import Engagement
from stint.matching import roadmap as engine_roadmap
from stint.matching.engine import search_occupations
from stint.opportunities import services as opportunities
from stint.orgs.models import Organisation
from stint.profiles import services as profiles
from stint.profiles.models import CareerGoal
from stint.reviews.models import Reference, VerifiedSkill
from tests.browser.conftest import log_in
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Customer survey statistics"
SHOWN = re.compile(r"You show (\d+) of its (\d+) essential skills \((\d+)%\)")


def shortlisted(employer: Organisation, boss: User, candidate: User) -> tuple[Application, str]:
    """A published opportunity needing one essential skill of the candidate's career
    goal (data analyst), and the candidate's application, shortlisted."""
    employer.verified_at = timezone.now()
    employer.save(update_fields=["verified_at"])
    occupation = search_occupations("data analyst", 1)[0]
    profiles.profile_get_or_create(actor=candidate)
    profiles.goal_add(actor=candidate, occupation_id=occupation["id"])
    skill = next(
        s for s in engine_roadmap.essential_skills(occupation["id"]) if s["label"] == "statistics"
    )
    today = timezone.localdate()
    posting = opportunities.Posting(
        title=TITLE,
        summary="Run the statistics on 400 survey answers and tell us what customers ask for.",
        deliverables="A notebook with the analysis\nA one-page summary",
        estimated_hours=12,
        fee_minor=45_000,
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
        actor=candidate, opportunity_id=opportunity.pk, note="Statistics is what I study."
    )
    applications.application_shortlist(actor=boss, application_id=application.pk)
    return application, skill["label"]


def roadmap_numbers(page: Any) -> tuple[int, int, int]:
    """(shown, essential, percent) from the roadmap page's summary sentence."""
    found = SHOWN.search(page.get_by_text(SHOWN).inner_text())
    assert found is not None
    shown, essential, percent = (int(x) for x in found.groups())
    return shown, essential, percent


def open_roadmap(page: Any, base: str, label: str) -> None:
    page.goto(f"{base}/dashboard/")
    page.get_by_role("region", name="Your growth").get_by_role("link", name=label).click()
    page.wait_for_url(re.compile(r".*/growth/roadmaps/\d+/$"))


def open_engagement(page: Any) -> None:
    """From the main navigation's engagement list (it also lists finished ones)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Engagements").click()
    page.wait_for_url(re.compile(r".*/engagements/$"))
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(r".*/engagements/\d+/$"))


def test_interview_offer_goals_reflection_reference_and_roadmap_moves(
    live_server: Any,
    page: Any,
    screenshot: Any,
    alice: User,
    bob: User,
    acme: Organisation,
) -> None:
    base = live_server.url
    application, skill_label = shortlisted(acme, bob, alice)
    goal = CareerGoal.objects.get(profile__user=alice)

    # Before anything: alice's roadmap for her goal.
    log_in(page, base, alice.email, PASSWORD)
    open_roadmap(page, base, goal.label)
    expect(page.get_by_role("heading", name=f"Roadmap: {goal.label}")).to_be_visible()
    before = roadmap_numbers(page)
    gaps = page.get_by_role("region", name="Gaps, most important first")
    # The gap names the open work that builds it: the posting alice applied to.
    expect(gaps.get_by_role("listitem").filter(has_text=TITLE)).to_contain_text(skill_label)
    screenshot("0-roadmap-before")

    # Bob proposes interview times from the pipeline.
    log_in(page, base, bob.email, PASSWORD)
    page.goto(base + reverse("application_pipeline", args=[application.opportunity_id]))
    page.get_by_role("link", name="Propose interview times").click()
    page.wait_for_url(re.compile(r".*/growth/applications/\d+/interview/$"))
    day = timezone.localdate() + timedelta(days=2)
    page.get_by_label("Times are in").select_option("UTC")
    page.get_by_label("Time 1").fill(f"{day.isoformat()}T10:00")
    page.get_by_label("Time 2").fill(f"{(day + timedelta(days=1)).isoformat()}T14:30")
    page.get_by_label("Meeting link").fill("https://meet.example.com/acme-alice")
    page.get_by_role("button", name="Send times").click()
    page.wait_for_url(re.compile(r".*/growth/interviews/\d+/$"))
    expect(page.get_by_text("Times sent; the candidate will pick one.")).to_be_visible()
    expect(page.get_by_text("Waiting for the other side to pick.")).to_be_visible()
    interview_url = page.url

    # Alice picks one from her dashboard and gets the calendar invitation.
    log_in(page, base, alice.email, PASSWORD)
    growth = page.get_by_role("region", name="Your growth")
    expect(growth.get_by_text("Pick an interview time:")).to_be_visible()
    growth.get_by_role("link", name=f"Interview: {TITLE}").click()
    page.wait_for_url(interview_url)
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_text("Booked. A calendar invitation is on its way")).to_be_visible()
    ics = page.get_by_role("link", name="Download the calendar invitation (.ics)")
    expect(ics).to_be_visible()
    response = page.request.get(base + ics.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in response.text() and "10" in response.text()
    screenshot("1-interview-booked")

    # Bob adds a private note, then makes the offer.
    log_in(page, base, bob.email, PASSWORD)
    page.goto(interview_url)
    notes = page.get_by_role("region", name=re.compile(r"^Private notes"))
    notes.get_by_label("Text").fill("Clear on sampling bias; asked good questions.")
    notes.get_by_label("Would recommend").select_option("4")
    notes.get_by_role("button", name="Save note").click()
    expect(page.get_by_text("Note saved (only your team sees it).")).to_be_visible()
    expect(page.get_by_text("Clear on sampling bias; asked good questions.")).to_be_visible()
    page.get_by_role("link", name="Back to the application").click()
    page.wait_for_url(re.compile(r".*/applications/\d+/$"))
    page.get_by_role("button", name="Send offer").click()
    page.get_by_role("button", name="Confirm and send the offer").click()
    expect(page.get_by_role("region", name="Offer")).to_be_visible()

    # Alice accepts: the engagement is opened and funded; she starts it and sets a goal.
    log_in(page, base, alice.email, PASSWORD)
    page.locator("#candidate-dashboard").get_by_role("link", name=TITLE).first.click()
    page.get_by_role("button", name="Accept the offer").click()
    expect(page.get_by_text("You accepted the offer. Congratulations!")).to_be_visible()
    engagement = Engagement.objects.get(offer__application=application)
    open_engagement(page)
    page.get_by_role("button", name="Start the work").click()
    expect(page.get_by_text("Started. Good luck!")).to_be_visible()
    page.get_by_role("link", name="Learning goals and mid-point feedback").click()
    page.wait_for_url(re.compile(rf".*/growth/engagements/{engagement.pk}/$"))
    page.get_by_label("Goal 1").fill("Choose the right significance test on my own")
    page.get_by_role("button", name="Save goals").click()
    expect(page.get_by_text("Learning goals saved.")).to_be_visible()
    goals = page.get_by_role("region", name="Learning goals")
    expect(goals.get_by_text("Choose the right significance test on my own")).to_be_visible()

    # Alice submits; Bob approves and pays.
    page.get_by_role("link", name="the engagement").click()
    page.get_by_role("link", name="Submit deliverables").click()
    page.get_by_label("What you are handing in").fill("Tests, effect sizes and a summary.")
    page.get_by_label("Links (one a line)").fill("https://example.com/stats-notebook")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Version 1 submitted for review.")).to_be_visible()
    log_in(page, base, bob.email, PASSWORD)
    open_engagement(page)
    page.get_by_role("link", name="Review the submission").click()
    page.get_by_label("Approve and pay").check()
    page.get_by_label("Comments").fill("Exactly what we needed.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Approved: the fee is released to the candidate.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Paid")

    # Alice reflects and asks for a reference.
    log_in(page, base, alice.email, PASSWORD)
    open_engagement(page)
    wrap = page.get_by_role("region", name="Wrap up")
    wrap.get_by_role("link", name="Reflect on what you learned, or ask for a reference").click()
    page.wait_for_url(re.compile(rf".*/growth/engagements/{engagement.pk}/$"))
    page.get_by_label("What I learned").fill("Checking assumptions before picking a test.")
    page.get_by_role("button", name="Save reflection").click()
    expect(page.get_by_text("Reflection saved.")).to_be_visible()
    references = page.get_by_role("region", name="References")
    references.get_by_label("Message").fill("Would you write a few lines about the survey work?")
    references.get_by_role("button", name="Ask for a reference").click()
    page.wait_for_url(re.compile(r".*/growth/references/\d+/$"))
    expect(page.get_by_text("Reference requested.")).to_be_visible()
    screenshot("2-reference-requested")

    # Bob writes the reference and verifies the skill alice showed.
    log_in(page, base, bob.email, PASSWORD)
    open_engagement(page)
    page.get_by_role("region", name="Wrap up").get_by_role(
        "link", name="Feedback and references"
    ).click()
    page.get_by_role("region", name="References").get_by_role(
        "link", name=re.compile(r"^Requested")
    ).click()
    page.wait_for_url(re.compile(r".*/growth/references/\d+/$"))
    page.get_by_label("Text").fill("Alice ran careful, honest statistics. Hire her.")
    page.get_by_role("button", name="Send reference").click()
    expect(page.get_by_text("Reference sent.")).to_be_visible()
    assert Reference.objects.get(engagement=engagement).status == "written"
    page.goto(f"{base}/engagements/{engagement.pk}/")
    page.get_by_role("region", name="Wrap up").get_by_role(
        "link", name=re.compile(r"and verify the skills they showed$")
    ).click()
    page.wait_for_url(re.compile(rf".*/reviews/engagement/{engagement.pk}/$"))
    for label in ("Quality of work", "Communication", "Timeliness", "Initiative"):
        page.get_by_label(label).select_option("5")
    page.get_by_label("In your words").fill("Careful and clear.")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Thank you: your review is in.")).to_be_visible()
    verify = page.locator("#verify-skills")
    verify.get_by_label(skill_label).select_option("3")
    verify.get_by_role("button", name="Verify").click()
    expect(page.get_by_text("Verified 1 skill.")).to_be_visible()
    assert VerifiedSkill.objects.filter(candidate=alice).count() == 1

    # Alice sees the reference, then her roadmap has moved.
    log_in(page, base, alice.email, PASSWORD)
    growth = page.get_by_role("region", name="Your growth")
    growth.get_by_role("link", name="References", exact=True).click()
    page.get_by_role("link", name=f"{acme.name}: {TITLE}").click()
    page.wait_for_url(re.compile(r".*/growth/references/\d+/$"))
    expect(page.get_by_text("Alice ran careful, honest statistics. Hire her.")).to_be_visible()
    screenshot("3-reference-written")

    open_roadmap(page, base, goal.label)
    after = roadmap_numbers(page)
    shown = page.get_by_role("region", name="What you already show")
    expect(shown.get_by_role("listitem").filter(has_text=skill_label)).to_contain_text("verified")
    screenshot("4-roadmap-after")
    assert after[1] == before[1]
    assert after[0] == before[0] + 1
    assert after[2] > before[2]
