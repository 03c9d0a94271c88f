"""Reports: anyone reports a posting, a profile or a message they can see; a platform admin
resolves it: dismiss, warn or suspend its owner, take a posting down for review, or unverify an
employer."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from stint.accounts.models import User
from stint.applications.models import Message
from stint.applications.selectors import access_application
from stint.audit import services as audit
from stint.core import ratelimit
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.moderation import rules
from stint.moderation.models import Report, ReportStatus
from stint.moderation.services.common import _require_admin
from stint.notifications.services import notify
from stint.opportunities import services as opportunity_services
from stint.opportunities.models import Opportunity
from stint.opportunities.selectors import access_opportunity, is_member
from stint.orgs.services import organisation_set_verified
from stint.profiles.selectors import access_profile


def _check_target(actor: User, target_type: str, target_id: int) -> None:
    """The reporter must be able to see what they report (else NotFound: ids do
    not leak) and must not report their own things."""
    if target_type == "opportunity":
        opportunity = access_opportunity(actor=actor, opportunity_id=target_id)
        if is_member(actor, opportunity.employer_id):
            raise DomainError("own_target", "You cannot report your own posting.", "target_id")
    elif target_type == "profile":
        if target_id == actor.pk:
            raise DomainError("own_target", "You cannot report your own profile.", "target_id")
        access_profile(actor=actor, user_id=target_id)
    elif target_type == "message":
        message = Message.objects.filter(pk=target_id).first()
        if message is None:
            raise NotFound("No such message.")
        access_application(actor=actor, application_id=message.application_id)
        if message.sender_id == actor.pk:
            raise DomainError("own_target", "You cannot report your own message.", "target_id")
    else:
        raise DomainError(
            "bad_target_type", "You can report a posting, a profile or a message.", "target_type"
        )


@transaction.atomic
def report_create(
    *, actor: User, target_type: str, target_id: int, reason: str, text: str = ""
) -> Report:
    if not actor.is_authenticated:
        raise Forbidden("Log in to report.")
    ratelimit.hit("report_create", actor)
    if target_type not in rules.TARGET_TYPES:
        raise DomainError(
            "bad_target_type", "You can report a posting, a profile or a message.", "target_type"
        )
    if reason not in rules.REASONS:
        raise DomainError("bad_reason", "Choose one of the listed reasons.", "reason")
    text = text.strip()
    if len(text) > 2000:
        raise DomainError("text_too_long", "Keep it under 2000 characters.", "text")
    if reason == "other" and len(text) < 5:
        raise DomainError("text_required", "Tell us what is wrong.", "text")
    _check_target(actor, target_type, target_id)
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=actor,
                target_type=target_type,
                target_id=target_id,
                reason=reason,
                text=text,
            )
    except IntegrityError as exc:
        raise ConflictError(
            "already_reported", "You already reported this; moderators are on it."
        ) from exc


def target_owner(target_type: str, target_id: int) -> User | None:
    """Whom a warning or suspension concerns: the posting's author, the profile's
    owner, the message's sender."""
    if target_type == "opportunity":
        o = Opportunity.objects.select_related("created_by").filter(pk=target_id).first()
        return o.created_by if o else None
    if target_type == "profile":
        return User.objects.filter(pk=target_id).first()
    if target_type == "message":
        m = Message.objects.select_related("sender").filter(pk=target_id).first()
        return m.sender if m else None
    return None


def _warn(user: User, note: str) -> None:
    notify(
        user=user,
        kind="moderation.warning",
        title="A warning from Stint's moderators",
        body=note,
    )


@transaction.atomic
def user_set_active(*, actor: User, user_id: int, active: bool, reason: str = "") -> User:
    """Suspend (or restore) a user: a suspended user cannot log in or use tokens."""
    _require_admin(actor)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound("No such user.")
    if user.pk == actor.pk:
        raise DomainError("self_suspend", "You cannot suspend yourself.", "action")
    if user.is_staff and not active:
        raise DomainError(
            "suspend_admin",
            "Platform admins are not suspended here; remove admin rights first.",
            "action",
        )
    before = user.is_active
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="user.suspended" if not active else "user.restored",
        target=("user", user.pk),
        before={"is_active": before},
        after={"is_active": active, "reason": reason},
    )
    return user


@transaction.atomic
def report_resolve(*, actor: User, report_id: int, action: str, note: str = "") -> Report:
    """Act on an open report. Other open reports on the same target are closed
    with it. Every action (including dismissal) is audited."""
    _require_admin(actor)
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFound("No such report.")
    if report.status != ReportStatus.OPEN:
        raise ConflictError("not_open", f"This report is already {report.status}.")
    if not rules.action_allowed(report.target_type, action):
        raise DomainError("bad_action", "That action does not fit this report.", "action")
    note = note.strip()
    if rules.needs_note(action) and len(note) < 5:
        raise DomainError(
            "note_required", "Write a note: it is shown to the person concerned.", "note"
        )
    if len(note) > 2000:
        raise DomainError("note_too_long", "Keep the note under 2000 characters.", "note")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    owner = target_owner(report.target_type, report.target_id)
    if action == "hide_posting":
        o = Opportunity.objects.filter(pk=report.target_id).first()
        if o is None:
            raise NotFound("The posting no longer exists.")
        before["status"] = o.status
        held = opportunity_services.opportunity_hold_for_review(
            opportunity_id=o.pk,
            flags=[{"code": "reported", "field": "", "message": note}],
        )
        after["status"] = held.status
        if owner is not None:
            _warn(owner, f"Your posting “{o.title}” was taken down for review: {note}")
    elif action in ("warn", "suspend_user"):
        if owner is None:
            raise DomainError("no_owner", "Nobody to act on: the author is gone.", "action")
        if action == "warn":
            _warn(owner, note)
            after["warned_user"] = owner.pk
        else:
            user_set_active(actor=actor, user_id=owner.pk, active=False, reason=note)
            after["suspended_user"] = owner.pk
    elif action == "unverify_employer":
        o = Opportunity.objects.select_related("employer").filter(pk=report.target_id).first()
        if o is None:
            raise NotFound("The posting no longer exists.")
        before["verified"] = o.employer.is_verified
        organisation_set_verified(actor=actor, organisation_id=o.employer_id, verified=False)
        after["verified"] = False
        after["organisation"] = o.employer_id
    now = timezone.now()
    status = ReportStatus.DISMISSED if action == "dismiss" else ReportStatus.ACTIONED
    together = list(
        Report.objects.select_for_update()
        .filter(
            target_type=report.target_type, target_id=report.target_id, status=ReportStatus.OPEN
        )
        .values_list("pk", flat=True)
    )
    Report.objects.filter(pk__in=together).update(
        status=status, action=action, note=note, resolved_by=actor, resolved_at=now
    )
    audit.record(
        actor=actor,
        action=f"report.{action}",
        target=(report.target_type, report.target_id),
        before=before,
        after={**after, "reports": together, "note": note},
    )
    report.refresh_from_db()
    return report
