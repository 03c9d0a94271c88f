"""The posting screen's pure rules, without a database."""

from __future__ import annotations

import pytest

from stint.opportunities import screening as rules

MIN = 2000


def text(**changes: object) -> rules.PostingText:
    base: dict[str, object] = {
        "title": "Build a churn dashboard",
        "summary": "Clean our order export and chart churn by month with Python and SQL.",
        "deliverables": "- A cleaned CSV\n- A dashboard",
        "fee_minor": 50000,
        "estimated_hours": 10,
    }
    base.update(changes)
    return rules.PostingText(**base)  # type: ignore[arg-type]


def codes(**changes: object) -> set[str]:
    return {f.code for f in rules.screen_posting(text(**changes), min_hourly_minor=MIN)}


def test_a_clean_posting_has_no_flags() -> None:
    assert codes() == set()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"fee_minor": 100}, "pay_below_minimum"),
        ({"summary": "This is an unpaid role, great for your CV."}, "unpaid_wording"),
        ({"summary": "You work for exposure to our brand."}, "unpaid_wording"),
        ({"deliverables": ""}, "deliverables_missing"),
        ({"deliverables": "TBD"}, "deliverables_missing"),
        ({"summary": "Send your CV to jobs@acme.example please."}, "contact_email"),
        ({"summary": "Call me on +49 151 2345 6789."}, "contact_phone"),
        ({"summary": "Ring (030) 1234-5678 for details."}, "contact_phone"),
        ({"summary": "Let's talk on WhatsApp."}, "contact_messaging_app"),
        ({"summary": "Join our Telegram group."}, "contact_messaging_app"),
        ({"summary": "Payment via PayPal after delivery."}, "external_payment"),
        ({"summary": "Tip me at paypal.me/acme"}, "external_payment"),
        ({"summary": "We pay outside the platform to save fees."}, "external_payment"),
        ({"summary": "Candidates aged 18-25 only."}, "discriminatory_age"),
        ({"summary": "You must be under 30 years old."}, "discriminatory_age"),
        ({"summary": "We want young candidates with energy."}, "discriminatory_age"),
        ({"summary": "Female candidates only."}, "discriminatory_gender"),
        ({"summary": "Applicant must be a man."}, "discriminatory_gender"),
        ({"summary": "White applicants preferred."}, "discriminatory_ethnicity"),
        ({"summary": "Native English speakers only."}, "discriminatory_ethnicity"),
        ({"summary": "Christian candidates preferred."}, "discriminatory_religion"),
        ({"summary": "Must be married."}, "discriminatory_marital"),
        ({"summary": "Single applicants only, no children."}, "discriminatory_marital"),
    ],
)
def test_screening_flags(changes: dict[str, object], code: str) -> None:
    assert code in codes(**changes)


@pytest.mark.parametrize(
    "summary",
    [
        "Upgrade our service from Java 8 to Java 17 and Python 3.12.",
        "About 20 hours over 2 weeks; under 25 hours in total.",
        "Build a PayPal checkout integration for our shop.",
        "Analyse our 2024-05-01 to 2024-06-30 sales; revenue grew 1,250,000 USD.",
        "A women's health app needs a landing page.",
        "Write a white paper on black-box testing.",
        "A single-page app with a single sign-on flow.",
        "Our signal processing pipeline needs tests.",
        "Survey 100 people over 65 about our app (the users, not you).",
        "Work with our order IDs like 123456789 in the export.",
        "Improve our Telegraph-style blog layout.",
        "We are an age-tech company helping older people use phones.",
        "Our version 10.2.3.4 release notes need editing.",
    ],
)
def test_screening_false_positives(summary: str) -> None:
    found = codes(summary=summary)
    assert found == set(), found


def test_flags_name_their_field() -> None:
    flags = rules.screen_posting(text(deliverables="", title="Unpaid intern"), min_hourly_minor=MIN)
    by_code = {f.code: f.field for f in flags}
    assert by_code["deliverables_missing"] == "deliverables"
    assert by_code["unpaid_wording"] == "title"
