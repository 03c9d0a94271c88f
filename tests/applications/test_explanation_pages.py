"""Explanations on pages and in the API are worded for their reader: the employer
reads about the applicant ("Alice Candidate has …"), the candidate reads "You
have …"; matches show a labelled band and say what the number means."""

from __future__ import annotations

import re

import pytest

from stint.accounts.models import User
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply
from tests.matching.test_recommend import _candidate

pytestmark = pytest.mark.django_db

SECOND_PERSON = re.compile(
    rb"\b(You have|you have|You also have|Your verified|your (?!team|description))"
)


def _python_candidate(alice: User, published_opportunity: Opportunity) -> None:
    python = published_opportunity.skills.get(need="essential")
    _candidate(alice, [(python.skill_id, python.label)])


def _why_column(html: bytes) -> bytes:
    start = html.index(b'id="open-h"')
    return html[start : html.index(b"</table>", start)]


def test_the_employers_applicant_ranking_reads_in_the_third_person(
    alice: User, bob: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    _python_candidate(alice, published_opportunity)
    a = apply(alice, published_opportunity)
    page = client_for(bob)
    html = page.get(f"/applications/opportunity/{published_opportunity.pk}/").content
    ranking = _why_column(html)
    assert b"Alice Candidate has" in ranking
    assert not SECOND_PERSON.search(ranking), ranking
    assert re.search(rb'class="badge match match-\w+" title="[^"]+">\w+ match', ranking)
    assert b'id="match-help"' in html

    detail = page.get(f"/applications/{a.pk}/").content.decode()
    fit_part = detail[detail.index("<h3>Fit") : detail.index("</ul>", detail.index("<h3>Fit"))]
    assert "Alice Candidate has" in fit_part and "You have" not in fit_part

    # The candidate's own view of the same application keeps "You have".
    own = client_for(alice).get(f"/applications/{a.pk}/").content
    assert b"You have" in own and b"Alice Candidate has" not in own

    # The employer's notification speaks of the applicant too.
    note = Notification.objects.get(user=bob, kind="application.received")
    assert note.body.startswith("Alice Candidate has"), note.body


def test_the_candidate_sees_a_band_what_it_means_and_plain_skill_names(
    alice: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    _python_candidate(alice, published_opportunity)
    html = client_for(alice).get(f"/opportunities/{published_opportunity.pk}/").content.decode()
    badge = re.search(r'class="badge match match-(\w+)" title="([^"]+)">([^<]+)</span>', html)
    assert badge is not None
    assert badge.group(1) in {"strong", "good", "partial", "weak"}
    assert "100% means you bring all of them" in badge.group(2)
    assert re.fullmatch(r"(Strong|Good|Partial|Weak) match · \d+%", badge.group(3))
    assert 'id="match-help"' in html
    # "Python (computer programming)" reads "Python", ESCO's label on hover.
    assert 'title="ESCO: Python (computer programming)">Python</span>' in html
    assert "You have" in html


def test_the_api_keeps_the_raw_score_beside_the_band_and_words_suggestions_for_employers(
    alice: User, bob: User, published_opportunity: Opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    _python_candidate(alice, published_opportunity)
    body = api_for(alice).get(f"/api/v1/opportunities/{published_opportunity.pk}").json()
    fit = body["fit"]
    assert 0 <= fit["score"] <= 1 and fit["explanation"]
    assert fit["band"] in {"strong", "good", "partial", "weak"}
    assert 0 <= fit["match_percent"] <= 100 and fit["match_percent"] >= round(fit["score"] * 100)
    assert fit["reader"] == "candidate" and "100%" in fit["match_help"]
    python = next(s for s in fit["skills"] if s["need"] == "essential")
    assert python["status"] == "have" and python["name"] == "Python"
    assert python["label"] == "Python (computer programming)"

    r = api_for(bob).get(
        f"/api/v1/applications/opportunities/{published_opportunity.pk}/suggested-candidates"
    )
    if r.status_code == 404:  # mounted without the app prefix
        r = api_for(bob).get(
            f"/api/v1/opportunities/{published_opportunity.pk}/suggested-candidates"
        )
    assert r.status_code == 200
    items = r.json()["items"]
    assert [i["candidate_id"] for i in items] == [alice.pk]
    for item in items:
        assert item["band"] and 0 <= item["match_percent"] <= 100
        assert not any(SECOND_PERSON.search(line.encode()) for line in item["explanation"])


def test_the_api_words_the_fit_for_its_reader_too(
    alice: User, bob: User, published_opportunity: Opportunity, api_for
) -> None:  # type: ignore[no-untyped-def]
    """The API served the candidate's own sentences ("You have …") to the employer."""
    _python_candidate(alice, published_opportunity)
    a = apply(alice, published_opportunity)
    employer = api_for(bob)
    for body in (
        employer.get(f"/api/v1/applications/{a.pk}").json(),
        employer.get(f"/api/v1/opportunities/{published_opportunity.pk}/applicants").json()[0],
    ):
        text = " ".join(body["fit_explanation"]).encode()
        assert b"Alice Candidate has" in text and not SECOND_PERSON.search(text), text
    shortlisted = employer.post(f"/api/v1/applications/{a.pk}/shortlist").json()
    assert "Alice Candidate has" in " ".join(shortlisted["fit_explanation"])

    own = " ".join(api_for(alice).get(f"/api/v1/applications/{a.pk}").json()["fit_explanation"])
    assert "You have" in own and "Alice Candidate has" not in own
