# Sourced by every bats suite: a fresh database for each test, the built
# tools first on PATH, a fixed clock, and after each test the audit of
# every invariant (DESIGN.md section 5) when the report tool is built.

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
: "${O:=build}"
case $O in /*) BIN=$O/bin ;; *) BIN=$TOP/$O/bin ;; esac
export PATH="$BIN:$PATH"
# The build's message catalogs (lib/err.c binds them from here, not from
# the install's LOCALEDIR); messages in English whatever the shell's
# language, its other categories as they were (l10n.bats speaks Chinese).
export JIFEN_LOCALEDIR="${BIN%/bin}/locale"
if [ -n "${LC_ALL:-}" ]; then
	export LANG=$LC_ALL
	unset LC_ALL
fi
unset LANGUAGE
export LC_MESSAGES=C

# The schema version this build writes, and the SQL that takes a book of
# it back to version 9, from where the migration tests go further back.
SCHEMA=$(sed -n 's/^#define SCHEMA_VERSION //p' "$TOP/lib/db.c")
BACK_TO_9="DROP TABLE draw_ticket; DROP TABLE draw;
    DROP INDEX redemption_held; DROP INDEX redemption_member;
    ALTER TABLE sale_line DROP COLUMN list_price;
    ALTER TABLE redemption DROP COLUMN hold_until;
    ALTER TABLE redemption DROP COLUMN picked_up;
    ALTER TABLE product DROP COLUMN gift_limit;
    ALTER TABLE product DROP COLUMN gift_from;
    ALTER TABLE product DROP COLUMN gift_to;"

# On PostgreSQL (make check-pg, tests/pg.sh) each test has a database of
# its own, empty as a new book's file is; pg_db NAME is its URI.
pg_db() {
	echo "postgresql:///$1?host=$JIFEN_TEST_PG&user=$JIFEN_TEST_PG_USER"
}

setup() {
	export JIFEN_DB="$BATS_TEST_TMPDIR/jifen.db"
	if [ -n "${JIFEN_TEST_PG:-}" ]; then
		PG_NAME="t_${BATS_ROOT_PID}_${BATS_SUITE_TEST_NUMBER}"
		psql -X -q -d "$(pg_db postgres)" \
		    -c "CREATE DATABASE $PG_NAME" >/dev/null || return 1
		export JIFEN_DB=$(pg_db "$PG_NAME")
	fi
	export JIFEN_NOW="2026-11-18 10:00:00"	# a Wednesday
	export JIFEN_OPERATOR=tester
	unset JIFEN_STORE JIFEN_BUSY_MS XDG_DATA_HOME
	export TZ=UTC
	cd "$BATS_TEST_TMPDIR" || return 1
	if declare -F local_setup >/dev/null; then local_setup; fi
}

teardown() {
	local ok=0

	if [ -x "$BIN/report" ] && book_exists && [ -z "${SKIP_AUDIT:-}" ]; then
		run as "$JIFEN_OPERATOR" report audit
		if [ "$status" -ne 0 ]; then
			echo "report audit failed after the test:" >&2
			echo "$output" >&2
			ok=1
		fi
	fi
	if [ -n "${PG_NAME:-}" ]; then
		psql -X -q -d "$(pg_db postgres)" \
		    -c "DROP DATABASE IF EXISTS $PG_NAME WITH (FORCE)" >/dev/null
	fi
	return $ok
}

# book_exists: whether a command has made the test's book yet.
book_exists() {
	if [ -n "${JIFEN_TEST_PG:-}" ]; then
		[ "$(sql "SELECT to_regclass('jf_schema') IS NOT NULL" \
		    2>/dev/null)" = t ]
	else
		[ -s "$JIFEN_DB" ]
	fi
}

# on_pg: true when the suite runs against PostgreSQL (make check-pg).
on_pg() {
	[ -n "${JIFEN_TEST_PG:-}" ]
}

# skip_pg WHY: a test of SQLite's file (its mode, its directory, its
# -wal, a backup), which a PostgreSQL book does not have.
skip_pg() {
	if on_pg; then skip "SQLite's file: $1"; fi
}

# pin_of NAME: the PIN the fixtures give NAME (staff in fixtures.bash).
pin_of() {
	case $1 in
	boss) echo 1001 ;;
	mgr) echo 2002 ;;
	tester) echo 3003 ;;
	cash) echo 4004 ;;
	*) echo 9999 ;;
	esac
}

# as NAME TOOL ARGS...: TOOL run by operator NAME, signed in by its PIN
# on file descriptor 3 (no PIN is read while none is needed: no staff,
# or NAME the login name).
as() {
	local who=$1 tool=$2

	shift 2
	"$tool" --operator "$who" --pin-fd 3 "$@" 3<<<"$(pin_of "$who")"
}

# as2 NAME APPROVER TOOL ARGS...: as as, with APPROVER's --approve and
# PIN after NAME's.
as2() {
	local who=$1 ok=$2 tool=$3

	shift 3
	"$tool" --operator "$who" --approve "$ok" --pin-fd 3 "$@" \
	    3< <(pin_of "$who"; pin_of "$ok")
}

# hire NAME ROLE [BY]: NAME registered with ROLE and its PIN (pin_of) by
# operator BY ($JIFEN_OPERATOR), who signs in by PIN once anyone is
# registered (the first needs none).
hire() {
	local by=${3:-$JIFEN_OPERATOR} n=0

	if book_exists; then
		n=$(sql "SELECT count(*) FROM operator" 2>/dev/null) || n=0
	fi
	if [ "${n:-0}" -eq 0 ]; then
		member --operator "$by" --pin-fd 3 operator add "$1" --role "$2" \
		    --pin 3<<<"$(pin_of "$1")" >/dev/null
	else
		member --operator "$by" --pin-fd 3 operator add "$1" --role "$2" \
		    --pin 3< <(pin_of "$by"; pin_of "$1") >/dev/null
	fi
}

# empty_book: an empty book, made as the first command that writes makes one
# (a command that only reads a missing or empty book exits 66).
empty_book() {
	member tiers --recalc -q >/dev/null
}

# sql QUERY: the database as sqlite3 (or psql, on PostgreSQL) sees it,
# for assertions: rows one a line, columns between |.
sql() {
	if on_pg; then
		psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$JIFEN_DB" -c "$@"
	else
		sqlite3 -batch -noheader "$JIFEN_DB" "$@"
	fi
}

# fail_unless_eq EXPECTED ACTUAL: a readable assertion.
eq() {
	if [ "$1" != "$2" ]; then
		printf 'expected: %s\n  actual: %s\n' "$1" "$2" >&2
		return 1
	fi
}

# closed_pipe DEFAULT|IGNORE CMD...: CMD with its stdout a pipe whose
# reader has gone: SIGPIPE kills it (DEFAULT) or is ignored and the
# write fails with EPIPE (IGNORE).
closed_pipe() {
	perl -e '$SIG{PIPE} = shift; pipe(my $r, my $w) or die;
	    close $r; open(STDOUT, ">&", $w) or die; exec @ARGV or die' "$@"
}

# as_nobody CMD...: CMD as a user the file modes bind (root ignores
# them), in the test's directory, which is opened to that user; fails
# when no such user can be had.
as_nobody() {
	if [ "$(id -u)" -ne 0 ]; then
		"$@"
		return
	fi
	command -v setpriv >/dev/null || return 1
	d=$BATS_TEST_TMPDIR
	chmod 777 "$d"
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		chmod o+x "$d" 2>/dev/null
	done
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# subs TOOL: each subcommand's path, as TOOL -h names it ("operator add");
# the tool's own action is the empty line.
subs() {
	"$1" -h | sed -n '/^common:/q; s/^usage://; p' |
	    awk -v t="$1" '$1 == t {
		p = ""
		for (i = 2; i <= NF && $i ~ /^[a-z]+$/; i++)
			p = p (p == "" ? "" : " ") $i
		print p
	    }' | sort -u
}
