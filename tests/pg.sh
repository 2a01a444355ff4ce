#!/bin/sh
# A throwaway PostgreSQL cluster for make check-pg (DESIGN.md section 7):
# initdb and pg_ctl as an unprivileged user (nobody, when run as root),
# in a temporary directory, listening only on a Unix socket there; the
# command given runs with $JIFEN_TEST_PG naming that socket's directory
# and $JIFEN_TEST_PG_USER the cluster's superuser, then the cluster is
# stopped and removed, whatever the command's status.
#
#	sh tests/pg.sh sh tests/run.sh
set -u
bin=$(pg_config --bindir 2>/dev/null)
[ -x "$bin/initdb" ] || bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ ! -x "$bin/initdb" ]; then
	echo "pg.sh: no PostgreSQL server (initdb): apt-get install -y postgresql" >&2
	exit 1
fi
dir=$(mktemp -d /tmp/jifen-pg.XXXXXX) || exit 1
chmod 755 "$dir"
as=""
if [ "$(id -u)" = 0 ]; then
	chown nobody "$dir"
	as="runuser -u nobody --"
fi
stop() {
	$as "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM
# byte order (locale C) as SQLite compares text; nothing to keep, so
# nothing synced
$as "$bin/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C -U jifen \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
$as "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -o "-k $dir \
    -c listen_addresses= -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off -c max_connections=200" start >/dev/null ||
	{ cat "$dir/log" >&2; exit 1; }
JIFEN_TEST_PG=$dir JIFEN_TEST_PG_USER=jifen "$@"
