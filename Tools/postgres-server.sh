# A throwaway PostgreSQL server of Debian's packages, on a loopback port, for CI and the
# benchmarks: `source Tools/postgres-server.sh; start_postgres PORT` sets GRANTLEDGER_PG_URL
# (a database grantledger_test, user grantledger, no password on loopback) and stops the server
# and removes its files when the calling shell exits, whatever the exit.
# Installs Debian's postgresql first if it is missing. As root, the server runs as Debian's
# postgres user (PostgreSQL refuses to run as root).

start_postgres() {
    local port=${1:-55432}
    shift || true
    if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        echo "--- installing postgresql"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
    fi
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    PG_DIR=$(mktemp -d /tmp/grantledger-pg.XXXXXX)
    PG_USER=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        PG_USER=$(id -un postgres 2>/dev/null || echo nobody)
        chown "$PG_USER" "$PG_DIR"
    fi
    trap stop_postgres EXIT
    echo "--- starting PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -E UTF8 --locale=C -A trust -U grantledger >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $PG_DIR -c max_connections=200 $*" start >/dev/null
    as_pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$port" -U grantledger grantledger_test
    GRANTLEDGER_PG_URL="postgres://grantledger@127.0.0.1:$port/grantledger_test"
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid="$PG_USER" --regid="$(id -g "$PG_USER")" --clear-groups -- "$@"
    else
        "$@"
    fi
}

stop_postgres() {
    [ -n "${PG_DIR:-}" ] || return 0
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
