#!/usr/bin/env bash
# The benchmark: the API published as in production (Release, ReadyToRun), a PostgreSQL from deploy/db.sh,
# figures to tests/PlanLedger.Benchmarks/results/latest.{json,md}, also printed.
# deploy/bench.sh [--quick]   (--quick: short phases and 4 partnerships, to check the harness itself)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
api="$root/.data/bench-api"
dotnet publish src/PlanLedger.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$api" -v quiet -nologo
dotnet build tests/PlanLedger.Benchmarks -c Release -v quiet -nologo
dotnet tests/PlanLedger.Benchmarks/bin/Release/net10.0/PlanLedger.Benchmarks.dll "$api/PlanLedger.Api.dll" tests/PlanLedger.Benchmarks/results "$@"
