#!/usr/bin/env bash
# Writes docs/dashboard-targets.png: the dashboard's targets page on the demo ledger, as headless
# Chromium renders it after logging in through the login form (Tools/dashboard/browse.py, the
# same driver the browser test uses). A token for the run is created and revoked afterwards.
#
#   Tools/dashboard/screenshot.sh [DEMO_DB]     # default /tmp/demo.sqlite, made with `grants demo` if missing
#   BIN=.build/release/grants PORT=8089 Tools/dashboard/screenshot.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DB=${1:-/tmp/demo.sqlite}
BIN=${BIN:-.build/debug/grants}
PORT=${PORT:-8089}
[ -f "$DB" ] || "$BIN" demo --db "$DB"
TOKEN=$("$BIN" tokens create --role auditor --label dashboard-screenshot --db "$DB" | head -1)
TOKEN_ID=$(echo "$TOKEN" | cut -d_ -f2)
OUT=$(mktemp -d)
"$BIN" serve --db "$DB" --port "$PORT" > "$OUT/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; "$BIN" tokens revoke "$TOKEN_ID" --db "$DB" > /dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 0.2; done
echo "$TOKEN" | python3 Tools/dashboard/browse.py --base "http://127.0.0.1:$PORT" --out "$OUT" \
    --page targets=/targets --screenshot targets --window 1280,900 --max-height 1300 > /dev/null
mkdir -p docs
cp "$OUT/targets.png" docs/dashboard-targets.png
echo "wrote docs/dashboard-targets.png"
