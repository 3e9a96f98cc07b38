#!/usr/bin/env bash
# Times the `grants` command line on synthetic logs of growing size and reports peak memory
# (maximum resident set size) of append, verify and a full read, to show that memory does not
# grow with the number of events.
#
#     Tools/bench-cli.sh [EVENTS ...]        default: 100000 1000000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000}")
[ $# -gt 0 ] || sizes=(100000 1000000)
swift build -c release --product grants >/dev/null
swift build -c release --product grants-log-bench >/dev/null
out=bench-out/cli
mkdir -p "$out"

measure() {  # label command...: prints seconds and peak RSS in MiB of the command
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
start = time.monotonic()
with open("/dev/null", "w") as sink:
    code = subprocess.run(sys.argv[2:], stdout=sink).returncode
elapsed = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(f"{sys.argv[1]}\t{elapsed:.1f}\t{peak}\t{code}")
PY
}

printf "events\tcommand\tseconds\tpeak RSS MiB\texit\n"
for n in "${sizes[@]}"; do
    rm -f "$out/ledger.sqlite"*
    .build/release/grants-log-bench --events "$n" --write-jsonl "$out/events-$n.jsonl" >/dev/null
    .build/release/grants init --db "$out/ledger.sqlite" >/dev/null
    while IFS=$'\t' read -r label secs peak code; do
        printf "%s\t%s\t%s\t%s\t%s\n" "$n" "$label" "$secs" "$peak" "$code"
    done < <(
        measure "append (one file)" .build/release/grants append --db "$out/ledger.sqlite" "$out/events-$n.jsonl"
        measure "append again (all duplicates)" .build/release/grants append --db "$out/ledger.sqlite" "$out/events-$n.jsonl"
        measure "verify" .build/release/grants verify --db "$out/ledger.sqlite"
        measure "events --json (full read)" .build/release/grants events --db "$out/ledger.sqlite" --json
    )
    rm -f "$out/events-$n.jsonl"
done
