#!/bin/sh
# Logical backup of the portal database: pg-backup.sh DATABASE_URL DIRECTORY [KEEP_DAYS]
# Writes DIRECTORY/portal-YYYYMMDDTHHMMSSZ.dump (pg_dump's custom format, compressed),
# checks that pg_restore can read it, deletes dumps older than KEEP_DAYS (default 14) and
# prints the new file's path. Restore with deploy/pg-restore.sh.
set -eu
url=$1
directory=$2
keep_days=${3:-14}

mkdir -p "$directory"
file="$directory/portal-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$file.partial" "$url"
# A dump that cannot be listed is not a backup.
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
find "$directory" -name 'portal-*.dump' -type f -mtime +"$keep_days" -delete
echo "$file"
