#!/usr/bin/env bash
# The roles of a least-privilege Tally database, created once by the postgres image's
# /docker-entrypoint-initdb.d on an empty data directory (docker-compose.yml mounts it there):
#   - the OWNER, who owns the database, its schema and (after `tally db setup`) the tables and the
#     append-only trigger;
#   - the SERVICE role the Tally processes log in as: no superuser, no CREATEDB/CREATEROLE, only
#     CONNECT here; `tally db setup` then grants it SELECT and INSERT on the tables, nothing more.
# Passwords come from the environment (required, never defaulted). psql runs against the server the
# entrypoint started on its socket; outside the container set PGHOST/PGPORT as usual.
set -euo pipefail

: "${TALLY_DB_OWNER_PASSWORD:?set TALLY_DB_OWNER_PASSWORD}"
: "${TALLY_DB_SERVICE_PASSWORD:?set TALLY_DB_SERVICE_PASSWORD}"
db="${TALLY_DB_NAME:-tally}"
owner="${TALLY_DB_OWNER:-tally_owner}"
service="${TALLY_DB_SERVICE_ROLE:-tally_service}"

# psql's :"name" and :'value' quote identifiers and literals, so passwords need no escaping here.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  --set=db="$db" --set=owner="$owner" --set=owner_password="$TALLY_DB_OWNER_PASSWORD" \
  --set=service="$service" --set=service_password="$TALLY_DB_SERVICE_PASSWORD" <<'SQL'
CREATE ROLE :"owner" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE :"service" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD :'service_password';
CREATE DATABASE :"db" OWNER :"owner";
-- Only these two roles connect; no one else gets TEMP either.
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"db" TO :"owner", :"service";
SQL
# PostgreSQL 15+ no longer lets PUBLIC create in schema public; say so explicitly for older servers.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "$db" \
  -c 'REVOKE CREATE ON SCHEMA public FROM PUBLIC'
