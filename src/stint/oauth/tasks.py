from __future__ import annotations

from django_tasks import task
from oauth2_provider.models import clear_expired


@task()
def clear_expired_tokens() -> None:
    """Delete expired OAuth access tokens, spent refresh tokens and stale codes
    (DOT's `cleartokens`; scheduled daily)."""
    clear_expired()
