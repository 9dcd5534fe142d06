#!/usr/bin/env bash
# README command 2: PostgreSQL (or Testcontainers where Docker answers), then the whole suite.
# Extra arguments go to dotnet test, e.g. --filter FullyQualifiedName~ContractTests
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
"$root/deploy/web-deps.sh" --browser
results="$root/.data/test-results"
rm -rf "$results"
dotnet test PlanLedger.sln -c Release --logger "trx;LogFileName=results.trx" \
  --results-directory "$results" "$@"
rc=$?
trx="$(find "$results" -name '*.trx' 2>/dev/null | head -n 1)"
if [[ -n "$trx" ]]; then
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  passed="$(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")"
  failed="$(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")"
  total="$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")"
  executed="$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")"
  skipped=$(( total - executed ))
  echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
else
  echo "tests: 0 passed, 1 failed"
  [[ $rc -eq 0 ]] && rc=1
fi
exit $rc
