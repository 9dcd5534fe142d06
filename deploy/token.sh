#!/usr/bin/env bash
# Mints a development token: deploy/token.sh --role partner-writer --partnership orkney [--client name] [--hours n]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh" >/dev/null
cd "$root"
dll=src/PlanLedger.Api/bin/Release/net10.0/PlanLedger.Api.dll
[[ -f $dll ]] || dotnet build src/PlanLedger.Api -c Release -v quiet -nologo >&2
dotnet "$dll" mint-token "$@"
