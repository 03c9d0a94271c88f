from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.notifications.models import Notification
from stint.opportunities.models import SavedSearch
from stint.opportunities.selectors import BrowseQuery
from stint.opportunities.services import saved_search_create
from stint.opportunities.tasks import notify_saved_searches

pytestmark = pytest.mark.django_db


def test_saved_search_notifies_once_per_search_and_is_idempotent(
    alice: User, eve: User, make_opportunity
) -> None:  # type: ignore[no-untyped-def]
    search = saved_search_create(actor=alice, name="SQL work", query=BrowseQuery(q="sql"))
    other = saved_search_create(actor=eve, name="Design", query=BrowseQuery(q="figma"))
    SavedSearch.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    make_opportunity(title="Write SQL reports")
    make_opportunity(title="Fix SQL queries")
    make_opportunity(title="Paint a fence", skills=())

    assert notify_saved_searches.call() == 1
    notes = Notification.objects.filter(user=alice)
    assert notes.count() == 1
    note = notes.get()
    assert note.kind == "opportunity.saved_search_match"
    assert "2 new match" in note.title and "SQL work" in note.title
    assert f"saved={search.pk}" in note.url
    assert not Notification.objects.filter(user=eve).exists()

    # Running again finds nothing new.
    assert notify_saved_searches.call() == 0
    assert Notification.objects.filter(user=alice).count() == 1
    search.refresh_from_db()
    other.refresh_from_db()
    assert search.last_notified_at is not None and other.last_notified_at is None

    make_opportunity(title="Tune SQL indexes")
    assert notify_saved_searches.call() == 1
    assert Notification.objects.filter(user=alice).count() == 2
    assert "1 new match" in Notification.objects.filter(user=alice).order_by("-pk")[0].title


def test_postings_published_before_the_search_existed_are_not_news(
    alice: User, make_opportunity
) -> None:  # type: ignore[no-untyped-def]
    make_opportunity(title="Write SQL reports")
    saved_search_create(actor=alice, name="SQL", query=BrowseQuery(q="sql"))
    assert notify_saved_searches.call() == 0


def test_searches_with_notify_off_are_skipped(alice: User, make_opportunity) -> None:  # type: ignore[no-untyped-def]
    saved_search_create(actor=alice, name="Quiet", query=BrowseQuery(), notify_me=False)
    SavedSearch.objects.update(created_at=timezone.now() - timedelta(minutes=1))
    make_opportunity()
    assert notify_saved_searches.call() == 0
