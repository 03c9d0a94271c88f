"""The HTML pages over the same services."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.engagements import selectors, services
from stint.engagements.models import Engagement, Submission
from tests.engagements.conftest import FEE, candidate_balance, candidate_share, escrow

pytestmark = pytest.mark.django_db


def test_candidate_and_employer_walk_the_pages(
    engagement: Engagement, alice: User, bob: User, client_for: Any
) -> None:
    a, b = client_for(alice), client_for(bob)
    url = f"/engagements/{engagement.pk}/"
    r = a.get("/engagements/")
    assert r.status_code == 200 and engagement.title.encode() in r.content
    r = a.get(url)
    assert r.status_code == 200 and b"Start the work" in r.content and b"500.00 USD" in r.content
    r = b.get(url)
    assert b"Start the work" not in r.content and b"Cancel the engagement" in r.content
    assert a.post(f"{url}start/").status_code == 302
    assert b"Submit deliverables" in a.get(url).content
    assert a.get(f"{url}submit/").status_code == 200
    r = a.post(
        f"{url}submit/",
        {
            "text": "Cleaned.",
            "links": "https://example.com/x\n",
            "files": [SimpleUploadedFile("out.csv", b"a,b\n")],
        },
    )
    assert r.status_code == 302, r.content
    item = Submission.objects.get().items.get(kind="file")
    r = b.get(f"{url}files/{item.pk}/")
    assert r.status_code == 200 and r["Cache-Control"] == "private, no-store"
    r = b.get(url)
    assert b"Review the submission" in r.content and b"out.csv" in r.content
    r = b.post(f"{url}review/", {"decision": "changes", "comments": "Sort by date"})
    assert r.status_code == 302
    assert a.post(f"{url}submit/", {"text": "Sorted."}).status_code == 302
    r = b.post(f"{url}review/", {"decision": "approve", "comments": ""})
    assert r.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == "paid" and escrow(engagement) == 0
    assert candidate_balance(alice) == candidate_share(FEE)
    assert b"Nothing for you to do" in a.get(url).content


def test_bad_input_on_the_forms(
    engagement: Engagement, alice: User, bob: User, client_for: Any
) -> None:
    a, b = client_for(alice), client_for(bob)
    url = f"/engagements/{engagement.pk}/"
    a.post(f"{url}start/")
    r = a.post(f"{url}submit/", {"text": "", "links": ""})
    assert r.status_code == 422 and b"Add a description, a link or a file" in r.content
    r = a.post(f"{url}submit/", {"links": "ftp://x"})
    assert r.status_code == 422 and b"Links start with http" in r.content
    assert not Submission.objects.exists()
    services.submission_create(actor=alice, engagement_id=engagement.pk, text="v1")
    r = b.post(f"{url}review/", {"decision": "changes", "comments": ""})
    assert r.status_code == 422 and b"Say what should change." in r.content
    r = b.post(f"{url}review/", {"decision": "maybe"})
    assert r.status_code == 422
    engagement.refresh_from_db()
    assert engagement.status == "submitted" and engagement.change_rounds == 0


def test_cancel_split_and_hours_pages(
    open_engagement: Any, alice: User, bob: User, client_for: Any
) -> None:
    e = open_engagement()
    a, b = client_for(alice), client_for(bob)
    url = f"/engagements/{e.pk}/"
    # Issue 14 item 7: amounts are typed in major units and stored in minor units.
    r = b.post(f"{url}milestones/", {"lines": "200.00 Draft\n300 Final"})
    assert r.status_code == 302 and e.milestones.count() == 2
    assert sorted(e.milestones.values_list("amount_minor", flat=True)) == [20_000, 30_000]
    assert b"Draft" in a.get(url).content
    a.post(f"{url}start/")
    from django.utils import timezone

    a.post(f"{url}hours/", {"day": timezone.localdate().isoformat(), "minutes": 300})
    r = a.get(url)
    assert b"5.0 hours logged" in r.content and b"100.00 USD" in r.content  # 500 / 5 h
    assert b"effective rate" not in b.get(url).content
    b.post(f"{url}split/", {"to_candidate": "150.00", "note": "Let us stop"})  # major units
    p = selectors.pending_proposal(e)
    assert p is not None and b"Accept" in a.get(url).content
    assert a.post(f"{url}split/{p.pk}/accept/").status_code == 302
    e.refresh_from_db()
    assert e.status == "cancelled" and candidate_balance(alice) == candidate_share(15_000)


def test_cancel_before_start_page(engagement: Engagement, bob: User, client_for: Any) -> None:
    r = client_for(bob).post(f"/engagements/{engagement.pk}/cancel/", {"reason": "Sorry"})
    assert r.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == "cancelled" and escrow(engagement) == 0


def test_dispute_pages_and_admin_queue(
    engagement: Engagement, alice: User, bob: User, root: User, client_for: Any
) -> None:
    a, b, admin = client_for(alice), client_for(bob), client_for(root)
    url = f"/engagements/{engagement.pk}/"
    assert admin.get("/engagements/disputes/").status_code == 200
    assert a.get("/engagements/disputes/").status_code == 404
    assert admin.get(f"{url}dispute/").status_code == 404
    a.post(f"{url}start/")
    r = a.post(f"{url}dispute/", {"statement": ""})
    assert r.status_code == 422
    assert a.post(f"{url}dispute/", {"statement": "Scope grew."}).status_code == 302
    r = b.get(f"{url}dispute/")
    assert b"Scope grew." in r.content and b"Add my statement" in r.content
    assert b.post(f"{url}dispute/", {"statement": "It did not."}).status_code == 302
    r = admin.get("/engagements/disputes/")
    assert engagement.title.encode() in r.content
    r = admin.get(f"{url}dispute/")
    assert r.status_code == 200 and b"It did not." in r.content and b"Resolve" in r.content
    r = admin.post(f"{url}dispute/resolve/", {"to_candidate": "500.01", "resolution": "x"})
    assert r.status_code == 422 and b"more than the fee" in r.content
    r = admin.post(f"{url}dispute/resolve/", {"to_candidate": "200", "resolution": "Half"})
    assert r.status_code == 302
    engagement.refresh_from_db()
    assert engagement.status == "resolved" and candidate_balance(alice) == candidate_share(20_000)


def test_dashboard_partials_render(engagement: Engagement, alice: User, bob: User) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "engagements/_dashboard_candidate.html", {"ec": selectors.dashboard_candidate(alice)}
    )
    assert "Waiting for you" in html and engagement.title in html
    html = render_to_string(
        "engagements/_dashboard_employer.html", {"ee": selectors.dashboard_employer(bob)}
    )
    assert "1 active" in html
