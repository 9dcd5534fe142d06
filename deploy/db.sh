#!/usr/bin/env bash
# The embedded PostgreSQL a newcomer gets. Usage: deploy/db.sh [start|url|stop|status]
#   start  (default) reuse or start the private cluster; print its connection string
#   url    print the connection string of the running cluster
#   stop   stop the private cluster
# When PLANLEDGER_DB is set, that database is used and nothing is started.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
data_root="${PLANLEDGER_DATA_DIR:-$root/.data}"
pgdata="$data_root/pg"
port_file="$data_root/pg.port"
log_file="$data_root/pg.log"
cmd="${1:-start}"

say() { echo "db: $*" >&2; }

if [[ -n "${PLANLEDGER_DB:-}" ]]; then
  case "$cmd" in
    start|url) echo "$PLANLEDGER_DB" ;;
    stop|status) say "PLANLEDGER_DB is set; nothing of ours to $cmd" ;;
  esac
  exit 0
fi

find_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]] && { echo "$d"; return 0; }
  done
  if command -v pg_config >/dev/null 2>&1; then
    d="$(pg_config --bindir)"
    [[ -x "$d/pg_ctl" && -x "$d/initdb" ]] && { echo "$d"; return 0; }
  fi
  return 1
}

bindir="$(find_bindir || true)"
if [[ -z "$bindir" ]]; then
  say "no PostgreSQL server binaries found; installing Debian's postgresql package"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  bindir="$(find_bindir)"
fi

# The server refuses to run as root.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

conn_string() {
  echo "Host=127.0.0.1;Port=$(cat "$port_file");Username=postgres;Database=postgres;Maximum Pool Size=60"
}

running() {
  [[ -f "$pgdata/PG_VERSION" ]] && as_owner "$bindir/pg_ctl" -D "$pgdata" status >/dev/null 2>&1
}

# A port is free when we can bind it with SO_REUSEADDR, as PostgreSQL binds: a port whose old
# connections linger in TIME_WAIT after a stop is free to the server again.
port_free() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind(("127.0.0.1", int(sys.argv[1]))); sys.exit(0)
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

# The cluster keeps the port it was given (a running API still points at it), unless another
# process has taken it meanwhile.
pick_port() {
  local port
  if [[ -s "$port_file" ]] && port="$(cat "$port_file")" && port_free "$port"; then echo "$port"; return 0; fi
  for port in $(seq 55432 55531); do port_free "$port" && { echo "$port"; return 0; }; done
  say "no free port from 55432 to 55531"; return 1
}

mkdir -p "$data_root"
if [[ $(id -u) -eq 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres "$data_root"
  if ! runuser -u postgres -- test -w "$data_root"; then
    # A checkout under a private folder (e.g. /root) is out of the postgres user's reach.
    fallback="/var/tmp/planledger-$(echo -n "$data_root" | sha1sum | cut -c1-12)"
    say "$data_root is not reachable by the postgres user; the cluster lives in $fallback"
    mkdir -p "$fallback" && chown postgres "$fallback"
    pgdata="$fallback/pg"; log_file="$fallback/pg.log"
  fi
fi

case "$cmd" in
  stop)
    if running; then as_owner "$bindir/pg_ctl" -D "$pgdata" -m fast stop >&2; else say "not running"; fi
    exit 0 ;;
  status)
    if running; then say "running on port $(cat "$port_file")"; else say "not running"; exit 1; fi
    exit 0 ;;
  url)
    running || { say "not running (deploy/db.sh start)"; exit 1; }
    conn_string; exit 0 ;;
  start) ;;
  *) say "usage: deploy/db.sh [start|url|stop|status]"; exit 2 ;;
esac

if running; then
  conn_string
  exit 0
fi


if [[ ! -f "$pgdata/PG_VERSION" ]]; then
  say "initialising a private cluster in $pgdata"
  as_owner "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

port="$(pick_port)"
echo "$port" > "$port_file"
[[ $(id -u) -eq 0 ]] && chown postgres "$port_file"
say "starting PostgreSQL ($bindir) on 127.0.0.1:$port"
as_owner "$bindir/pg_ctl" -D "$pgdata" -l "$log_file" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=/tmp -c max_connections=300 -c shared_buffers=256MB" start >&2
conn_string
