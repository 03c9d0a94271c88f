"""Background work for opportunities: telling people about new matches for
their saved searches. Idempotent; each search is handled in its own transaction."""

from __future__ import annotations

from django_tasks import task

from stint.opportunities.models import SavedSearch
from stint.opportunities.services import saved_search_notify


@task()
def notify_saved_searches() -> int:
    """Run periodically (e.g. hourly): one notification per saved search with
    new matches since its last notice. Returns how many searches notified."""
    notified = 0
    for search_id in SavedSearch.objects.filter(notify=True).values_list("pk", flat=True):
        if saved_search_notify(saved_search_id=search_id):
            notified += 1
    return notified
