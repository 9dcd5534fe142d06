#!/usr/bin/env bash
# The web screens' dependencies, installed by the project itself and idempotent:
#   the npm packages of src/PlanLedger.Api/Web/assets (npm ci, when its lock file changed or node_modules is missing);
#   with --browser, Debian's chromium for the browser tests (apt-get, when /usr/bin/chromium is missing).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
assets="$root/src/PlanLedger.Api/Web/assets"

if ! command -v npm >/dev/null 2>&1; then
  echo "web-deps: npm is missing; installing Debian's nodejs and npm" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
stamp="$assets/node_modules/.package-lock.json"
if [[ ! -f "$stamp" || "$assets/package-lock.json" -nt "$stamp" ]]; then
  (cd "$assets" && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ "${1:-}" == "--browser" && ! -x /usr/bin/chromium ]]; then
  echo "web-deps: installing Debian's chromium for the browser tests" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
