"""Audit privileged changes made in lower apps that do not call moderation:
organisation verification and memberships (orgs), admin and active flags on
users (accounts) and Django admin site changes. Model signals carry no actor,
so the actor and IP come from the current request (see middleware.py); outside
a request (shell, tasks) the actor is empty. The receivers only write the
audit entry (docs/decisions/0004: lower apps do not call upward)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from stint.accounts.models import User
from stint.moderation.services import audit_record
from stint.orgs.models import InstitutionDomain, Invitation, Membership, Organisation

_WATCHED_USER_FIELDS = ("is_staff", "is_superuser", "is_active")


def _remember(instance: Any, fields: tuple[str, ...]) -> None:
    if instance.pk is None:
        instance._audit_before = None
        return
    row = type(instance).objects.filter(pk=instance.pk).values(*fields).first()
    instance._audit_before = row


@receiver(pre_save, sender=Organisation)
def _org_before(sender: Any, instance: Organisation, **kwargs: Any) -> None:
    _remember(instance, ("verified_at",))


@receiver(post_save, sender=Organisation)
def _org_after(sender: Any, instance: Organisation, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        return
    was, now = before["verified_at"] is not None, instance.verified_at is not None
    if was != now:
        audit_record(
            action="organisation.verified" if now else "organisation.unverified",
            target_type="organisation",
            target_id=instance.pk,
            before={"verified": was},
            after={"verified": now},
        )


@receiver(pre_save, sender=Membership)
def _membership_before(sender: Any, instance: Membership, **kwargs: Any) -> None:
    _remember(instance, ("role",))


@receiver(post_save, sender=Membership)
def _membership_after(sender: Any, instance: Membership, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if created:
        audit_record(
            action="membership.created",
            target_type="membership",
            target_id=instance.pk,
            after={
                "organisation": instance.organisation_id,
                "user": instance.user_id,
                "role": instance.role,
            },
        )
    elif before is not None and before["role"] != instance.role:
        audit_record(
            action="membership.role_changed",
            target_type="membership",
            target_id=instance.pk,
            before={"role": before["role"]},
            after={
                "role": instance.role,
                "organisation": instance.organisation_id,
                "user": instance.user_id,
            },
        )


@receiver(post_delete, sender=Membership)
def _membership_removed(sender: Any, instance: Membership, **kwargs: Any) -> None:
    audit_record(
        action="membership.removed",
        target_type="membership",
        target_id=instance.pk,
        before={
            "organisation": instance.organisation_id,
            "user": instance.user_id,
            "role": instance.role,
        },
    )


@receiver(pre_save, sender=Invitation)
def _invitation_before(sender: Any, instance: Invitation, **kwargs: Any) -> None:
    _remember(instance, ("revoked_at", "accepted_at"))


@receiver(post_save, sender=Invitation)
def _invitation_after(sender: Any, instance: Invitation, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if created:
        action = "invitation.created"
    elif before is not None and before["revoked_at"] is None and instance.revoked_at:
        action = "invitation.revoked"
    else:
        return
    audit_record(
        action=action,
        target_type="invitation",
        target_id=instance.pk,
        after={"organisation": instance.organisation_id, "role": instance.role},
    )


@receiver(pre_save, sender=InstitutionDomain)
def _domain_before(sender: Any, instance: InstitutionDomain, **kwargs: Any) -> None:
    _remember(instance, ("verified_at",))


@receiver(post_save, sender=InstitutionDomain)
def _domain_after(sender: Any, instance: InstitutionDomain, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if before is not None and before["verified_at"] is None and instance.verified_at:
        audit_record(
            action="institution_domain.verified",
            target_type="institution_domain",
            target_id=instance.pk,
            after={"organisation": instance.organisation_id, "domain": instance.domain},
        )


@receiver(pre_save, sender=User)
def _user_before(sender: Any, instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not set(update_fields) & set(_WATCHED_USER_FIELDS):
        instance._audit_before = None  # e.g. last_login: nothing to watch, no query
        return
    _remember(instance, _WATCHED_USER_FIELDS)


@receiver(post_save, sender=User)
def _user_after(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        return
    changed = {
        f: getattr(instance, f) for f in _WATCHED_USER_FIELDS if before[f] != getattr(instance, f)
    }
    # Suspensions through moderation audit themselves with the reason; this catches the rest.
    if changed and not getattr(instance, "_audit_skip", False):
        audit_record(
            action="user.flags_changed",
            target_type="user",
            target_id=instance.pk,
            before={f: before[f] for f in changed},
            after=changed,
        )


@receiver(post_save, sender=LogEntry)
def _admin_site_change(sender: Any, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    verb = {1: "added", 2: "changed", 3: "deleted"}.get(instance.action_flag, "other")
    audit_record(
        actor=instance.user,
        action=f"admin.{verb}",
        target_type=instance.content_type.model if instance.content_type else "unknown",
        target_id=instance.object_id or "",
        after={"repr": instance.object_repr[:200], "change": instance.get_change_message()[:500]},
    )
