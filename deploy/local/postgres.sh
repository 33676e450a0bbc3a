#!/usr/bin/env bash
# Makes a local PostgreSQL available for Gatehouse and prints the settings to use, as shell exports.
#
#   deploy/local/postgres.sh ensure <database> [--reset]
#
# As root: starts Debian's cluster (installing PostgreSQL from Debian's packages if needed).
# As a normal user: runs a private instance under target/pg on port 55432.
# Either way it creates the owner role (migrations), the runtime role (the application) and the
# database; --reset drops and recreates the database first (for repeatable test runs). It also
# prints GATEHOUSE_PG_STOP_IMMEDIATE and GATEHOUSE_PG_START: shell commands that crash (stop -m
# immediate) and start this server, for the durability test (PostgresImmediateStopIT).
# With GATEHOUSE_PG_TLS_DIR set it also turns TLS on (see below; the test suite does).
# With GATEHOUSE_DB_EXTERNAL=true it does nothing: the database is yours to provide.
set -euo pipefail

cmd=${1:-}
db=${2:-gatehouse}
reset=${3:-}
[ "$cmd" = ensure ] || { echo "usage: $0 ensure <database> [--reset]" >&2; exit 2; }
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "bad database name: $db" >&2; exit 2; }

root_dir=$(cd "$(dirname "$0")/../.." && pwd)
owner=${GATEHOUSE_DB_OWNER_USER:-gatehouse_owner}
owner_pw=${GATEHOUSE_DB_OWNER_PASSWORD:-gatehouse-owner-dev}
app=${GATEHOUSE_DB_USER:-gatehouse_app}
app_pw=${GATEHOUSE_DB_PASSWORD:-gatehouse-app-dev}
log() { echo "[postgres] $*" >&2; }

if [ "${GATEHOUSE_DB_EXTERNAL:-false}" = true ]; then
  log "GATEHOUSE_DB_EXTERNAL=true: using the configured database as it is"
  exit 0
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ "$(id -u)" = 0 ]; then
  if [ -z "$(pg_bin)" ]; then
    log "installing PostgreSQL from Debian's packages"
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  fi
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    ver=$(basename "$(dirname "$(pg_bin)")")
    log "creating cluster $ver/main"
    pg_createcluster "$ver" main >&2
  fi
  read -r ver name port status _ < <(pg_lsclusters -h | head -n 1)
  if [ "$status" != online ]; then
    log "starting cluster $ver/$name"
    pg_ctlcluster "$ver" "$name" start >&2
  fi
  host=localhost
  pg_stop=(pg_ctlcluster "$ver" "$name" stop -m immediate)
  pg_start=(pg_ctlcluster "$ver" "$name" start)
  psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$port" "$@"; }
else
  bin=$(pg_bin)
  [ -n "$bin" ] || { log "PostgreSQL is not installed; ask an administrator for the postgresql package"; exit 1; }
  data="$root_dir/target/pg/data"
  sock="$root_dir/target/pg/run"
  port=${GATEHOUSE_LOCAL_PG_PORT:-55432}
  mkdir -p "$sock"
  if [ ! -f "$data/PG_VERSION" ]; then
    log "initialising a private instance in target/pg"
    "$bin/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  if ! "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    log "starting the private instance on port $port"
    "$bin/pg_ctl" -D "$data" -l "$root_dir/target/pg/postgres.log" -w \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1" start >&2
  fi
  host=127.0.0.1
  pg_stop=("$bin/pg_ctl" -D "$data" stop -m immediate)
  pg_start=("$bin/pg_ctl" -D "$data" -l "$root_dir/target/pg/postgres.log" -w
    -o "-p $port -k $sock -c listen_addresses=127.0.0.1" start)
  psql_admin() { "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"; }
fi

for _ in $(seq 1 30); do psql_admin -d postgres -c 'select 1' >/dev/null 2>&1 && break; sleep 1; done

psql_admin -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$owner') THEN
    CREATE ROLE $owner LOGIN PASSWORD '$owner_pw';
  ELSE
    ALTER ROLE $owner LOGIN PASSWORD '$owner_pw';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$app') THEN
    CREATE ROLE $app LOGIN PASSWORD '$app_pw';
  ELSE
    ALTER ROLE $app LOGIN PASSWORD '$app_pw';
  END IF;
END
\$\$;
SQL

if [ -n "${GATEHOUSE_TEST_SUPERUSER:-}" ]; then
  # Tests that tamper with the audit trail need a superuser, as an attacker would.
  psql_admin -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$GATEHOUSE_TEST_SUPERUSER') THEN
    CREATE ROLE $GATEHOUSE_TEST_SUPERUSER SUPERUSER LOGIN PASSWORD '$GATEHOUSE_TEST_SUPERUSER_PASSWORD';
  END IF;
END
\$\$;
SQL
fi

if [ "$reset" = --reset ]; then
  log "resetting database $db"
  psql_admin -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
fi
if ! psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
  psql_admin -d postgres -c "CREATE DATABASE $db OWNER $owner" >/dev/null
fi
psql_admin -d "$db" -c "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO $app; GRANT CREATE, USAGE ON SCHEMA public TO $owner" >/dev/null

# With GATEHOUSE_PG_TLS_DIR=<dir> (deploy/local/test.sh sets it): TLS on this server, with a local
# test CA and a server certificate for the name localhost only (so a client verifying with
# sslmode=verify-full must use that name); the CA's certificate is copied to <dir>/ca.crt and
# printed as GATEHOUSE_TEST_DB_CA. Kept in the data directory and reused while valid, so repeated
# runs change nothing. Clients without sslmode (prefer) keep working, now encrypted.
if [ -n "${GATEHOUSE_PG_TLS_DIR:-}" ]; then
  command -v openssl >/dev/null 2>&1 || { log "openssl is missing: apt-get install openssl"; exit 1; }
  data_dir=$(psql_admin -d postgres -tAc "SHOW data_directory")
  tls="$data_dir/gatehouse-tls"
  if ! { [ -f "$tls/server.key" ] && [ -f "$tls/ca.crt" ] && [ -f "$tls/server.crt" ] \
      && openssl verify -CAfile "$tls/ca.crt" "$tls/server.crt" >/dev/null 2>&1 \
      && openssl x509 -checkend 2592000 -noout -in "$tls/ca.crt" >/dev/null 2>&1 \
      && openssl x509 -checkend 2592000 -noout -in "$tls/server.crt" >/dev/null 2>&1; }; then
    log "creating a test CA and a server certificate for localhost in $tls"
    rm -rf "$tls"
    mkdir -p "$tls"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Gatehouse local test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$tls/server.key" -out "$tls/server.csr" 2>/dev/null
    openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
      -days 825 -out "$tls/server.crt" \
      -extfile <(printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n') 2>/dev/null
    chmod 700 "$tls"
    chmod 600 "$tls/server.key" "$tls/ca.key"
    if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$tls"; fi
  fi
  psql_admin -d postgres >/dev/null <<SQL
ALTER SYSTEM SET ssl_cert_file = '$tls/server.crt';
ALTER SYSTEM SET ssl_key_file = '$tls/server.key';
ALTER SYSTEM SET ssl = on;
SELECT pg_reload_conf();
SQL
  # A handshake, not SHOW ssl: a certificate the server cannot load leaves the setting on while it
  # keeps serving the old certificate (or none) and only logs "SSL configuration was not reloaded".
  tls_serving() {
    openssl s_client -starttls postgres -connect "$host:$port" -CAfile "$tls/ca.crt" \
      -verify_hostname localhost -verify_return_error </dev/null >/dev/null 2>&1
  }
  for _ in $(seq 1 20); do
    tls_serving && break
    sleep 0.5
  done
  tls_serving \
    || { log "TLS with the test CA's certificate for localhost is not served after reload: see the server's log"; exit 1; }
  mkdir -p "$GATEHOUSE_PG_TLS_DIR"
  cp "$tls/ca.crt" "$GATEHOUSE_PG_TLS_DIR/ca.crt"
  echo "export GATEHOUSE_TEST_DB_CA=$(printf '%q' "$(cd "$GATEHOUSE_PG_TLS_DIR" && pwd)/ca.crt")"
fi

echo "export GATEHOUSE_DB_HOST=$host GATEHOUSE_DB_PORT=$port GATEHOUSE_DB_NAME=$db"
# How to crash and restart this server (shell commands), for the immediate-stop durability test.
echo "export GATEHOUSE_PG_STOP_IMMEDIATE=$(printf '%q' "$(printf '%q ' "${pg_stop[@]}")")"
echo "export GATEHOUSE_PG_START=$(printf '%q' "$(printf '%q ' "${pg_start[@]}")")"
