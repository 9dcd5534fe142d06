#!/usr/bin/env bash
# The benchmark: the API built as production is (pre-generated Wolverine code, TypeLoadMode Static,
# Release, ReadyToRun), a PostgreSQL from deploy/db.sh, figures to
# tests/PlanLedger.Benchmarks/results/latest.{json,md}, also printed.
# deploy/bench.sh [--quick] [--writes-only] [--memory-only] [--soak-only] [--web-only] [--cluster] [--spread]
#   --quick: short phases and 4 partnerships, to check the harness itself
#   --writes-only: the limit, Marten and HTTP write phases only, to results/writes-only/ (compare two builds back to back)
#   --memory-only: only the sustained mixed load and the API memory under it, to results/memory.{json,md}
#   --soak-only: only the 10-minute soak (xmin ages, dead tuples, PostgreSQL CPU per write first vs last minute), to results/soak/
#   --web-only: only the web screens' render times, on the last full run's database, to results/web.{json,md}
#   --cluster: one and three API nodes behind HAProxy, and a node killed, to results/cluster.{json,md}
#   --spread: the API on one database, then on a pool of two (Ledger:Databases), to results/spread.{json,md}
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
api="$root/.data/bench-api"
generated="$root/src/PlanLedger.Api/Internal/Generated"
trap 'rm -rf "$generated"' EXIT
dotnet run --project src/PlanLedger.Api -c Release -- codegen write >/dev/null
dotnet publish src/PlanLedger.Api -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$api" -v quiet -nologo
rm -rf "$generated"
dotnet build tests/PlanLedger.Benchmarks -c Release -v quiet -nologo
dotnet tests/PlanLedger.Benchmarks/bin/Release/net10.0/PlanLedger.Benchmarks.dll "$api/PlanLedger.Api.dll" tests/PlanLedger.Benchmarks/results "$@"
