#!/usr/bin/env bash
# The benchmark: Release builds, a PostgreSQL from deploy/db.sh, figures to tests/PlanLedger.Benchmarks/results/latest.{json,md}.
# deploy/bench.sh [--quick]   (--quick: short phases and 4 partnerships, to check the harness itself)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
dotnet build src/PlanLedger.Api -c Release -v quiet -nologo
dotnet build tests/PlanLedger.Benchmarks -c Release -v quiet -nologo
dotnet tests/PlanLedger.Benchmarks/bin/Release/net10.0/PlanLedger.Benchmarks.dll \
  src/PlanLedger.Api/bin/Release/net10.0/PlanLedger.Api.dll tests/PlanLedger.Benchmarks/results "$@"
