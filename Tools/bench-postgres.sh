#!/usr/bin/env bash
# The event log on PostgreSQL beside SQLite, in one run on one machine, and pgbench's ceiling on
# the same server: plain inserts of rows of the log's shape, with its unique indexes and party
# index, no validation and no hashing.
#
#   Tools/bench-postgres.sh [EVENTS] [BATCH]        (defaults: 100000 events, batches of 10000)
#
# Starts a throwaway server (Tools/postgres-server.sh) with shared_buffers = 512MB, fsync on.
# GRANTLEDGER_BENCH_SCRATCH picks the build folder (default .build-release).
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-100000}
BATCH=${2:-10000}
PORT=${GRANTLEDGER_BENCH_PG_PORT:-55433}
source Tools/postgres-server.sh
start_postgres "$PORT" -c shared_buffers=512MB

SCRATCH=${GRANTLEDGER_BENCH_SCRATCH:-.build-release}
swift build -c release --scratch-path "$SCRATCH" --product grants-log-bench 2>&1 | tail -n 1
"$SCRATCH"/release/grants-log-bench --events "$EVENTS" --batch "$BATCH" --singles 500 --stream-reads 2000 \
    --dir .build-bench-log --postgres "$GRANTLEDGER_PG_URL"

echo
echo "pgbench ceiling on the same server"
psql -q "$GRANTLEDGER_PG_URL" <<'SQL'
CREATE TABLE plain_events (
    position BIGINT PRIMARY KEY, event_id BYTEA NOT NULL UNIQUE, stream_id TEXT COLLATE "C" NOT NULL,
    stream_version BIGINT NOT NULL, type TEXT NOT NULL, schema_version BIGINT NOT NULL, occurred_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL, correlation_id TEXT, causation_id TEXT,
    data TEXT NOT NULL, hash BYTEA NOT NULL, UNIQUE (stream_id, stream_version));
CREATE TABLE plain_parties (party TEXT COLLATE "C" NOT NULL, position BIGINT NOT NULL, PRIMARY KEY (party, position));
CREATE SEQUENCE plain_position;
SQL
rows() {
    cat <<SQL
WITH batch AS (SELECT nextval('plain_position') AS p FROM generate_series(1, $1)),
     added AS (
         INSERT INTO plain_events
         SELECT p, uuid_send(gen_random_uuid()), 'employment:91350200MA31XM001A:' || (p % 20000), p,
                'employment.month-recorded', 1, '2024-03-01', '2024-03-02T00:00:00.000Z', 'bench', 'si-feed', NULL, NULL,
                '{"employee":"P' || lpad(p::text, 23, '0') || '","employer":"91350200MA31XM001A","month":"2024-03"' || repeat(' ', 200) || '}',
                sha256(p::text::bytea)
         FROM batch RETURNING position)
INSERT INTO plain_parties SELECT 'P' || lpad(position::text, 23, '0'), position FROM added;
SQL
}
rows "$BATCH" > "$PG_DIR/batch.sql"
rows 1 > "$PG_DIR/single.sql"
pgrate() {  # transactions/s of a pgbench run
    as_pg pgbench -n -h 127.0.0.1 -p "$PORT" -U grantledger -f "$1" -t "$2" grantledger_test 2>/dev/null \
        | awk '/^tps = / { print $3 }'
}
batched=$(pgrate "$PG_DIR/batch.sql" $((EVENTS / BATCH)))
single=$(pgrate "$PG_DIR/single.sql" 500)
awk -v t="$batched" -v b="$BATCH" -v s="$single" 'BEGIN {
    printf "| pgbench ceiling | batched insert, rows/s (transactions of %d) | single-row transactions/s |\n|---|---:|---:|\n| plain rows, same indexes | %d | %d |\n", b, t * b, s }'
