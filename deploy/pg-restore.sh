#!/bin/sh
# Restore a dump made by pg-backup.sh: pg-restore.sh DUMP_FILE DATABASE_URL
# The target database must exist and be empty (createdb -O portal portal_restored). It is
# restored in one transaction: either everything is there afterwards or nothing is.
set -eu
file=$1
url=$2

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="$url" "$file"
echo "Restored $file"
