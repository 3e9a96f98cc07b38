#!/usr/bin/env bash
# Import throughput and peak memory: the synthetic city's insured months written as the
# social-insurance CSV feed (Tools/city-to-feed.py), imported through Tools/mappings/si-months.yaml.
#
#   Tools/bench-import.sh [ROWS ...]        default: 100000 1000000
#
# For each size: a first import into a fresh ledger (every row appended), the same file again
# (every row already there), and the file converted to GB18030 into another fresh ledger.
# Reports rows/s and peak RSS (from /usr/bin/time). Projections are left to catch up later
# (--skip-projections): this measures the intake, not the rules engine.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000}")
sizes=(${sizes[@]})
work=${BENCH_DIR:-$(mktemp -d /tmp/grants-import-bench.XXXXXX)}
echo "--- building (release)"
swift build -c release --scratch-path .build-bench --product grants >/dev/null
swift build -c release --scratch-path .build-bench --product grants-city >/dev/null
bin=.build-bench/release

measure() {  # label, then the grants arguments
    local label=$1; shift
    local out=$work/time.txt
    /usr/bin/time -v "$bin/grants" "$@" --skip-projections --quiet >"$work/import.txt" 2>"$out" || true
    local rows seconds rss
    rows=$(grep -o '^[^:]*: [0-9]* rows read' "$work/import.txt" | grep -o '[0-9]* rows' | grep -o '[0-9]*' || echo 0)
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2, t, ":"); s = 0; for (i = 1; i <= length(t); i++) s = s * 60 + t[i]; print s}' "$out")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$out")
    printf "| %s | %s | %s s | %s rows/s | %s MiB |\n" "$label" "$rows" "$seconds" "$(awk -v r="$rows" -v s="$seconds" 'BEGIN {printf "%.0f", r / s}')" "$rss"
    tail -n 1 "$work/import.txt" >&2
}

echo "| run | rows | time | throughput | peak RSS |"
echo "|---|---:|---:|---:|---:|"
for rows in "${sizes[@]}"; do
    people=$(( rows / 13 + 1000 ))
    "$bin/grants-city" --people "$people" --quiet --output "$work/city.jsonl" 2>/dev/null
    python3 Tools/city-to-feed.py "$work/city.jsonl" "$rows" >"$work/si.csv"
    rm -f "$work/city.jsonl" "$work"/ledger*.sqlite*
    "$bin/grants" init --db "$work/ledger.sqlite" >/dev/null
    measure "UTF-8, new rows" import csv "$work/si.csv" --mapping Tools/mappings/si-months.yaml --db "$work/ledger.sqlite"
    measure "UTF-8, the same file again" import csv "$work/si.csv" --mapping Tools/mappings/si-months.yaml --db "$work/ledger.sqlite"
    iconv -f utf-8 -t gb18030 "$work/si.csv" >"$work/si-gb.csv"
    "$bin/grants" init --db "$work/ledger-gb.sqlite" >/dev/null
    measure "GB18030, new rows" import csv "$work/si-gb.csv" --mapping Tools/mappings/si-months.yaml --encoding gb18030 --db "$work/ledger-gb.sqlite"
    rm -f "$work"/si*.csv "$work"/ledger*.sqlite*
done
echo "(files in $work)"
