#!/usr/bin/env bash
# Restore a backup made by backup.sh into a FRESH database and a media folder.
#
#   deploy/restore.sh BACKUP_FOLDER [TARGET_DATABASE_URL] [TARGET_MEDIA_ROOT]
#
# The target database is created when missing and refused when it already has tables
# (restore next to the live one, check it, then point DATABASE_URL at it). Defaults:
# $DATABASE_URL and $MEDIA_ROOT (or ENV_FILE=/etc/stint/stint.env). The connecting role
# needs CREATEDB to create the database. Afterwards: `manage.py migrate` (a no-op when
# the code matches) and restart the services; matching indexes rebuild from the data.
set -euo pipefail

src=${1:?usage: restore.sh BACKUP_FOLDER [TARGET_DATABASE_URL] [TARGET_MEDIA_ROOT]}
if [ -n "${ENV_FILE:-}" ]; then
  set -a; . "$ENV_FILE"; set +a
fi
target=${2:-${DATABASE_URL:?give TARGET_DATABASE_URL or set DATABASE_URL}}
media=${3:-${MEDIA_ROOT:?give TARGET_MEDIA_ROOT or set MEDIA_ROOT}}

(cd "$src" && sha256sum --quiet -c SHA256SUMS)

# postgres://user:pass@host:port/NAME?opts -> NAME, and the same URL on the "postgres" database.
rest=${target#*://}
hostpart=${rest%%/*}
path=${rest#*/}
dbname=${path%%\?*}
query=""
case "$path" in *\?*) query="?${path#*\?}" ;; esac
scheme=${target%%://*}
admin_url="$scheme://$hostpart/postgres$query"
if ! [[ "$dbname" =~ ^[A-Za-z0-9_]+$ ]]; then
  echo "restore.sh: unexpected database name '$dbname'" >&2; exit 2
fi

if [ -z "$(psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" ]; then
  psql "$admin_url" -qc "CREATE DATABASE \"$dbname\""
fi
tables=$(psql "$target" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "restore.sh: refusing: database $dbname already has $tables tables; restore into a fresh one" >&2
  exit 1
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$target" "$src/db.dump"

mkdir -p "$media"
tar -C "$media" -xzf "$src/media.tar.gz"
echo "restored $src into database $dbname and $media"
