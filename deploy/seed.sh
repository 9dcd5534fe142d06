#!/usr/bin/env bash
# Loads seeds/ into a running API through its public HTTP endpoints, as each partnership's partner system would post them.
# Usage: deploy/seed.sh [url]   (default http://127.0.0.1:5080). Idempotent: a second run appends no events.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
url="${1:-${PLANLEDGER_URL:-http://127.0.0.1:5080}}"

dotnet build src/PlanLedger.Seeder -c Release -v quiet -nologo -clp:NoSummary >&2
dotnet src/PlanLedger.Seeder/bin/Release/net10.0/PlanLedger.Seeder.dll "$url" "$root/seeds"
