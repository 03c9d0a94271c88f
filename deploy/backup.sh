#!/usr/bin/env bash
# Back up Stint: the PostgreSQL database (pg_dump custom format) and the media files
# (a tarball), into a new timestamped folder with SHA256SUMS. Prints the folder.
#
#   deploy/backup.sh [DEST_ROOT]          # default: $BACKUP_DIR or /var/backups/stint
#
# Reads DATABASE_URL and MEDIA_ROOT from the environment; set ENV_FILE=/etc/stint/stint.env
# to read them from the env file instead. Keeps the newest $BACKUP_KEEP (14) backups.
set -euo pipefail
umask 077

if [ -n "${ENV_FILE:-}" ]; then
  set -a; . "$ENV_FILE"; set +a
fi
: "${DATABASE_URL:?set DATABASE_URL (postgres://user:pass@host:5432/stint)}"
: "${MEDIA_ROOT:?set MEDIA_ROOT (the uploads folder)}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh: DATABASE_URL must be PostgreSQL (SQLite: copy the file with sqlite3 .backup)" >&2; exit 2 ;;
esac

dest_root=${1:-${BACKUP_DIR:-/var/backups/stint}}
keep=${BACKUP_KEEP:-14}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
tmp="$dest_root/.tmp-$stamp-$$"
dest="$dest_root/$stamp"
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# A consistent snapshot of the whole database, restorable into any newer PostgreSQL.
pg_dump --format=custom --compress=6 --no-owner --no-privileges \
  --file="$tmp/db.dump" --dbname="$DATABASE_URL"

if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$tmp/media.tar.gz" .
else
  empty=$(mktemp -d); tar -C "$empty" -czf "$tmp/media.tar.gz" .; rmdir "$empty"
fi

(cd "$tmp" && sha256sum db.dump media.tar.gz > SHA256SUMS)
mv "$tmp" "$dest"
trap - EXIT

# Keep the newest $keep backups.
ls -1d "$dest_root"/[0-9]*Z 2>/dev/null | sort | head -n "-$keep" | xargs -r rm -rf
echo "$dest"
