from __future__ import annotations

from django_tasks import task

from stint.privacy import services


@task()
def build_export(export_id: int) -> None:
    """Build a requested data export (idempotent: a ready export is left alone)."""
    services.export_build(export_id=export_id)


@task()
def purge_expired() -> dict[str, int]:
    """The daily retention purge (scheduled in stint/ops/schedule.py; SECURITY.md
    lists what is kept how long). Idempotent: what is gone stays gone."""
    return services.retention_purge()
