#!/usr/bin/env bash
# README command 2: PostgreSQL (or Testcontainers where Docker answers), then the whole suite.
# Extra arguments go to dotnet test, e.g. --filter FullyQualifiedName~ContractTests
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$root"
"$root/deploy/web-deps.sh" --browser
results="$root/.data/test-results"
rm -rf "$results"
dotnet test PlanLedger.sln -c Release --logger trx \
  --results-directory "$results" "$@"
rc=$?
# One results file per test project: the closing line adds them up.
mapfile -t trx < <(find "$results" -name '*.trx' 2>/dev/null)
if [[ ${#trx[@]} -gt 0 ]]; then
  count() { grep -ho '<Counters [^>]*>' "${trx[@]}" | sed -E "s/.* $1=\"([0-9]+)\".*/\1/" | awk '{ s += $1 } END { print s + 0 }'; }
  passed="$(count passed)"; failed="$(count failed)"; total="$(count total)"; executed="$(count executed)"
  skipped=$(( total - executed ))
  echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
else
  echo "tests: 0 passed, 1 failed"
  [[ $rc -eq 0 ]] && rc=1
fi
exit $rc
