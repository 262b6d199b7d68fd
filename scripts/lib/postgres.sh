# Throwaway PostgreSQL on a free loopback port, for scripts/test and bench/run (source this file).
#
#   start_postgres DIR [NAME=VALUE...]   # initdb under DIR/pg, start with those server settings;
#                                        # sets pg_bin, pg_port, pg_url (superuser, db postgres)
#   restart_postgres DIR MODE   # pg_ctl restart -m MODE (fast, immediate), waiting until it is back
#   start_standby DIR PRIMARY_PORT   # pg_basebackup of the primary on PRIMARY_PORT into DIR/pg, started
#                                    # as its streaming standby; sets standby_port, standby_url
#   stop_postgres DIR    # immediate stop; safe to call when it never started
#
# PostgreSQL refuses to run as root, so under root the cluster belongs to an unprivileged user.
# max_connections is 400: the tests run many stores and server processes at once, each with its
# pools of ingest, reads and background jobs.

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_db_user=()
if [ "$(id -u)" = 0 ]; then
    as_db_user=(runuser -u logsmith-test --)
fi

start_postgres() {
    local dir=$1 setting settings=""
    shift
    for setting in "$@"; do settings+=" -c $setting"; done
    if [ "$(id -u)" = 0 ]; then
        id logsmith-test >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin logsmith-test
        chown logsmith-test "$dir"
    fi
    pg_port=$(free_port)
    "${as_db_user[@]}" "$pg_bin/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    "${as_db_user[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w \
        -o "-p $pg_port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400$settings" start >/dev/null
    pg_url="postgres://postgres@127.0.0.1:$pg_port/postgres"
}

start_standby() {
    local dir=$1 primary_port=$2
    [ "$(id -u)" = 0 ] && chown logsmith-test "$dir"
    standby_port=$(free_port)
    "${as_db_user[@]}" "$pg_bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/pg" \
        --write-recovery-conf --wal-method=stream --checkpoint=fast >/dev/null
    "${as_db_user[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w \
        -o "-p $standby_port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400" start >/dev/null
    standby_url="postgres://postgres@127.0.0.1:$standby_port/postgres"
}

stop_postgres() {
    local dir=$1
    [ -f "$dir/pg/postmaster.pid" ] && "${as_db_user[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1
    return 0
}

restart_postgres() {
    local dir=$1 mode=$2
    "${as_db_user[@]}" "$pg_bin/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -m "$mode" -w restart >/dev/null
}
