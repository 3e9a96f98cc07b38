#!/usr/bin/env bash
# Fuzzes the parsers of untrusted input with libFuzzer and AddressSanitizer.
#
#     Tools/fuzz.sh [SECONDS]        default 120; seeds from EventSchemas/examples
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
out=bench-out/fuzz
mkdir -p "$out/corpus"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name GrantLedgerEvents \
    $(find Sources/GrantLedgerEvents -name '*.swift') Tools/Fuzz/EventFuzzer.swift -o "$out/event-fuzzer"
# Seed with every example line and the data of each.
python3 - "$out/corpus" <<'PY'
import json, pathlib, sys
corpus = pathlib.Path(sys.argv[1])
for i, line in enumerate(pathlib.Path("EventSchemas/examples/valid.jsonl").read_text(encoding="utf-8").splitlines()):
    (corpus / f"line-{i}").write_text(line, encoding="utf-8")
    data = json.loads(line)["data"]
    (corpus / f"data-{i}").write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")), encoding="utf-8")
PY
# detect_leaks=0: Swift globals (the catalog, type metadata) live as long as the process, which
# LeakSanitizer reports at exit; crashes and memory errors are what this run looks for.
ASAN_OPTIONS=detect_leaks=0 "$out/event-fuzzer" "$out/corpus" -detect_leaks=0 -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 2>&1 | tail -n 15
