#!/usr/bin/env bash
# Set up (or bring up to date) a Care Planner practice server on Debian or Ubuntu, as root. Safe to run
# again: every step checks what is already there. See docs/practice-server.md for what each step is for.
#
#   scripts/practice-server-debian.sh --cert server.crt --key server.key --network 192.168.10.0/24 \
#       --admin it-admin [--workstations 25] [--database careplanner] [--owner careplanner_owner] [--cluster 15/main] \
#       [--owner-password-file FILE] [--admin-password-file FILE] [--backup-dir /var/backups/careplanner] \
#       [--careplanner /opt/careplanner/bin/careplanner]
#
# --cert/--key: the server's TLS certificate (signed by the practice CA, naming the host the workstations
# use) and its private key, supplied by the practice's IT. Passwords are read from the files given, or typed;
# never taken from the command line. --admin: the first server administrator; if a workstation's store will be
# moved onto the server, a user name that store does not use. --workstations: how many will connect (each
# keeps up to about 6 connections; max_connections is set to 6 per workstation plus 20, at least 100).
set -euo pipefail

die() { echo "practice-server: $*" >&2; exit 1; }
say() { echo "== $*"; }

DATABASE=careplanner
OWNER=careplanner_owner
CLUSTER=""
CERT=""
KEY=""
NETWORK=""
ADMIN=""
OWNER_PW_FILE=""
ADMIN_PW_FILE=""
BACKUP_DIR=""
WORKSTATIONS=25
CAREPLANNER="${CAREPLANNER:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --database) DATABASE="$2"; shift 2 ;;
    --owner) OWNER="$2"; shift 2 ;;
    --cluster) CLUSTER="$2"; shift 2 ;;
    --cert) CERT="$2"; shift 2 ;;
    --key) KEY="$2"; shift 2 ;;
    --network) NETWORK="$2"; shift 2 ;;
    --admin) ADMIN="$2"; shift 2 ;;
    --owner-password-file) OWNER_PW_FILE="$2"; shift 2 ;;
    --admin-password-file) ADMIN_PW_FILE="$2"; shift 2 ;;
    --backup-dir) BACKUP_DIR="$2"; shift 2 ;;
    --workstations) WORKSTATIONS="$2"; shift 2 ;;
    --careplanner) CAREPLANNER="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

[ "$(id -u)" = 0 ] || die "run as root (it installs PostgreSQL and changes its settings)"
[ -n "$CERT" ] && [ -n "$KEY" ] || die "give the server's certificate and key: --cert FILE --key FILE"
[ -r "$CERT" ] && [ -r "$KEY" ] || die "the certificate or key file cannot be read"
[ -n "$NETWORK" ] || die "give the practice network the workstations are on: --network 192.168.10.0/24"
[ -n "$ADMIN" ] || die "give the first administrator's user name: --admin NAME"
[[ "$DATABASE" =~ ^[a-z][a-z0-9_]{0,39}$ ]] || die "the database name must be lower-case letters, digits, _"
[[ "$OWNER" =~ ^[a-z][a-z0-9_]{0,62}$ ]] || die "the owner name must be lower-case letters, digits, _"
[[ "$NETWORK" =~ ^[0-9a-fA-F:.]+/[0-9]+$ ]] || die "--network must be an address range like 192.168.10.0/24"
[[ "$WORKSTATIONS" =~ ^[1-9][0-9]{0,3}$ ]] || die "--workstations must be a number of workstations, e.g. 25"
# Each workstation keeps up to about 6 connections; 20 more for IT, backups and the server's own.
MAX_CONNECTIONS=$(( WORKSTATIONS * 6 + 20 ))
[ "$MAX_CONNECTIONS" -ge 100 ] || MAX_CONNECTIONS=100
if [ -z "$CAREPLANNER" ]; then
  CAREPLANNER="$(command -v careplanner || true)"
  [ -n "$CAREPLANNER" ] || [ ! -x "$(dirname "$0")/../.venv/bin/careplanner" ] ||
    CAREPLANNER="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/careplanner"
fi
[ -n "$CAREPLANNER" ] && [ -x "$CAREPLANNER" ] || die "careplanner was not found: give --careplanner PATH"

# 1. PostgreSQL from Debian's own packages.
if ! command -v pg_lsclusters >/dev/null; then
  say "installing PostgreSQL"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if [ -z "$CLUSTER" ]; then
  version="$(pg_lsclusters -h | awk '$2 == "main" {print $1}' | sort -n | tail -1)"
  [ -n "$version" ] || die "no 'main' PostgreSQL cluster found: give --cluster VERSION/NAME"
  CLUSTER="$version/main"
fi
VERSION="${CLUSTER%/*}"
NAME="${CLUSTER#*/}"
CONF="/etc/postgresql/$VERSION/$NAME"
[ -d "$CONF" ] || die "no cluster $CLUSTER (pg_lsclusters lists them)"
PORT="$(pg_lsclusters -h | awk -v v="$VERSION" -v n="$NAME" '$1 == v && $2 == n {print $3}')"
say "PostgreSQL $VERSION, cluster $NAME, port $PORT"

# 2. TLS with the certificate and key the practice's IT supplied (readable by postgres only).
install -d -m 0750 -o postgres -g postgres "$CONF/tls"
install -m 0644 -o postgres -g postgres "$CERT" "$CONF/tls/server.crt"
install -m 0600 -o postgres -g postgres "$KEY" "$CONF/tls/server.key"
openssl x509 -in "$CONF/tls/server.crt" -noout -checkend 0 >/dev/null ||
  die "the server certificate has expired (or is not a certificate)"

# 3. Settings: listen on the network, TLS only (1.2 or newer), SCRAM passwords, auth_delay against guessing.
install -d -m 0755 -o postgres -g postgres "$CONF/conf.d"
cat >"$CONF/conf.d/careplanner.conf" <<EOF
# Written by Care Planner's scripts/practice-server-debian.sh; run it again rather than editing this.
listen_addresses = '*'
ssl = on
ssl_cert_file = '$CONF/tls/server.crt'
ssl_key_file = '$CONF/tls/server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
# Every failed sign-in waits half a second before it is answered, which slows password guessing.
shared_preload_libraries = 'auth_delay'
auth_delay.milliseconds = 500
log_connections = on
log_disconnections = on
# Up to about 6 connections per workstation ($WORKSTATIONS workstations), plus 20.
max_connections = $MAX_CONNECTIONS
EOF
chown postgres:postgres "$CONF/conf.d/careplanner.conf"

# 4. Who may connect: the practice network by TLS only; the server itself on loopback (for set-up and backups).
HBA="$CONF/pg_hba.conf"
BLOCK="$(mktemp)"
trap 'rm -f "$BLOCK"' EXIT
cat >"$BLOCK" <<EOF
# BEGIN careplanner $DATABASE (scripts/practice-server-debian.sh)
host      $DATABASE  all  127.0.0.1/32  scram-sha-256
hostssl   $DATABASE  all  $NETWORK  scram-sha-256
hostnossl $DATABASE  all  0.0.0.0/0  reject
hostnossl $DATABASE  all  ::/0  reject
# END careplanner $DATABASE
EOF
# Ours first (the first matching line decides), replacing the block a previous run wrote.
awk -v begin="# BEGIN careplanner $DATABASE " -v end="# END careplanner $DATABASE" '
  index($0, begin) == 1 {skip = 1; next}
  skip && $0 == end {skip = 0; next}
  !skip {print}' "$HBA" >"$HBA.rest"
cat "$BLOCK" "$HBA.rest" >"$HBA.new"
rm -f "$HBA.rest"
chown postgres:postgres "$HBA.new"
chmod 0640 "$HBA.new"
mv "$HBA.new" "$HBA"

say "restarting PostgreSQL (settings that need a restart: TLS, listen_addresses, auth_delay, max_connections)"
pg_ctlcluster "$VERSION" "$NAME" restart 2>/dev/null || pg_ctlcluster "$VERSION" "$NAME" start

as_postgres() { runuser -u postgres -- "$@"; }
psql_q() { as_postgres psql -p "$PORT" -X -v ON_ERROR_STOP=1 -tA "$@"; }

# 5. The owner account and an empty database (made once).
read_secret() { # $1 file (may be empty), $2 prompt -> the secret on stdout
  if [ -n "$1" ]; then head -n 1 "$1" | tr -d '\r\n'; else read -r -s -p "$2: " s; echo >&2; printf '%s' "$s"; fi
}
OWNER_PW="$(read_secret "$OWNER_PW_FILE" "Password for the database owner $OWNER")"
[ ${#OWNER_PW} -ge 12 ] || die "the owner's password must be at least 12 characters"
OWNER_PW_SQL="${OWNER_PW//\'/\'\'}"
# The password goes to psql on its standard input (never the command line) with statement logging off.
if [ -z "$(psql_q -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$OWNER'")" ]; then
  say "creating the database owner $OWNER"
  printf "SET log_statement = 'none';\nCREATE ROLE %s LOGIN CREATEROLE PASSWORD '%s';\n" "$OWNER" "$OWNER_PW_SQL" |
    psql_q -d postgres -q >/dev/null
else
  printf "SET log_statement = 'none';\nALTER ROLE %s LOGIN CREATEROLE PASSWORD '%s';\n" "$OWNER" "$OWNER_PW_SQL" |
    psql_q -d postgres -q >/dev/null
fi
if [ -z "$(psql_q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]; then
  say "creating the database $DATABASE"
  as_postgres createdb -p "$PORT" -O "$OWNER" -E UTF8 "$DATABASE"
fi

# 6. Care Planner's schema, roles and first administrator (`server init`), or an upgrade of them.
PWFILE="$(mktemp)"
trap 'rm -f "$BLOCK" "$PWFILE"' EXIT
chmod 0600 "$PWFILE"
printf '%s\n' "$OWNER_PW" >"$PWFILE"
URL="postgresql://$OWNER@127.0.0.1:$PORT/$DATABASE?sslmode=disable"
if [ -z "$(psql_q -d "$DATABASE" -c "SELECT to_regclass('public.alembic_version')")" ]; then
  say "setting up the practice database (careplanner server init)"
  admin_pw=()
  [ -z "$ADMIN_PW_FILE" ] || admin_pw=(--admin-password-file "$ADMIN_PW_FILE")
  "$CAREPLANNER" server init --url "$URL" --password-file "$PWFILE" --admin "$ADMIN" "${admin_pw[@]}"
else
  say "the practice database is set up already: upgrading it to this release if needed"
  "$CAREPLANNER" server upgrade --url "$URL" --password-file "$PWFILE"
fi

# 7. Nightly backups (optional): pg_dump at 01:30, kept 30 days; the owner's password in root's .pgpass.
# A backup stopped part-way leaves a .dump.partial (never a .dump): the next backup and the clean-up remove it.
if [ -n "$BACKUP_DIR" ]; then
  install -d -m 0700 "$BACKUP_DIR"
  PGPASS=/root/.pgpass
  touch "$PGPASS" && chmod 0600 "$PGPASS"
  grep -v "^127\.0\.0\.1:$PORT:$DATABASE:$OWNER:" "$PGPASS" >"$PGPASS.new" || true
  printf '127.0.0.1:%s:%s:%s:%s\n' "$PORT" "$DATABASE" "$OWNER" \
    "$(printf '%s' "$OWNER_PW" | sed 's/\\/\\\\/g; s/:/\\:/g')" >>"$PGPASS.new"
  chmod 0600 "$PGPASS.new" && mv "$PGPASS.new" "$PGPASS"
  cat >/etc/cron.d/careplanner-backup-"$DATABASE" <<EOF
# Written by Care Planner's scripts/practice-server-debian.sh. Nightly backup of $DATABASE, kept 30 days.
30 1 * * * root find '$BACKUP_DIR' -name 'careplanner-*.dump.partial' -mmin +360 -delete; $CAREPLANNER server backup --url '$URL' --to '$BACKUP_DIR' && find '$BACKUP_DIR' -name 'careplanner-*.dump' -mtime +30 -delete
EOF
  say "nightly backups into $BACKUP_DIR (/etc/cron.d/careplanner-backup-$DATABASE)"
fi

# 8. The firewall: PostgreSQL's port open to the practice network only.
if command -v ufw >/dev/null && ufw status | grep -q "Status: active"; then
  ufw allow from "$NETWORK" to any port "$PORT" proto tcp >/dev/null
  say "ufw: port $PORT open to $NETWORK"
else
  say "no active ufw: open TCP port $PORT to $NETWORK only, in the firewall you use"
fi

"$CAREPLANNER" server check --url "$URL" --password-file "$PWFILE" || true
HOST="$(openssl x509 -in "$CONF/tls/server.crt" -noout -subject -nameopt multiline | awk -F' = ' '/commonName/ {print $2}')"
cat <<EOF

The practice server is ready. On each workstation (with the practice CA certificate, practice-ca.pem):
  careplanner join --url 'postgresql://${HOST:-THIS-SERVER}:$PORT/$DATABASE?sslmode=verify-full' --ca-file practice-ca.pem --user NAME
Add the staff accounts (as the first administrator, from any workstation, or in the app: Users):
  careplanner --server 'postgresql://${HOST:-THIS-SERVER}:$PORT/$DATABASE?sslmode=verify-full&sslrootcert=practice-ca.pem' --user $ADMIN users add NAME --name 'Their name' --role nurse
Check it at any time with:
  careplanner server check --url '$URL'   (on this server; the password from root's .pgpass or typed)
EOF
