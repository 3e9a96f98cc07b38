#!/usr/bin/env bash
# Runs `grants serve` on a loopback port over a fresh ledger holding the catalog's examples,
# then checks it against its own OpenAPI document with independent tools from PyPI:
# openapi-spec-validator validates the document it serves, and schemathesis exercises every
# operation with each role's token in a bounded run (a few examples per operation, a timeout
# per request), failing on a server error, an undocumented status or content type, or a body
# that does not match its schema. The server is stopped at the end, whatever happens.
#
#     Tools/openapi/check-service.sh [EXAMPLES_PER_OPERATION]     (default 25)
set -euo pipefail
cd "$(dirname "$0")/../.."
examples="${1:-25}"
grants=".build/debug/grants"
[ -x "$grants" ] || { echo "build first: swift build" >&2; exit 2; }

work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

db="$work/ledger.sqlite"
"$grants" init --db "$db" >/dev/null
"$grants" append EventSchemas/examples/valid.jsonl --db "$db" >/dev/null
declare -A token
for role in intake caseworker auditor manager admin; do
    token[$role]=$("$grants" tokens create --role "$role" --label "check-service $role" --db "$db" | head -n 1)
done

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$grants" serve --db "$db" --host 127.0.0.1 --port "$port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$port/health" >/dev/null || { cat "$work/serve.log" >&2; echo "the service did not start" >&2; exit 1; }

curl -sf "http://127.0.0.1:$port/openapi.json" -o "$work/openapi.json"
python3 -m openapi_spec_validator "$work/openapi.json"

status=0
for role in intake caseworker auditor manager admin; do
    echo "--- schemathesis as $role"
    schemathesis run "http://127.0.0.1:$port/openapi.json" \
        --header "Authorization: Bearer ${token[$role]}" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" --request-timeout 10 --generation-deterministic --no-color \
        --suppress-health-check all --workers 1 || status=1
done
if grep -q '"error' "$work/serve.log" && grep -q "internal error" "$work/serve.log"; then
    echo "--- the service logged internal errors:" >&2
    grep "internal error" "$work/serve.log" >&2
    status=1
fi
exit $status
