from __future__ import annotations

from django.db.models import QuerySet

from stint.accounts.models import User
from stint.core.errors import NotFound
from stint.privacy.models import DataExport


def access_export(*, actor: User, export_id: int) -> DataExport:
    """The owner's export; everyone else (platform admins too) gets NotFound."""
    export = DataExport.objects.filter(pk=export_id).first()
    if export is None or not actor.is_authenticated or export.user_id != actor.pk:
        raise NotFound("No such export.")
    return export


def exports_of(user: User) -> QuerySet[DataExport]:
    return DataExport.objects.filter(user=user).order_by("-created_at", "-pk")
