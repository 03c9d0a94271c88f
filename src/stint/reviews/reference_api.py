"""The references API: part of reviews (ADR 0018); its operationIds, once kept from
the growth area, are `reviews.reference_*` since issue 16 item 7."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from stint.core.schemas import ERRORS
from stint.reviews import references, selectors
from stint.reviews.models import Reference, ReferenceShare
from stint.reviews.schemas import (
    ReferenceDeclineIn,
    ReferenceOut,
    ReferenceRequestIn,
    ReferenceVisibilityIn,
    ReferenceWriteIn,
    SharedReferenceOut,
    ShareIn,
    ShareOut,
)

router = Router()


def _share(s: ReferenceShare, url: str | None = None) -> ShareOut:
    return ShareOut(
        id=s.pk,
        recipient=s.recipient,
        expires_at=s.expires_at,
        revoked=s.revoked_at is not None,
        url=url,
    )


def reference_out(r: Reference, side: str) -> ReferenceOut:
    return ReferenceOut(
        id=r.pk,
        engagement_id=r.engagement_id,
        engagement_title=r.engagement.title,
        employer=r.employer.name,
        candidate=r.candidate.display_name,
        status=r.status,
        message=r.message,
        text=r.text,
        decline_reason=r.decline_reason,
        visibility=r.visibility,
        created_at=r.created_at,
        decided_at=r.decided_at,
        shares=[_share(s) for s in r.shares.all()] if side == "candidate" else [],
    )


@router.post(
    "/engagements/{engagement_id}/references",
    response={201: ReferenceOut, **ERRORS},
    summary="Candidate: ask the employer for a reference",
)
def reference_request(
    request: HttpRequest, engagement_id: int, payload: ReferenceRequestIn
) -> Status[ReferenceOut]:
    """Ask the employer of a completed engagement for a written reference. The candidate only;
    work not approved yet is 422 `not_completed`."""
    ref = references.reference_request(
        actor=request.user, engagement_id=engagement_id, message=payload.message
    )
    return Status(201, reference_out(ref, "candidate"))


@router.get(
    "/references",
    response={200: list[ReferenceOut], **ERRORS},
    summary="Your references, and those your employers were asked for",
)
def reference_list(request: HttpRequest) -> list[ReferenceOut]:
    """References you asked for as a candidate, and those your employers were asked to write."""
    groups = selectors.references_for(request.user)
    return [reference_out(r, "candidate") for r in groups["mine"]] + [
        reference_out(r, "employer") for r in groups["to_write"] + groups["written"]
    ]


@router.get(
    "/references/{reference_id}",
    response={200: ReferenceOut, **ERRORS},
    summary="One reference",
)
def reference_get(request: HttpRequest, reference_id: int) -> ReferenceOut:
    """One reference. Its candidate or the employer's team (404 otherwise)."""
    ref, side = selectors.access_reference(actor=request.user, reference_id=reference_id)
    return reference_out(ref, side)


@router.post(
    "/references/{reference_id}/write",
    response={200: ReferenceOut, **ERRORS},
    summary="Employer: write the reference",
)
def reference_write(
    request: HttpRequest, reference_id: int, payload: ReferenceWriteIn
) -> ReferenceOut:
    """Write the reference a past intern asked for. Members of the employer only; a reference
    already written or declined is 409 `not_requested`."""
    ref = references.reference_write(
        actor=request.user, reference_id=reference_id, text=payload.text
    )
    return reference_out(ref, "employer")


@router.post(
    "/references/{reference_id}/decline",
    response={200: ReferenceOut, **ERRORS},
    summary="Employer: decline to write it",
)
def reference_decline(
    request: HttpRequest, reference_id: int, payload: ReferenceDeclineIn
) -> ReferenceOut:
    """Decline to write a reference. Members of the employer only; a reference already answered
    is 409 `not_requested`."""
    ref = references.reference_decline(
        actor=request.user, reference_id=reference_id, reason=payload.reason
    )
    return reference_out(ref, "employer")


@router.patch(
    "/references/{reference_id}",
    response={200: ReferenceOut, **ERRORS},
    summary="Candidate: who sees it (private or on your portfolio)",
)
def reference_visibility(
    request: HttpRequest, reference_id: int, payload: ReferenceVisibilityIn
) -> ReferenceOut:
    """Choose who sees a written reference: private, or shown on your portfolio. The candidate
    only; a reference not written yet is 422 `not_written`."""
    ref = references.reference_set_visibility(
        actor=request.user, reference_id=reference_id, visibility=payload.visibility
    )
    return reference_out(ref, "candidate")


@router.post(
    "/references/{reference_id}/shares",
    response={201: ShareOut, **ERRORS},
    summary="Candidate: an expiring link for a future employer",
)
def share_create(request: HttpRequest, reference_id: int, payload: ShareIn) -> Status[ShareOut]:
    """Make an expiring link to a written reference for a future employer. The candidate only;
    a reference not written yet is 422 `not_written`."""
    created = references.reference_share_create(
        actor=request.user,
        reference_id=reference_id,
        days=payload.days,
        recipient=payload.recipient,
    )
    return Status(201, _share(created.share, request.build_absolute_uri(created.url)))


@router.delete(
    "/reference-shares/{share_id}",
    response={200: ShareOut, **ERRORS},
    summary="Candidate: revoke a link",
)
def share_revoke(request: HttpRequest, share_id: int) -> ShareOut:
    """Revoke a reference link so it stops working at once. The candidate only."""
    return _share(references.reference_share_revoke(actor=request.user, share_id=share_id))


@router.get(
    "/shared-references/{token}",
    response={200: SharedReferenceOut, **ERRORS},
    auth=None,
    summary="Anyone with a live link: the shared reference (404 when expired or revoked)",
)
def shared_reference(request: HttpRequest, token: str) -> SharedReferenceOut:
    """The shared reference, for anyone holding a live link. An expired or revoked link is 404."""
    ref = references.reference_by_token(token)
    return SharedReferenceOut(
        employer=ref.employer.name,
        candidate=ref.candidate.display_name,
        engagement_title=ref.engagement.title,
        text=ref.text,
        written_at=ref.decided_at,
    )
