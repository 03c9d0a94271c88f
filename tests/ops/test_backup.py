"""deploy/backup.sh and deploy/restore.sh: back up, restore into a fresh database,
and compare row counts and checksums of key tables and of the media files."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from stint.accounts.models import User
from stint.notifications.models import Notification
from stint.orgs.models import Organisation
from tests.ops.conftest import ROOT, database_url, skip_unless_postgres

KEY_TABLES = [
    "accounts_user",
    "orgs_organisation",
    "orgs_membership",
    "notifications_notification",
    "opportunities_opportunity",
    "django_migrations",
]


def _table_digest(conninfo: str) -> dict[str, tuple[int, str]]:
    out = {}
    with psycopg.connect(conninfo) as conn:
        for table in KEY_TABLES:
            row = conn.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f"FROM {table} t"
            ).fetchone()
            assert row is not None
            out[table] = (row[0], row[1])
    return out


def _files_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_a_fresh_database(
    alice: User, acme: Organisation, tmp_path: Path
) -> None:
    skip_unless_postgres()
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install postgresql-client)")
    for i in range(25):
        Notification.objects.create(user=alice, kind="test", title=f"Note {i}", body="é ✓ " * i)
    media = tmp_path / "media"
    (media / "resumes" / "2026").mkdir(parents=True)
    (media / "resumes" / "2026" / "alice.pdf").write_bytes(b"%PDF-1.4 " + bytes(range(256)) * 40)
    (media / "attachments").mkdir()
    (media / "attachments" / "report final.txt").write_text("deliverable ✓\n")

    source_url = database_url()
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": source_url, "MEDIA_ROOT": str(media)}
    backups = tmp_path / "backups"
    done = subprocess.run(
        ["bash", str(ROOT / "deploy" / "backup.sh"), str(backups)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    folder = Path(done.stdout.strip().splitlines()[-1])
    assert (folder / "db.dump").stat().st_size > 0
    assert {p.name for p in folder.iterdir()} == {"db.dump", "media.tar.gz", "SHA256SUMS"}

    target_name = f"stint_restore_{uuid.uuid4().hex[:10]}"
    target_url = source_url.rsplit("/", 1)[0] + "/" + target_name
    restored_media = tmp_path / "restored-media"
    try:
        restored = subprocess.run(
            [
                "bash",
                str(ROOT / "deploy" / "restore.sh"),
                str(folder),
                target_url,
                str(restored_media),
            ],
            env={"PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert restored.returncode == 0, restored.stderr
        assert _table_digest(target_url) == _table_digest(source_url)
        counts = _table_digest(target_url)
        assert counts["notifications_notification"][0] == 25
        assert counts["accounts_user"][0] >= 2
        assert _files_digest(restored_media) == _files_digest(media)

        # Restoring over a database that has tables is refused.
        again = subprocess.run(
            [
                "bash",
                str(ROOT / "deploy" / "restore.sh"),
                str(folder),
                target_url,
                str(restored_media),
            ],
            env={"PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert again.returncode == 1 and "refusing" in again.stderr
    finally:
        admin = source_url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
    assert connection.vendor == "postgresql"
