#!/usr/bin/env bash
# README command 1: PostgreSQL, then the API on http://127.0.0.1:5080 (Swagger UI at /swagger), then the seed data.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
url="${PLANLEDGER_URL:-http://127.0.0.1:5080}"

"$root/deploy/web-deps.sh"
dotnet build src/PlanLedger.Api -c Release -v quiet -nologo
ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}" \
  dotnet src/PlanLedger.Api/bin/Release/net10.0/PlanLedger.Api.dll &
api=$!
trap 'kill $api 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 120); do
  curl -fsS "$url/health/ready" >/dev/null 2>&1 && break
  kill -0 $api 2>/dev/null || { echo "run: the API exited" >&2; exit 1; }
  sleep 0.5
done
curl -fsS "$url/health/ready" >/dev/null || { echo "run: the API did not become ready" >&2; exit 1; }

if [[ -x "$root/deploy/seed.sh" && "${PLANLEDGER_SEED:-1}" == 1 ]]; then
  "$root/deploy/seed.sh" "$url"
fi

# Last thing printed, after the API's start-up lines and the seed load; in Development the API then
# logs one line per warning or error only (src/PlanLedger.Api/appsettings.json), so this stays in view.
cat <<MSG

================================================================================
PlanLedger is running.
  Web         $url/web   (sign in as any role: Development only)
  API         $url
  Swagger UI  $url/swagger
  OpenAPI     $url/openapi/v1.json
  Health      $url/health/ready
  Tokens      deploy/token.sh --role partner-writer --partnership orkney
  Database    $PLANLEDGER_DB   (deploy/db.sh stop to stop it)
Ctrl-C stops the API.
================================================================================
MSG
wait $api
