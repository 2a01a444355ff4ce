#!/bin/sh
# member import against two baselines, on the same file in the same run:
# sqlite3 .import into a table with the same unique indexes (code,
# phone), and tests/bench/member_peer.py, a Python csv + sqlite3
# executemany script writing the same rows (the members, their referrers,
# the profile bonus's entry and balance) in one transaction.  Two files
# of BENCH_MEMBERS rows (default 1000000, book.inc's gen_members): 65%
# with an email, so a full profile and the 50-point profile bonus (a
# ledger entry and a lot), and the same rows without the emails (no
# bonus), which measures the import machinery alone.  15% of the rows
# name an earlier member as their referrer.  Wall time, CPU time and
# peak memory of each; the ratios of wall time, and of CPU time.
set -eu
n=${BENCH_MEMBERS:-1000000}
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export JIFEN_OPERATOR=bench JIFEN_NOW="2026-12-31 20:00:00" TZ=UTC
unset JIFEN_STORE
. "$top/share/bench/book.inc"
N=$(bench_n "$n")
py=yes
python3 -c 'import sqlite3' 2>/dev/null || {
	echo "member.sh: no python3 with sqlite3: the Python peer is left out" >&2
	py=
}

row() { printf '  %-36s %8s s wall %8s s cpu %8s KB\n' "$@"; }
for kind in full noemail; do
	f=$dir/$kind.csv
	gen_members "$n" "$([ $kind = full ] && echo 1 || echo 0)" > "$f"
	rm -f "$dir"/*.db*
	set -- $(bench_measure sqlite3 "$dir/s.db" \
		"CREATE TABLE member (code TEXT NOT NULL UNIQUE, phone TEXT UNIQUE, name TEXT, email TEXT, birthday TEXT, joined TEXT, referrer TEXT);" \
		".mode csv" ".import --skip 1 $f member")
	sw=$1 sc=$2 sm=$3
	set -- $(JIFEN_DB=$dir/j.db bench_measure member import -q "$f")
	jw=$1 jc=$2 jm=$3
	set -- $(JIFEN_DB=$dir/j.db bench_measure member import -q "$f")
	rw=$1
	if [ -n "$py" ]; then
		set -- $(bench_measure python3 "$top/tests/bench/member_peer.py" \
		    "$dir/p.db" "$f")
		pw=$1 pc=$2 pm=$3
	fi
	if [ $kind = full ]; then
		what="member import, $N rows, 65% with email (profile bonus)"
		echo "member import, $n rows, 65% with an email: the profile bonus (a ledger entry and a lot) for each"
		goal="≤ 2.0×"
	else
		what="member import, $N rows, no email"
		echo "member import, $n rows, no email: no profile bonus"
		goal="≤ 1.2×"
	fi
	row "sqlite3 .import (baseline)" "$sw" "$sc" "$sm"
	[ -z "$py" ] || row "member_peer.py (baseline)" "$pw" "$pc" "$pm"
	row "member import" "$jw" "$jc" "$jm"
	row "member import again (idempotent)" "$rw" "-" "-"
	result "member_$kind" "$jw s" "$sw s" \
	    "$(bench_ratio "$jw" "$sw") (cpu $(bench_ratio "$jc" "$sc"))" \
	    "$goal" "$what" "\`sqlite3 .import\` into a table with the same unique indexes"
	[ -z "$py" ] || result "member_${kind}_py" "$jw s" "$pw s" \
	    "$(bench_ratio "$jw" "$pw") (cpu $(bench_ratio "$jc" "$pc"))" \
	    "< 1× (faster than Python)" "$what, vs Python" \
	    "tests/bench/member_peer.py: csv + sqlite3 executemany, the same rows, one transaction"
	result "member_${kind}_again" "$rw s" "" "" "" \
	    "$what, the same file again (idempotent)" ""
done
