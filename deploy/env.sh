# Sourced by run.sh, test.sh and token.sh: the database and the development signing key.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
PLANLEDGER_DB="$("$root/deploy/db.sh" start)"
export PLANLEDGER_DB
mkdir -p "$root/.data"
if [[ -z "${Auth__SigningKey:-}" ]]; then
  [[ -s "$root/.data/dev-signing-key" ]] || head -c 32 /dev/urandom | base64 > "$root/.data/dev-signing-key"
  Auth__SigningKey="$(cat "$root/.data/dev-signing-key")"
  export Auth__SigningKey
fi
