"""Issue 4 in a browser: an employer posts and publishes an opportunity, a matching
candidate finds it in "Recommended for you" and applies, the employer shortlists and
makes an offer from the pipeline, and the candidate accepts it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stint.accounts.models import User
from stint.applications.models import Application
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from tests.browser.conftest import log_in
from tests.personas import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Clean our customer list with Python"
SKILL = "Python (computer programming)"


def add_profile_skill(page: Any, base_url: str, phrase: str, label: str) -> None:
    """The candidate adds a skill on /profile/ through the autocomplete."""
    page.goto(f"{base_url}/profile/")
    page.locator("#skill_q").press_sequentially(phrase)
    page.get_by_role("radio", name=label).check()  # the htmx suggestions
    page.locator("#skill_level").select_option("3")
    page.get_by_role("button", name="Add skill").click()
    page.wait_for_url(re.compile(r".*/profile/$"))
    expect(page.get_by_text(f"{label} added.")).to_be_visible()


def post_opportunity(page: Any, base_url: str, org: Organisation) -> int:
    """The employer fills in the posting form, picks a required skill through the
    autocomplete, saves the draft and publishes it. Returns the opportunity id."""
    today = timezone.localdate()
    page.goto(f"{base_url}/dashboard/")
    page.get_by_role("link", name="Postings", exact=True).click()
    page.get_by_role("link", name="Post an opportunity").click()
    page.wait_for_url(re.compile(rf".*/opportunities/orgs/{org.pk}/new/$"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Summary").fill(
        "Our customer list has grown messy over five years. Help our small sales team "
        "find duplicates and fix formats with Python so we can reach customers reliably."
    )
    page.get_by_label("Deliverables").fill(
        "A cleaned CSV of the customer list\nA short note on what changed and why"
    )
    page.get_by_label("Estimated hours").fill("12")
    page.get_by_label("Fee:", exact=True).fill("450.00")
    page.get_by_label("Apply by").fill((today + timedelta(days=10)).isoformat())
    page.get_by_label("Start date").fill((today + timedelta(days=12)).isoformat())
    page.get_by_label("Due date").fill((today + timedelta(days=26)).isoformat())
    # A required skill through the autocomplete (htmx): type, then pick it.
    page.get_by_label("Find a skill").press_sequentially("python")
    page.get_by_role("button", name=f"Add {SKILL}").click()
    row = page.locator("#skill-rows tr.skill-row")
    assert row.get_by_role("checkbox", name=SKILL).is_checked()
    page.get_by_label(f"How needed is {SKILL}").select_option("essential")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r".*/opportunities/\d+/edit/$"))
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    opportunity_id = int(re.search(r"/opportunities/(\d+)/edit/", page.url).group(1))  # type: ignore[union-attr]
    page.locator("#clarity").get_by_role("button", name="Publish").click()
    page.wait_for_url(re.compile(rf".*/opportunities/{opportunity_id}/$"))
    expect(page.get_by_text("The opportunity is now published.")).to_be_visible()
    return opportunity_id


def test_post_recommend_apply_shortlist_offer_accept(
    live_server: Any,
    page: Any,
    screenshot: Any,
    alice: User,
    bob: User,
    acme: Organisation,
) -> None:
    base = live_server.url
    # A platform admin verified Acme earlier (admin-only, not part of this story).
    acme.verified_at = timezone.now()
    acme.save(update_fields=["verified_at"])

    # Alice says what she can do.
    log_in(page, base, alice.email, PASSWORD)
    add_profile_skill(page, base, "python", SKILL)

    # Bob posts and publishes the opportunity.
    log_in(page, base, bob.email, PASSWORD)
    opportunity_id = post_opportunity(page, base, acme)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    # skills read by their plain name ("Python", the ESCO label on hover)
    expect(page.get_by_text("Python · Essential")).to_be_visible()
    screenshot("1-published")
    opportunity = Opportunity.objects.get(pk=opportunity_id)
    assert opportunity.status == "published"
    assert opportunity.fee_minor == 45_000
    assert list(opportunity.skills.values_list("label", flat=True)) == [SKILL]

    # Alice finds it in "Recommended for you" on her dashboard and applies.
    log_in(page, base, alice.email, PASSWORD)
    recommended = page.locator("#recommended")
    card = recommended.locator(f"#rec-{opportunity_id}")
    expect(card.get_by_role("link", name=TITLE)).to_be_visible()
    screenshot("2-recommended")
    card.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf".*/opportunities/{opportunity_id}/$"))
    expect(page.get_by_role("heading", name="Why this matches you")).to_be_visible()
    page.locator("#apply").get_by_role("link", name="Apply").click()
    page.wait_for_url(re.compile(rf".*/applications/apply/{opportunity_id}/$"))
    page.get_by_label("Why you, for this project").fill(
        "I clean data with pandas every week and would love to help your sales team."
    )
    page.get_by_role("button", name="Send application").click()
    page.wait_for_url(re.compile(r".*/applications/\d+/$"))
    expect(page.get_by_text(f"Applied to {TITLE}. Good luck!")).to_be_visible()
    application = Application.objects.get(opportunity_id=opportunity_id, candidate=alice)
    assert application.status == "submitted"

    # Bob shortlists her from the pipeline and makes an offer.
    log_in(page, base, bob.email, PASSWORD)
    waiting = page.locator("#employer-dashboard .applications-dashboard")
    expect(waiting.get_by_role("heading", name="New applicants waiting for you")).to_be_visible()
    waiting.get_by_role("link", name=TITLE).click()
    page.wait_for_url(re.compile(rf".*/applications/opportunity/{opportunity_id}/$"))
    page.get_by_label(f"Choose {alice.display_name}").check()
    screenshot("3-pipeline")
    page.get_by_role("button", name="Shortlist chosen").click()
    page.wait_for_url(re.compile(rf".*/applications/opportunity/{opportunity_id}/$"))
    expect(page.get_by_text("Shortlisted 1.")).to_be_visible()
    page.get_by_role("link", name=alice.display_name, exact=True).click()
    page.wait_for_url(re.compile(rf".*/applications/{application.pk}/$"))
    assert page.get_by_label("Fee (USD):", exact=True).input_value() in {"450", "450.0", "450.00"}
    page.get_by_role("button", name="Send offer").click()
    # nothing is sent or charged before the employer confirms the figures
    expect(page.get_by_role("heading", name="Confirm the offer to Alice Candidate")).to_be_visible()
    page.get_by_role("button", name="Confirm and send the offer").click()
    page.wait_for_url(re.compile(rf".*/applications/{application.pk}/$"))
    expect(page.get_by_text("Offer sent.")).to_be_visible()
    screenshot("4-offer-sent")

    # Alice accepts from her dashboard.
    log_in(page, base, alice.email, PASSWORD)
    page.get_by_role("heading", name="Offers waiting for your answer").wait_for()
    page.locator("#candidate-dashboard").get_by_role("link", name=TITLE).first.click()
    page.wait_for_url(re.compile(rf".*/applications/{application.pk}/$"))
    page.get_by_role("button", name="Accept the offer").click()
    page.wait_for_url(re.compile(rf".*/applications/{application.pk}/$"))
    expect(page.get_by_text("You accepted the offer. Congratulations!")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accepted")
    expect(page.get_by_text("· Accepted")).to_be_visible()  # the offer itself
    expect(page.get_by_role("button", name="Accept the offer")).to_have_count(0)
    screenshot("5-accepted")
    application.refresh_from_db()
    assert application.status == "accepted"
