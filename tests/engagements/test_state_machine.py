"""A Hypothesis state machine over engagements and the real ledger: any sequence
of actions, by the right or the wrong person, keeps every invariant.

- the status is always one of the table's, and changes only as the table says
  (with milestones: each milestone moves by MILESTONE_TRANSITIONS and the
  engagement follows them);
- escrow never goes negative; while the engagement is open it holds the funded
  amount less exactly what approved milestones released, and nothing once it has
  ended; what was paid out plus what was refunded is what was funded;
- a paid engagement was released exactly once (or once per milestone), and nothing
  leaves escrow twice;
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
from stint.engagements.models import Engagement, Milestone, SplitProposal, Submission
from stint.orgs.services import organisation_create
from stint.payments import rules as payment_rules
from stint.payments.models import Entry, LedgerTransaction
from tests.applications.conftest import make_opportunity
from tests.engagements.conftest import (
    FEE,
    SHARES,
    candidate_balance,
    candidate_share,
    candidate_share_of_parts,
    escrow,
    funded_amount,
    ledger_is_balanced,
    out_of_escrow,
)
from tests.personas import make_user

pytestmark = pytest.mark.django_db

_n = itertools.count()
REFUSED = (DomainError, Forbidden, NotFound)
SIDES = st.sampled_from(["candidate", "employer", "admin", "outsider"])
AMOUNTS = st.sampled_from([0, 1, FEE // 3, FEE // 2, FEE - 1, FEE, FEE + 1])
PLANS = st.sampled_from([(), (FEE,), (20_000, 30_000), SHARES, (1, FEE - 2, 1)])
# Which milestone: 0 is the first one the table lets this action move (so that long
# paths are reached), 1..3 the one at that position (possibly none: a made-up id).
PICKS = st.integers(0, 3)
# The milestone rules are tried more often by the two sides that may move them.
WORKERS = st.sampled_from(["candidate", "employer", "candidate", "employer", "admin", "outsider"])


def terms() -> payment_rules.Terms:
    """The escrow's terms, as the ledger froze them when funding."""
    platform_fee = FEE * settings.STINT_PLATFORM_FEE_BPS // 10_000
    return payment_rules.Terms(
        funded=funded_amount(),
        fee=FEE,
        platform_fee=platform_fee,
        payer=settings.STINT_PLATFORM_FEE_PAYER,
    )


class EngagementMachine(RuleBasedStateMachine):
    skills: Any = None
    capture: Any = None

    @initialize(plan=PLANS, head_start=st.sampled_from(["none", "started", "one_paid"]))
    def open_engagement(self, plan: tuple[int, ...] = (), head_start: str = "none") -> None:
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
        self.released_to_candidate = 0  # by whole approvals, splits and resolutions
        self.released_by_milestones = 0  # of the fee, by approved milestones
        if plan:  # paid milestone by milestone once started (set_milestones may change it)
            services.milestones_set(
                actor=self.employer,
                engagement_id=self.e.pk,
                milestones=[services.MilestoneIn(f"M{i}", a) for i, a in enumerate(plan)],
            )
        # Some runs begin with the work under way, or with a milestone paid, to reach
        # deeper states (ending early after a partial release) more often.
        if head_start != "none":
            services.engagement_start(actor=self.candidate, engagement_id=self.e.pk)
        if head_start == "one_paid" and len(plan) > 1:
            first = Milestone.objects.get(engagement=self.e, position=1)
            services.submission_create(
                actor=self.candidate, engagement_id=self.e.pk, text="1", milestone_id=first.pk
            )
            services.submission_approve(
                actor=self.employer, engagement_id=self.e.pk, milestone_id=first.pk
            )
            self.released_by_milestones += first.amount_minor

    def who(self, side: str) -> Any:
        return {
            "candidate": self.candidate,
            "employer": self.employer,
            "admin": self.admin,
            "outsider": self.outsider,
        }[side]

    def expected_candidate(self) -> int:
        return self.released_to_candidate + candidate_share_of_parts(self.released_by_milestones)

    def split_share(self, amount: int) -> int:
        """What the candidate nets from a split of what is left in escrow now."""
        left = escrow(Engagement.objects.get(pk=self.e.pk))
        return payment_rules.split_parts(left, amount, terms())[0] if left else 0

    def milestone(self, pick: int, action: str) -> Milestone | None:
        ms = list(Milestone.objects.filter(engagement=self.e).order_by("position"))
        if pick == 0:
            movable = [m for m in ms if rules.milestone_target_of(m.status, action)]
            return (movable or ms or [None])[0]
        return ms[pick - 1] if pick <= len(ms) else None

    def attempt_milestone(self, action: str, side: str, pick: int, call: Any) -> bool:
        """Run `call` on a milestone; check it succeeded exactly when the milestone
        table allows it (submit and approve: always; changes: rounds permitting), and
        that the milestone moved as the table says and the engagement followed."""
        e = Engagement.objects.get(pk=self.e.pk)
        m = self.milestone(pick, action)
        before_m = m.status if m else None
        allowed = (
            m is not None
            and e.by_milestone
            and e.funded_at is not None
            and rules.milestone_refusal(e.status, m.status, action, side) is None
        )
        try:
            call(m.pk if m else 10**9)
        except REFUSED:
            assert Engagement.objects.get(pk=e.pk).status == e.status
            if m is not None:
                m.refresh_from_db()
                assert m.status == before_m
            assert not (allowed and action in (rules.SUBMIT, rules.APPROVE)), (action, side)
            return False
        assert allowed and m is not None, (action, side, e.status, before_m)
        m.refresh_from_db()
        assert m.status == rules.milestone_target_of(before_m, action)
        statuses = list(Milestone.objects.filter(engagement=e).values_list("status", flat=True))
        target = rules.status_from_milestones(statuses)
        if target == rules.APPROVED:
            target = rules.PAID  # the last approval releases and pays
        assert Engagement.objects.get(pk=e.pk).status == target
        return True

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
        if action in (rules.SUBMIT, rules.APPROVE, rules.REQUEST_CHANGES):
            assert not Engagement.objects.get(pk=self.e.pk).by_milestone
        return True

    # --- The actions ------------------------------------------------------------------------

    @rule(side=SIDES, plan=PLANS)
    def set_milestones(self, side: str, plan: tuple[int, ...]) -> None:
        before = Engagement.objects.get(pk=self.e.pk)
        try:
            services.milestones_set(
                actor=self.who(side),
                engagement_id=self.e.pk,
                milestones=[services.MilestoneIn(f"M{i}", a) for i, a in enumerate(plan)],
            )
        except REFUSED:
            return
        assert side == "employer" and before.status == rules.FUNDED
        assert Milestone.objects.filter(engagement=self.e).count() == len(plan)

    @rule(side=WORKERS, pick=PICKS)
    def submit_milestone(self, side: str, pick: int) -> None:
        self.attempt_milestone(
            rules.SUBMIT,
            side,
            pick,
            lambda mid: services.submission_create(
                actor=self.who(side), engagement_id=self.e.pk, text="part", milestone_id=mid
            ),
        )

    @rule(side=WORKERS, pick=PICKS)
    def request_milestone_changes(self, side: str, pick: int) -> None:
        self.attempt_milestone(
            rules.REQUEST_CHANGES,
            side,
            pick,
            lambda mid: services.submission_request_changes(
                actor=self.who(side), engagement_id=self.e.pk, comments="redo", milestone_id=mid
            ),
        )

    @rule(side=WORKERS, pick=PICKS)
    def approve_milestone(self, side: str, pick: int) -> None:
        m = self.milestone(pick, rules.APPROVE)
        if self.attempt_milestone(
            rules.APPROVE,
            side,
            pick,
            lambda mid: services.submission_approve(
                actor=self.who(side), engagement_id=self.e.pk, milestone_id=mid
            ),
        ):
            assert m is not None
            self.released_by_milestones += m.amount_minor

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
        e = Engagement.objects.get(pk=self.e.pk)
        before = e.status
        waiting = list(Milestone.objects.filter(engagement=e, status="submitted"))
        services.engagements_auto_approve_due()
        after = Engagement.objects.get(pk=self.e.pk).status
        if before == rules.SUBMITTED and e.by_milestone:
            # Every milestone waiting for review is approved and its share released.
            for m in waiting:
                m.refresh_from_db()
                assert m.status == "approved" and m.auto_approved
                self.released_by_milestones += m.amount_minor
            statuses = list(Milestone.objects.filter(engagement=e).values_list("status", flat=True))
            target = rules.status_from_milestones(statuses)
            assert after == (rules.PAID if target == rules.APPROVED else target)
        elif before == rules.SUBMITTED:
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
        share = self.split_share(proposal.to_candidate_minor)
        if self.attempt(
            rules.SETTLE,
            side,
            lambda: services.split_accept(
                actor=self.who(side), engagement_id=self.e.pk, proposal_id=proposal.pk
            ),
        ):
            assert side != proposal.side
            self.released_to_candidate += share

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
        share = self.split_share(amount) if amount <= FEE - self.released_by_milestones else 0
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
            assert amount <= FEE - self.released_by_milestones
            self.released_to_candidate += share

    # --- The invariants ---------------------------------------------------------------------

    @invariant()
    def money_and_states_agree(self) -> None:
        if not hasattr(self, "e"):
            return
        e = Engagement.objects.get(pk=self.e.pk)
        assert e.status in rules.STATUSES
        milestones = list(Milestone.objects.filter(engagement=e).order_by("position"))
        approved = [m for m in milestones if m.status == "approved"]
        assert sum(m.amount_minor for m in approved) == self.released_by_milestones
        if not e.by_milestone:
            assert not approved
        held = escrow(e)
        assert held >= 0
        if e.status in rules.TERMINAL:
            assert held == 0  # everything that came in went out
        else:
            # Nothing left before the end but exactly the approved milestones' shares.
            assert held == funded_amount() - out_of_escrow(self.released_by_milestones)
        txs = LedgerTransaction.objects.filter(ref=e.ledger_ref)
        assert txs.filter(kind="escrow_fund").count() == 1
        releases = txs.filter(kind="escrow_release")
        if e.by_milestone:
            assert releases.count() == len(approved)
            keys = set(releases.values_list("idempotency_key", flat=True))
            assert keys == {f"release:{e.pk}:m{m.pk}" for m in approved}
        else:
            assert releases.count() == (1 if e.status == rules.PAID else 0)
        endings = txs.filter(kind__in=["refund", "partial_release"]).count()
        assert endings == (1 if e.status in (rules.CANCELLED, rules.RESOLVED) else 0)
        # Paid out (to the candidate and the platform) + refunded == funded, at the end.
        out = Entry.objects.filter(transaction__in=txs.exclude(kind="escrow_fund"), amount__gt=0)
        assert sum(out.values_list("amount", flat=True)) + held == funded_amount()
        for m in milestones:
            assert (m.status == "approved") == (m.released_at is not None)
        if e.by_milestone and e.status in rules.WORKING:
            assert e.status == rules.status_from_milestones([m.status for m in milestones])
        if e.by_milestone and e.status in rules.WORKING:
            assert (e.released_minor or 0) == self.released_by_milestones
        if e.status == rules.PAID:
            assert e.paid_at and e.approved_at and e.released_minor == FEE
            assert len(approved) == len(milestones) or not e.by_milestone
        if e.status in (rules.CANCELLED, rules.RESOLVED):
            assert e.released_minor is not None
            assert e.released_minor >= self.released_by_milestones
        assert candidate_balance(self.candidate) == self.expected_candidate()
        ledger_is_balanced()


@pytest.mark.parametrize("fee_payer", ["employer", "candidate"])
def test_any_sequence_keeps_the_invariants(
    esco_skills: Any, django_capture_on_commit_callbacks: Any, settings: Any, fee_payer: str
) -> None:
    settings.STINT_PLATFORM_FEE_PAYER = fee_payer
    EngagementMachine.skills = esco_skills
    EngagementMachine.capture = django_capture_on_commit_callbacks
    machine = EngagementMachine.TestCase
    machine.settings = hsettings(
        max_examples=20,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    machine().runTest()
