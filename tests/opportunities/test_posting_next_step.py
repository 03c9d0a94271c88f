"""Issue 14, no dead ends: in every state of a posting its employer's page offers an
action or says what happens next (archived postings used to show nothing at all)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.opportunities.models import Opportunity, OpportunityStatus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", OpportunityStatus.values)
def test_every_posting_state_offers_an_action_or_says_what_happens_next(
    status: str,
    opportunity: Opportunity,
    bob: User,
    client_for: Callable[[User | None], Client],
    settings: Any,
) -> None:
    Opportunity.objects.filter(pk=opportunity.pk).update(status=status)
    html = client_for(bob).get(f"/opportunities/{opportunity.pk}/").content.decode()
    manage = html[
        html.index('id="manage-h"') : html.index("</section>", html.index('id="manage-h"'))
    ]
    has_action = '<button type="submit"' in manage
    says_next = 'id="posting-next"' in manage or 'id="posting-hold"' in manage
    assert has_action or says_next, (status, manage)
    if status in ("closed", "filled", "archived"):
        assert 'id="posting-next"' in manage
