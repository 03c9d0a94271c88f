"""The scheduled funding retry survives one bad row (issue 15 item 6): a row
that fails unexpectedly is logged and counted, and the others are still funded."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from stint.accounts.models import User
from stint.core import metrics
from stint.core.errors import DomainError
from stint.engagements import services
from stint.engagements.models import Engagement
from stint.orgs.models import Organisation
from tests.engagements.conftest import (  # noqa: F401  (fixtures reused)
    accept_offer,
    esco_skills,
    frank,
    make_opportunity,
)

pytestmark = pytest.mark.django_db


def test_one_overflowing_row_does_not_stop_the_funding_retry(
    alice: User,
    frank: User,  # noqa: F811
    bob: User,
    acme: Organisation,
    esco_skills: list[dict[str, str]],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from stint.payments import services as payments

    real_fund = payments.escrow_fund

    def declined(**kwargs: Any) -> Any:
        raise DomainError("payment_declined", "The payment was declined.")

    monkeypatch.setattr(payments, "escrow_fund", declined)
    engagements = []
    for candidate, title in ((alice, "Data cleanup"), (frank, "Price scraper")):
        o = make_opportunity(acme, bob, esco_skills, title=title, fee_minor=50_000)
        offer = accept_offer(candidate, bob, o)
        with pytest.raises(DomainError):
            services.engagement_open_from_offer(offer_id=offer.pk)
        engagements.append(Engagement.objects.get(offer=offer))
    bad, good = engagements

    def overflowing(**kwargs: Any) -> Any:
        if kwargs["ref"] == bad.ledger_ref:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real_fund(**kwargs)

    monkeypatch.setattr(payments, "escrow_fund", overflowing)
    metrics.reset()
    with caplog.at_level(logging.ERROR, logger="stint.jobs"):
        assert services.engagements_fund_pending() == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.funded_at is not None and bad.funded_at is None
    assert any(str(bad.pk) in r.getMessage() for r in caplog.records)
    assert re.search(
        r'stint_job_row_failures_total\{job="engagements.fund_pending"[^}]*\} 1', metrics.render()
    )
