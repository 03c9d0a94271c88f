"""Setting a program up: the program itself, its ranking window, and the opportunities
proposed by one side (institution or employer) and agreed by the other."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from stint.accounts.models import User
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.core.text import single_line
from stint.notifications.services import notify
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.opportunities.selectors import visible_to_institution_q
from stint.orgs.models import Membership, Organisation, OrgKind
from stint.programs import rules
from stint.programs.models import (
    PriorityMode,
    Program,
    ProgramOpportunity,
    ProgramStatus,
    ProposalStatus,
    Side,
)
from stint.programs.selectors import access_entry, access_program


def _clean_name(name: str) -> str:
    name = single_line(name, "name")
    if len(name) < 3:
        raise DomainError(
            "name_required", "Give the program a name of at least 3 characters.", "name"
        )
    if len(name) > 140:
        raise DomainError("name_too_long", "Program names are at most 140 characters.", "name")
    return name


def _check_credits(credit_bearing: bool, credits: int) -> None:
    if credits < 0 or credits > 60:
        raise DomainError("bad_credits", "Credits are between 0 and 60.", "credits")
    if credit_bearing and credits == 0:
        raise DomainError(
            "credits_required", "A credit-bearing program awards at least 1 credit.", "credits"
        )


@transaction.atomic
def program_create(
    *,
    actor: User,
    institution_id: int,
    name: str,
    description: str = "",
    credit_bearing: bool = False,
    credits: int = 0,
    priority_mode: str = PriorityMode.NONE,
) -> Program:
    institution = Organisation.objects.filter(pk=institution_id).first()
    if (
        institution is None
        or not actor.is_authenticated
        or not Membership.objects.filter(user=actor, organisation=institution).exists()
    ):
        raise DomainError(
            "no_institution", "Choose an institution you are staff of.", "institution_id"
        )
    if institution.kind != OrgKind.INSTITUTION:
        raise DomainError(
            "not_institution", "Only institutions run cohort programs.", "institution_id"
        )
    if priority_mode not in PriorityMode.values:
        raise DomainError(
            "bad_priority_mode", "Choose none, tie_break or override.", "priority_mode"
        )
    _check_credits(credit_bearing, credits)
    if len(description) > 5000:
        raise DomainError(
            "description_too_long", "Descriptions are at most 5000 characters.", "description"
        )
    return Program.objects.create(
        institution=institution,
        name=_clean_name(name),
        description=description.strip(),
        credit_bearing=credit_bearing,
        credits=credits if credit_bearing else 0,
        priority_mode=priority_mode,
        created_by=actor,
    )


@transaction.atomic
def program_window_open(
    *, actor: User, program_id: int, opens: datetime, closes: datetime
) -> Program:
    """Set the ranking window; the program moves from draft to ranking."""
    program = access_program(actor=actor, program_id=program_id, role="staff", for_update=True)
    p = program.program
    if p.status not in (ProgramStatus.DRAFT, ProgramStatus.RANKING):
        raise ConflictError("not_editable", f"The program is {p.status}; ranking is over.")
    refusal = rules.window_refusal(opens, closes)
    if refusal:
        raise DomainError("bad_window", refusal, "ranking_closes")
    if not ProgramOpportunity.objects.filter(program=p, status=ProposalStatus.ACCEPTED).exists():
        raise DomainError(
            "no_opportunities",
            "Add at least one opportunity the employer has agreed to before opening ranking.",
            "ranking_opens",
        )
    p.ranking_opens, p.ranking_closes = opens, closes
    p.status = ProgramStatus.RANKING
    p.updated_at = timezone.now()
    p.save()
    return p


@transaction.atomic
def program_window_close(*, actor: User, program_id: int) -> Program:
    """Close ranking now (staff may end the window early)."""
    p = access_program(actor=actor, program_id=program_id, role="staff", for_update=True).program
    if p.status != ProgramStatus.RANKING:
        raise ConflictError("not_ranking", "Ranking is not open for this program.")
    now = timezone.now()
    if p.ranking_closes is None or p.ranking_closes > now:
        p.ranking_closes = now
        if p.ranking_opens is None or p.ranking_opens >= now:
            p.ranking_opens = now - timedelta(seconds=1)
        p.updated_at = now
        p.save()
    return p


# --- Opportunities: proposed by one side, agreed by the other ---------------------------


def _check_openings(opportunity: Opportunity, openings: int) -> None:
    if openings < 1:
        raise DomainError("bad_openings", "Offer at least one opening.", "openings")
    if openings > opportunity.openings_left:
        raise DomainError(
            "too_many_openings",
            f"{opportunity.title} has {opportunity.openings_left} opening(s) left.",
            "openings",
        )


@transaction.atomic
def entry_propose(
    *, actor: User, program_id: int, opportunity_id: int, openings: int = 1
) -> ProgramOpportunity:
    """Staff propose a partner employer's published opportunity (the employer agrees
    later), or a member of an employer already in the program offers one of its own
    (staff agree later)."""
    ratelimit.hit("entry_propose", actor)  # each proposal notifies an employer's team
    access = access_program(actor=actor, program_id=program_id, for_update=True)
    program = access.program
    refusal = rules.setup_refusal(program.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    # Only what the program's students may see: another institution's exclusive
    # posting is "no such opportunity", as for endorsements (ids never leak).
    opportunity = (
        Opportunity.objects.select_related("employer")
        .filter(visible_to_institution_q(program.institution_id), pk=opportunity_id)
        .first()
    )
    if opportunity is None:
        raise DomainError("no_opportunity", "No such opportunity.", "opportunity_id")
    if access.is_staff:
        side = Side.INSTITUTION
    elif opportunity.employer_id in access.employer_ids:
        side = Side.EMPLOYER
    else:
        raise DomainError(
            "no_opportunity", "Choose one of your organisation's opportunities.", "opportunity_id"
        )
    if opportunity.status != OpportunityStatus.PUBLISHED or not opportunity.employer.is_verified:
        raise DomainError(
            "not_published",
            "Only published opportunities of verified employers can join a program.",
            "opportunity_id",
        )
    _check_openings(opportunity, openings)
    if ProgramOpportunity.objects.filter(program=program, opportunity=opportunity).exists():
        raise ConflictError(
            "already_in_program", "This opportunity is already in the program.", "opportunity_id"
        )
    entry = ProgramOpportunity.objects.create(
        program=program,
        opportunity=opportunity,
        openings=openings,
        proposed_by_side=side,
        proposed_by=actor,
    )
    if side == Side.INSTITUTION:
        # Straight to the entry on the employer's page, where they agree or decline.
        url = reverse("program_employer", args=[program.pk]) + f"#e-{entry.pk}"
        for m in Membership.objects.filter(organisation_id=opportunity.employer_id).select_related(
            "user"
        ):
            notify(
                user=m.user,
                kind="program.proposal",
                title=f"{program.institution.name} invites {opportunity.title} to {program.name}",
                body="Agree or decline on the program page.",
                url=url,
            )
    return entry


@transaction.atomic
def entry_decide(*, actor: User, entry_id: int, accept: bool) -> ProgramOpportunity:
    """The side that did not propose agrees to (or declines) the opportunity."""
    entry, access = access_entry(actor=actor, entry_id=entry_id, for_update=True)
    if entry.status != ProposalStatus.PROPOSED:
        raise ConflictError("already_decided", f"This proposal is already {entry.status}.")
    refusal = rules.setup_refusal(access.program.status)
    if refusal:
        raise ConflictError("not_editable", refusal)
    deciding_side = (
        Side.EMPLOYER if entry.proposed_by_side == Side.INSTITUTION else Side.INSTITUTION
    )
    allowed = (
        entry.opportunity.employer_id in access.employer_ids
        if deciding_side == Side.EMPLOYER
        else access.is_staff
    )
    if not allowed:
        raise Forbidden(f"The {deciding_side} decides on this proposal.")
    if accept:
        _check_openings(entry.opportunity, entry.openings)
    entry.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.DECLINED
    entry.decided_by = actor
    entry.decided_at = timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    return entry
