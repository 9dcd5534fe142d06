#!/usr/bin/env bash
# Several API nodes behind a load balancer. Usage: deploy/cluster.sh [start|stop|status]
#   start   PostgreSQL (deploy/db.sh), a Release build, three API nodes on 127.0.0.1:5081-5083 sharing the projection
#           shards (Ledger:Daemon=Distributed), HAProxy on http://127.0.0.1:5080 health-checking /health/ready, the seeds
#   stop    stops the load balancer, the nodes and PostgreSQL
#   status  each node's readiness, and which node runs which projection shard
#   haproxy-config <port> <node port>...  prints the load balancer's configuration (the benchmark uses it)
# PLANLEDGER_NODES (default 3), PLANLEDGER_CLUSTER_PORT (default 5080; nodes on the ports after it),
# PLANLEDGER_RATE_LIMIT (requests per second per client across the cluster, default 200: each node enforces its share).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${PLANLEDGER_DATA_DIR:-$root/.data}/cluster"
nodes="${PLANLEDGER_NODES:-3}"
port="${PLANLEDGER_CLUSTER_PORT:-5080}"
dll="$root/src/PlanLedger.Api/bin/Release/net10.0/PlanLedger.Api.dll"
cmd="${1:-start}"
say() { echo "cluster: $*" >&2; }

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {
  local file="$1"
  if alive "$file"; then
    local pid; pid="$(cat "$file")"
    kill "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$file"
}

psql_db() {
  local bindir; bindir="$(ls -d /usr/lib/postgresql/*/bin | tail -1)"
  local db; db="$(sed -n 's/.*Database=\([^;]*\).*/\1/p' <<<"$PLANLEDGER_DB")"
  local pgport; pgport="$(sed -n 's/.*Port=\([^;]*\).*/\1/p' <<<"$PLANLEDGER_DB")"
  PGCONNECT_TIMEOUT=5 "$bindir/psql" -h 127.0.0.1 -p "$pgport" -U postgres -d "$db" -X -q "$@"
}

ensure_haproxy() {
  command -v haproxy >/dev/null 2>&1 && return 0
  say "no haproxy; installing Debian's haproxy package"
  if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq haproxy >&2
}

# HAProxy's configuration for a frontend port and node ports (also used by the benchmark's cluster phases).
haproxy_config() {
  local front="$1"; shift
  cat <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # a busy node answers its health check late, not never
  timeout check 3s
  # a request refused by a node that died mid-connection is tried on another
  retries 2
  option redispatch
frontend planledger
  bind 127.0.0.1:$front
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /health/ready
  http-check expect status 200
  default-server inter 1s fall 2 rise 2
  # which node answered, for operators and the benchmark
  http-response set-header X-PlanLedger-Node %s
CFG
  local i=1
  for p in "$@"; do echo "  server node$i 127.0.0.1:$p check"; i=$((i + 1)); done
}

write_haproxy_config() {
  haproxy_config "$port" $(for i in $(seq 1 "$nodes"); do echo $((port + i)); done) > "$state/haproxy.cfg"
}

wait_ready() {
  local url="$1" pidfile="$2"
  for _ in $(seq 1 240); do
    curl -fsS "$url/health/ready" >/dev/null 2>&1 && return 0
    [[ -z "$pidfile" ]] || alive "$pidfile" || { say "$url exited; see $state/$(basename "$pidfile" .pid).log"; return 1; }
    sleep 0.5
  done
  say "$url did not become ready"; return 1
}

start() {
  source "$root/deploy/env.sh"
  mkdir -p "$state"
  ensure_haproxy
  dotnet build "$root/src/PlanLedger.Api" -c Release -v quiet -nologo -clp:NoSummary >&2
  for i in $(seq 1 "$nodes"); do
    local pidfile="$state/node$i.pid"
    alive "$pidfile" && continue
    # Rate limits are per node (in memory); HAProxy spreads a client's requests evenly, so each node gets its share.
    Ledger__Daemon=Distributed Ledger__RateLimit__PermitsPerSecond=$(( ${PLANLEDGER_RATE_LIMIT:-200} / nodes )) \
      ASPNETCORE_URLS="http://127.0.0.1:$((port + i))" \
      ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
      setsid dotnet "$dll" > "$state/node$i.log" 2>&1 < /dev/null &
    echo $! > "$pidfile"
  done
  for i in $(seq 1 "$nodes"); do wait_ready "http://127.0.0.1:$((port + i))" "$state/node$i.pid"; done
  write_haproxy_config
  stop_pid "$state/haproxy.pid"
  haproxy -f "$state/haproxy.cfg" -D -p "$state/haproxy.pid"
  wait_ready "http://127.0.0.1:$port" ""
  if [[ "${PLANLEDGER_SEED:-1}" == 1 && ! -f "$state/seeded" ]]; then
    "$root/deploy/seed.sh" "http://127.0.0.1:$port" && touch "$state/seeded"
  fi
  say "$nodes nodes behind http://127.0.0.1:$port (logs in $state); deploy/cluster.sh status | stop"
}

status() {
  source "$root/deploy/env.sh"
  for i in $(seq 1 "$nodes"); do
    local url="http://127.0.0.1:$((port + i))" health
    health="$(curl -s -m 3 "$url/health/ready" 2>/dev/null | head -c 200 || true)"
    printf 'node%s %s pid %s: %s\n' "$i" "$url" "$(cat "$state/node$i.pid" 2>/dev/null || echo -)" "${health:-down}"
  done
  alive "$state/haproxy.pid" && echo "haproxy http://127.0.0.1:$port pid $(cat "$state/haproxy.pid")" || echo "haproxy down"
  psql_db -c "select a.id as agent, n.uri as node_control_uri, n.node_number as node from planledger.wolverine_node_assignments a
              join planledger.wolverine_nodes n on n.id = a.node_id order by 1" \
          -c "select pid, application_name, state, age(backend_xmin) as xmin_age from pg_stat_activity
              where datname = current_database() and backend_xmin is not null order by 4 desc limit 5" || true
}

case "$cmd" in
  start) start ;;
  stop)
    stop_pid "$state/haproxy.pid"
    for pidfile in "$state"/node*.pid; do [[ -e "$pidfile" ]] && stop_pid "$pidfile"; done
    rm -f "$state/seeded"
    "$root/deploy/db.sh" stop
    ;;
  status) status ;;
  haproxy-config) shift; haproxy_config "$@" ;;
  *) echo "usage: deploy/cluster.sh [start|stop|status]" >&2; exit 2 ;;
esac
