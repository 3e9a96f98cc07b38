#!/usr/bin/env bash
# A checkpoint and an inclusion proof made by `grants`, checked by Tools/verify-proof.py, which
# shares no code with it: the proof holds for someone with neither the ledger nor the program.
#
#     Tools/proofs/proof-roundtrip.sh [GRANTS]       default .build/debug/grants
set -euo pipefail
cd "$(dirname "$0")/../.."
grants=${1:-.build/debug/grants}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$grants" init --db "$work/ledger.sqlite" >/dev/null
"$grants" append --db "$work/ledger.sqlite" EventSchemas/examples/valid.jsonl >/dev/null
"$grants" checkpoint --db "$work/ledger.sqlite" --signing-key "$work/signing.key" --new-key --out "$work/checkpoint.json" >/dev/null
key=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["publicKey"])' "$work/checkpoint.json")
checked=0
for id in $("$grants" events --db "$work/ledger.sqlite" --json | python3 -c 'import json,sys; [print(json.loads(l)["eventId"]) for l in sys.stdin]'); do
    "$grants" prove "$id" --db "$work/ledger.sqlite" --checkpoint "$work/checkpoint.json" --out "$work/proof-$id.json" >/dev/null
    python3 Tools/verify-proof.py "$work/proof-$id.json" --public-key "$key" >/dev/null
    checked=$((checked + 1))
done
# A proof with one byte of its event changed must fail.
python3 - "$work/proof-$id.json" "$work/forged.json" <<'PY'
import json, sys
proof = json.load(open(sys.argv[1]))
proof["event"]["actor"] += "x"
json.dump(proof, open(sys.argv[2], "w"))
PY
if python3 Tools/verify-proof.py "$work/forged.json" --public-key "$key" >/dev/null 2>&1; then
    echo "proof-roundtrip: a forged proof was accepted" >&2
    exit 1
fi
echo "proof-roundtrip: $checked proofs from grants checked by Tools/verify-proof.py; a forged one refused"
