"""A platform admin's decision on a posting the screen held for review: approve (it is published)
or refuse with a reason the employer sees."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from stint.accounts.models import User
from stint.audit import services as audit
from stint.core.errors import ConflictError, DomainError, NotFound
from stint.moderation.models import PostingReview
from stint.moderation.services.common import _require_admin
from stint.notifications.services import notify
from stint.opportunities import services as opportunity_services
from stint.opportunities.models import Opportunity, OpportunityStatus
from stint.orgs.models import Membership, OrgRole


def _tell_poster(opportunity: Opportunity, title: str, body: str) -> None:
    members = Membership.objects.filter(
        organisation_id=opportunity.employer_id, role__in=[OrgRole.OWNER, OrgRole.ADMIN]
    ).select_related("user")
    recipients: dict[int, User] = {m.user_id: m.user for m in members}
    if opportunity.created_by is not None:
        recipients[opportunity.created_by.pk] = opportunity.created_by
    for user in recipients.values():
        if user.is_active:
            notify(
                user=user,
                kind="moderation.posting",
                title=title,
                body=body,
                url=reverse("opportunity_detail", args=[opportunity.pk]),
            )


def _held(opportunity_id: int) -> Opportunity:
    o = Opportunity.objects.select_related("created_by").filter(pk=opportunity_id).first()
    if o is None:
        raise NotFound("No such opportunity.")
    if o.status != OpportunityStatus.IN_REVIEW:
        raise ConflictError("not_in_review", "This opportunity is not waiting for review.")
    return o


@transaction.atomic
def posting_review_approve(*, actor: User, opportunity_id: int) -> Opportunity:
    _require_admin(actor)
    o = _held(opportunity_id)
    flags = list(o.review_flags or [])
    released = opportunity_services.opportunity_release_from_review(opportunity_id=o.pk)
    PostingReview.objects.create(
        opportunity=released, flags=flags, decision="approved", decided_by=actor
    )
    audit.record(
        actor=actor,
        action="posting.approved",
        target=("opportunity", o.pk),
        before={"status": "in_review", "flags": [f.get("code") for f in flags]},
        after={"status": released.status},
    )
    _tell_poster(
        released, f"“{o.title}” is published", "A platform admin reviewed and approved it."
    )
    return released


@transaction.atomic
def posting_review_refuse(*, actor: User, opportunity_id: int, reason: str) -> Opportunity:
    _require_admin(actor)
    reason = reason.strip()
    if len(reason) < 5:
        raise DomainError("reason_required", "Tell the employer what to change.", "reason")
    if len(reason) > 2000:
        raise DomainError("reason_too_long", "Keep the reason under 2000 characters.", "reason")
    o = _held(opportunity_id)
    flags = list(o.review_flags or [])
    refused = opportunity_services.opportunity_refuse_after_review(opportunity_id=o.pk)
    PostingReview.objects.create(
        opportunity=refused, flags=flags, decision="refused", reason=reason, decided_by=actor
    )
    audit.record(
        actor=actor,
        action="posting.refused",
        target=("opportunity", o.pk),
        before={"status": "in_review", "flags": [f.get("code") for f in flags]},
        after={"status": refused.status, "reason": reason},
    )
    _tell_poster(
        refused,
        f"“{o.title}” was not published",
        f"{reason}\n\n"
        + (
            "It is a draft again: edit it and publish once more."
            if refused.status == OpportunityStatus.DRAFT
            else "It is closed."
        ),
    )
    return refused
