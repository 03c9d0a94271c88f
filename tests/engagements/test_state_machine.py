"""A Hypothesis state machine over engagements and the real ledger: any sequence
of actions, by the right or the wrong person, keeps every invariant.

- the status is always one of the table's, and changes only as the table says;
- escrow never goes negative; it holds the funded amount while the engagement is
  open and nothing once it has ended (money in = money out);
- a paid engagement was released exactly once, and nothing leaves escrow twice;
- every ledger transaction's entries sum to zero, and cached balances match entries;
- the candidate's balance is exactly what their engagements released to them.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db.models import F
from hypothesis import HealthCheck
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from stint.core.errors import DomainError, Forbidden, NotFound
from stint.engagements import rules, services
from stint.engagements.models import Engagement, SplitProposal, Submission
from stint.orgs.services import organisation_create
from stint.payments.models import LedgerTransaction
from tests.applications.conftest import make_opportunity
from tests.engagements.conftest import (
    FEE,
    candidate_balance,
    candidate_share,
    escrow,
    funded_amount,
    ledger_is_balanced,
)
from tests.personas import make_user

pytestmark = pytest.mark.django_db

_n = itertools.count()
REFUSED = (DomainError, Forbidden, NotFound)
SIDES = st.sampled_from(["candidate", "employer", "admin", "outsider"])
AMOUNTS = st.sampled_from([0, 1, FEE // 3, FEE // 2, FEE - 1, FEE, FEE + 1])


class EngagementMachine(RuleBasedStateMachine):
    skills: Any = None
    capture: Any = None

    @initialize()
    def open_engagement(self) -> None:
        i = next(_n)
        self.candidate = make_user(f"cand{i}@example.com", candidate=True, name=f"Cand {i}")
        self.employer = make_user(f"boss{i}@example.com", name=f"Boss {i}")
        self.admin = make_user(f"admin{i}@stint.example", staff=True)
        self.outsider = make_user(f"out{i}@example.com")
        org = organisation_create(actor=self.employer, kind="employer", name=f"Org {i}")
        opportunity = make_opportunity(org, self.employer, self.skills, fee_minor=FEE)
        from tests.engagements.conftest import accept_offer

        with self.capture(execute=True):
            offer = accept_offer(self.candidate, self.employer, opportunity)
        self.e = Engagement.objects.get(offer=offer)
        self.released_to_candidate = 0

    def who(self, side: str) -> Any:
        return {
            "candidate": self.candidate,
            "employer": self.employer,
            "admin": self.admin,
            "outsider": self.outsider,
        }[side]

    def attempt(self, action: str, side: str, call: Any) -> bool:
        """Run `call`; check it succeeded exactly when the table allows it (state
        permitting) and that the status moved as the table says."""
        before = Engagement.objects.get(pk=self.e.pk).status
        try:
            call()
        except REFUSED:
            after = Engagement.objects.get(pk=self.e.pk).status
            assert after == before, (action, side, before, after)
            return False
        after = Engagement.objects.get(pk=self.e.pk).status
        assert rules.refusal(before, action, side) is None, (action, side, before)
        target = rules.target_of(before, action)
        if action in (rules.APPROVE, rules.AUTO_APPROVE):
            target = rules.target_of(target, rules.RELEASE)  # approve and release together
        assert after == target, (action, side, before, after)
        return True

    # --- The actions ------------------------------------------------------------------------

    @rule(side=SIDES)
    def start(self, side: str) -> None:
        self.attempt(
            rules.START,
            side,
            lambda: services.engagement_start(actor=self.who(side), engagement_id=self.e.pk),
        )

    @rule(side=SIDES)
    def submit(self, side: str) -> None:
        self.attempt(
            rules.SUBMIT,
            side,
            lambda: services.submission_create(
                actor=self.who(side), engagement_id=self.e.pk, text="work"
            ),
        )

    @rule(side=SIDES)
    def request_changes(self, side: str) -> None:
        self.attempt(
            rules.REQUEST_CHANGES,
            side,
            lambda: services.submission_request_changes(
                actor=self.who(side), engagement_id=self.e.pk, comments="again"
            ),
        )

    @rule(side=SIDES)
    def approve(self, side: str) -> None:
        if self.attempt(
            rules.APPROVE,
            side,
            lambda: services.submission_approve(actor=self.who(side), engagement_id=self.e.pk),
        ):
            self.released_to_candidate += candidate_share(FEE)

    @rule()
    def auto_approve(self) -> None:
        # Let the review window lapse for whatever is waiting, then run the sweep.
        days = settings.STINT_AUTO_APPROVE_DAYS
        Submission.objects.filter(engagement=self.e, decision="pending").update(
            created_at=F("created_at") - timedelta(days=days)
        )
        before = Engagement.objects.get(pk=self.e.pk).status
        services.engagements_auto_approve_due()
        after = Engagement.objects.get(pk=self.e.pk).status
        if before == rules.SUBMITTED:
            assert after == rules.PAID
            self.released_to_candidate += candidate_share(FEE)
        else:
            assert after == before

    @rule(side=SIDES)
    def cancel(self, side: str) -> None:
        self.attempt(
            rules.CANCEL,
            side,
            lambda: services.engagement_cancel(actor=self.who(side), engagement_id=self.e.pk),
        )

    @rule(side=SIDES, amount=AMOUNTS)
    def propose_split(self, side: str, amount: int) -> None:
        self.attempt(
            rules.PROPOSE_SPLIT,
            side,
            lambda: services.split_propose(
                actor=self.who(side), engagement_id=self.e.pk, to_candidate_minor=amount
            ),
        )

    @rule(side=SIDES)
    def accept_split(self, side: str) -> None:
        proposal = SplitProposal.objects.filter(engagement=self.e, status="pending").first()
        if proposal is None:
            return
        if self.attempt(
            rules.SETTLE,
            side,
            lambda: services.split_accept(
                actor=self.who(side), engagement_id=self.e.pk, proposal_id=proposal.pk
            ),
        ):
            assert side != proposal.side
            self.released_to_candidate += candidate_share(proposal.to_candidate_minor)

    @rule(side=SIDES)
    def decline_split(self, side: str) -> None:
        proposal = SplitProposal.objects.filter(engagement=self.e, status="pending").first()
        if proposal is None:
            return
        try:
            services.split_decline(
                actor=self.who(side), engagement_id=self.e.pk, proposal_id=proposal.pk
            )
        except REFUSED:
            return

    @rule(side=SIDES)
    def dispute(self, side: str) -> None:
        self.attempt(
            rules.DISPUTE,
            side,
            lambda: services.dispute_open(
                actor=self.who(side), engagement_id=self.e.pk, statement="no"
            ),
        )

    @rule(side=SIDES)
    def respond(self, side: str) -> None:
        try:
            services.dispute_respond(actor=self.who(side), engagement_id=self.e.pk, statement="yes")
        except REFUSED:
            return

    @rule(side=SIDES, amount=AMOUNTS)
    def resolve(self, side: str, amount: int) -> None:
        if self.attempt(
            rules.RESOLVE,
            side,
            lambda: services.dispute_resolve(
                actor=self.who(side),
                engagement_id=self.e.pk,
                to_candidate_minor=amount,
                resolution="decided",
            ),
        ):
            self.released_to_candidate += candidate_share(amount)

    # --- The invariants ---------------------------------------------------------------------

    @invariant()
    def money_and_states_agree(self) -> None:
        if not hasattr(self, "e"):
            return
        e = Engagement.objects.get(pk=self.e.pk)
        assert e.status in rules.STATUSES
        held = escrow(e)
        assert held >= 0
        if e.status in rules.TERMINAL:
            assert held == 0  # everything that came in went out
        else:
            assert held == funded_amount()  # nothing left before the end
        txs = LedgerTransaction.objects.filter(ref=e.ledger_ref)
        assert txs.filter(kind="escrow_fund").count() == 1
        outgoing = txs.exclude(kind="escrow_fund")
        assert outgoing.count() == (1 if e.status in rules.TERMINAL else 0)
        releases = txs.filter(kind="escrow_release").count()
        assert releases == (1 if e.status == rules.PAID else 0)
        if e.status == rules.PAID:
            assert e.paid_at and e.approved_at and e.released_minor == FEE
        assert candidate_balance(self.candidate) == self.released_to_candidate
        ledger_is_balanced()


def test_any_sequence_keeps_the_invariants(
    esco_skills: Any, django_capture_on_commit_callbacks: Any
) -> None:
    EngagementMachine.skills = esco_skills
    EngagementMachine.capture = django_capture_on_commit_callbacks
    machine = EngagementMachine.TestCase
    machine.settings = hsettings(
        max_examples=15,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine().runTest()
