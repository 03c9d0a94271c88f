from __future__ import annotations

from django_tasks import task

from stint.privacy import services


@task()
def build_export(export_id: int) -> None:
    """Build a requested data export (idempotent: a ready export is left alone)."""
    services.export_build(export_id=export_id)


@task()
def purge_expired() -> None:
    services.retention_purge()
