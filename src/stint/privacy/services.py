"""Writes for privacy: data exports (a zip of every row and file that is the
user's) and account deletion (anonymise what others must keep, remove the
rest), plus the retention purge.

Privacy sits above every app; it reaches their models through the app
registry (`apps.get_model`) so that an app still being built, or removed,
only shrinks what is exported or erased."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from stint.accounts.models import User
from stint.audit import services as audit
from stint.audit.models import AuditEntry
from stint.core.errors import ConflictError, DomainError, Forbidden
from stint.core.tasks import enqueue_on_commit
from stint.privacy import rules
from stint.privacy.models import DataExport, ExportStatus

log = logging.getLogger(__name__)

# A row is the user's when one of these foreign keys to the user points at them.
# Secondary links (decided_by, verified_by, invited_by, resolved_by, …) do not make
# a row theirs: those rows hold other people's data.
OWNER_FIELDS = frozenset(
    {
        "user",
        "candidate",
        "student",
        "author",
        "sender",
        "reporter",
        "requested_by",
        "created_by",
        "submitted_by",
        "opened_by",
        "proposed_by",
    }
)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except LookupError:
        return None


# --- Export ----------------------------------------------------------------------------------


def _exportable_models() -> list[type[models.Model]]:
    out = []
    for model in apps.get_models():
        label = model._meta.label
        if label in rules.SKIPPED_MODELS:
            continue
        if model.__module__.startswith("stint.") or label == "account.EmailAddress":
            out.append(model)
    return out


def _user_fks(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model is User  # type: ignore[attr-defined]
    ]


def owned_rows(user: User) -> dict[str, list[models.Model]]:
    """Every row that is the user's, by model label: rows whose owner field
    points at them, and the child rows of those (one hop) that carry no link
    to any user (a profile's education, an application's answers)."""
    found: dict[str, list[models.Model]] = {"accounts.User": [user]}
    level1: dict[type[models.Model], set[Any]] = {}
    candidates = _exportable_models()
    for model in candidates:
        if model is User:
            continue
        owner = [f for f in _user_fks(model) if f.name in OWNER_FIELDS]
        if not owner:
            continue
        q = Q()
        for f in owner:
            q |= Q(**{f.name: user})
        rows = list(model._default_manager.filter(q).order_by("pk"))
        if rows:
            found[model._meta.label] = rows
            level1[model] = {r.pk for r in rows}
    for model in candidates:
        if model is User or _user_fks(model) or model._meta.label in found:
            continue
        q = Q()
        matched = False
        for f in model._meta.concrete_fields:
            parent = getattr(f, "related_model", None)
            if f.is_relation and parent in level1:
                q |= Q(**{f"{f.name}__in": level1[parent]})
                matched = True
        if matched:
            rows = list(model._default_manager.filter(q).order_by("pk"))
            if rows:
                found[model._meta.label] = rows
    return found


def _serialise(label: str, rows: list[models.Model]) -> list[dict[str, Any]]:
    hidden = rules.NEVER_EXPORTED.get(label, frozenset())
    out = []
    for item in serializers.serialize("python", rows):
        fields = {k: v for k, v in item["fields"].items() if k not in hidden}
        out.append({"pk": item["pk"], **fields})
    return out


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def build_export_zip(user: User) -> bytes:
    """data.json with every row of the user's, and files/ with their uploads."""
    rows = owned_rows(user)
    data = {
        "generated_at": timezone.now().isoformat(),
        "user_id": user.pk,
        "models": {label: _serialise(label, items) for label, items in sorted(rows.items())},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
        archive.writestr(
            "README.txt",
            "Your Stint data: data.json lists every record that is yours, by kind; "
            "files/ holds the files you uploaded.\n",
        )
        for label, items in rows.items():
            fields = _file_fields(type(items[0]))
            for item in items:
                for field in fields:
                    f = getattr(item, field.name)
                    if not f or not f.name:
                        continue
                    try:
                        with f.storage.open(f.name, "rb") as handle:
                            content = handle.read()
                    except FileNotFoundError:
                        continue
                    arcname = f"files/{label}/{item.pk}/{field.name}/{PurePath(f.name).name}"
                    archive.writestr(arcname, content)
    return buffer.getvalue()


@transaction.atomic
def export_request(*, actor: User) -> DataExport:
    if not actor.is_authenticated:
        raise Forbidden("Log in first.")
    if DataExport.objects.filter(user=actor, status=ExportStatus.PENDING).exists():
        raise ConflictError("export_pending", "Your previous export is still being prepared.")
    since = timezone.now() - timedelta(days=1)
    if rules.max_exports_today_reached(
        DataExport.objects.filter(user=actor, created_at__gte=since).count()
    ):
        raise ConflictError("export_limit", "You can ask for 3 exports a day; try again tomorrow.")
    export = DataExport.objects.create(user=actor)
    from stint.privacy.tasks import build_export

    enqueue_on_commit(build_export, export.pk)
    audit.record(actor=actor, action="privacy.export_requested", target=("user", actor.pk))
    return export


@transaction.atomic
def export_build(*, export_id: int) -> bool:
    """Idempotent: builds a pending export once; False when there is nothing to do."""
    export = (
        DataExport.objects.select_for_update().select_related("user").filter(pk=export_id).first()
    )
    if export is None or export.status != ExportStatus.PENDING:
        return False
    try:
        payload = build_export_zip(export.user)
    except Exception:
        log.exception("Data export %s failed", export.pk)
        export.status = ExportStatus.FAILED
        export.save(update_fields=["status"])
        return False
    now = timezone.now()
    export.file.save(
        f"stint-export-{export.user_id}-{now:%Y%m%d%H%M%S}.zip", ContentFile(payload), save=False
    )
    export.size = len(payload)
    export.status = ExportStatus.READY
    export.ready_at = now
    export.expires_at = now + timedelta(days=settings.STINT_RETENTION_DAYS_EXPORT)
    export.save()
    from stint.notifications.services import notify

    notify(
        user=export.user,
        kind="privacy.export_ready",
        title="Your data export is ready",
        body=f"Download it within {settings.STINT_RETENTION_DAYS_EXPORT} days.",
        url="/privacy/",
    )
    return True


# --- Deletion --------------------------------------------------------------------------------


def deletion_blockers(user: User) -> list[str]:
    """Why the account cannot be deleted yet (empty when it can)."""
    problems = []
    if user.is_staff:
        problems.append(
            "Platform admins are removed by another admin: ask one to drop your rights."
        )
    Engagement = _model("engagements.Engagement")
    if Engagement is not None:
        active = Engagement.objects.filter(candidate=user).exclude(
            status__in=["paid", "cancelled", "resolved"]
        )
        if active.exists():
            problems.append(
                "You have engagements in progress: finish or cancel them first "
                "(money in escrow must be settled)."
            )
    Membership = _model("orgs.Membership")
    if Membership is not None:
        for m in Membership.objects.filter(user=user, role="owner").select_related("organisation"):
            owners = Membership.objects.filter(organisation_id=m.organisation_id, role="owner")
            if owners.count() <= 1:
                problems.append(
                    f"You are the only owner of {m.organisation.name}: make someone else owner "
                    "first."
                )
    return problems


def _delete_file_on_commit(storage: Any, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def _delete_rows(label: str, q: Q) -> int:
    model = _model(label)
    if model is None:
        return 0
    qs = model._default_manager.filter(q)
    for field in _file_fields(model):
        for name in qs.exclude(**{field.name: ""}).values_list(field.name, flat=True):
            _delete_file_on_commit(field.storage, name)
    count, _ = qs.delete()
    return count


@transaction.atomic
def account_delete(*, actor: User, password: str) -> dict[str, int]:
    """Erase the account after the password is entered again.

    Kept, attributed to "Deleted user" (the ledger and other people need them):
    payments and payouts, engagements and their submissions, reviews written about
    others, messages in threads with employers (their files are removed),
    applications as the employer's record (note and answers removed).
    Removed: the profile and resume, education and skills, notifications and
    preferences, API tokens, sessions, email addresses, saved searches, hidden
    postings, affiliations and memberships, portfolio, consents and equity
    declarations, verified-skill badges, exports."""
    if not actor.is_authenticated:
        raise Forbidden("Log in first.")
    user = User.objects.select_for_update().get(pk=actor.pk)
    if not password or not user.check_password(password):
        raise DomainError("bad_password", "That is not your password.", "password")
    problems = deletion_blockers(user)
    if problems:
        raise ConflictError("cannot_delete", " ".join(problems))
    counts: dict[str, int] = {}

    # Open applications are withdrawn (the employer is told, as on any withdrawal).
    Application = _model("applications.Application")
    if Application is not None:
        from stint.applications.services import application_withdraw

        for application_id in Application.objects.filter(
            candidate=user, status__in=["submitted", "shortlisted", "offered"]
        ).values_list("pk", flat=True):
            application_withdraw(actor=user, application_id=application_id)
        counts["applications_anonymised"] = Application.objects.filter(candidate=user).update(
            note="", fit_explanation=[]
        )
        counts["answers"] = _delete_rows("applications.Answer", Q(application__candidate=user))

    # Messages stay in the other side's thread, from "Deleted user"; files go.
    Message = _model("applications.Message")
    if Message is not None:
        mine = Message.objects.filter(sender=user).exclude(attachment="")
        for name in mine.values_list("attachment", flat=True):
            _delete_file_on_commit(Message._meta.get_field("attachment").storage, name)
        counts["message_files"] = mine.update(attachment="", attachment_name="")

    removals = {
        "profiles.CandidateProfile": Q(user=user),
        "notifications.Notification": Q(user=user),
        "notifications.NotificationPreference": Q(user=user),
        "accounts.ApiToken": Q(user=user),
        "account.EmailAddress": Q(user=user),
        "opportunities.SavedSearch": Q(user=user),
        "opportunities.HiddenOpportunity": Q(user=user),
        "applications.ThreadRead": Q(user=user),
        "orgs.Affiliation": Q(user=user),
        "orgs.Membership": Q(user=user),
        "reviews.Portfolio": Q(user=user),
        "institutions.Consent": Q(student=user),
        "institutions.GroupDeclaration": Q(student=user),
        "reviews.VerifiedSkill": Q(candidate=user),
        "privacy.DataExport": Q(user=user),
    }
    for label, q in removals.items():
        counts[label] = _delete_rows(label, q)
    # Reports they made stay for the moderators, without the link to them.
    Report = _model("moderation.Report")
    if Report is not None:
        Report.objects.filter(reporter=user).update(reporter=None)

    # Sessions end by themselves: an inactive user with a new password hash is
    # logged out on their next request, and API tokens are gone.
    user.email = rules.deleted_email(user.pk)
    user.full_name = rules.DELETED_NAME
    user.is_active = False
    user.is_candidate = False
    user.set_unusable_password()
    user.save()
    audit.record(
        actor=user,
        action="privacy.account_deleted",
        target=("user", user.pk),
        after={k: v for k, v in counts.items() if v},
    )
    return counts


# --- Retention -------------------------------------------------------------------------------


def _older(qs: Any, field: str, days: int, now: datetime) -> Any:
    return qs.filter(**{f"{field}__lte": now - timedelta(days=days)})


@transaction.atomic
def retention_purge(*, now: datetime | None = None) -> dict[str, int]:
    """Remove what has outlived its retention period (settings STINT_RETENTION_DAYS_*)."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    expired = DataExport.objects.filter(
        Q(expires_at__lte=now)
        | Q(status=ExportStatus.FAILED, created_at__lte=now - timedelta(days=1))
    )
    counts["exports"] = _delete_rows(
        "privacy.DataExport", Q(pk__in=list(expired.values_list("pk", flat=True)))
    )
    counts["audit"], _ = _older(
        AuditEntry.objects.all(), "at", settings.STINT_RETENTION_DAYS_AUDIT, now
    ).delete()
    Report = _model("moderation.Report")
    if Report is not None:
        counts["reports"], _ = _older(
            Report.objects.exclude(status="open"),
            "resolved_at",
            settings.STINT_RETENTION_DAYS_REPORTS,
            now,
        ).delete()
    VerificationRequest = _model("moderation.VerificationRequest")
    if VerificationRequest is not None:
        decided = _older(
            VerificationRequest.objects.exclude(status="pending"),
            "decided_at",
            settings.STINT_RETENTION_DAYS_VERIFICATION_DOCS,
            now,
        ).values_list("pk", flat=True)
        counts["verification_documents"] = _delete_rows(
            "moderation.VerificationDocument", Q(request_id__in=list(decided))
        )
    Notification = _model("notifications.Notification")
    if Notification is not None:
        counts["notifications"], _ = _older(
            Notification.objects.filter(read_at__isnull=False),
            "read_at",
            settings.STINT_RETENTION_DAYS_NOTIFICATIONS,
            now,
        ).delete()
    return counts
