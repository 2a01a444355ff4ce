#!/bin/sh
# member import against sqlite3 .import of the same file into a table with
# the same unique indexes (code, phone): wall time and peak memory of each.
set -eu
n=${BENCH_MEMBERS:-100000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
f=$dir/members.csv
# deterministic; codes and phones in scattered order, as an old system's are
awk -v n="$n" 'BEGIN {
	print "code,phone,name,email,birthday,joined"
	for (i = 1; i <= n; i++)
		printf "C%08d,139%08d,Name %d,u%d@example.com,19%02d-%02d-%02d,2025-%02d-%02d\n",
		    (i * 7919) % 10000019, (i * 104729) % 99999989, i, i,
		    50 + i % 50, 1 + i % 12, 1 + i % 28, 1 + i % 12, 1 + i % 28
}' > "$f"
measure() {	# prints "seconds maxrss_kb"
	/usr/bin/time -f '%e %M' -o "$dir/t" "$@" >/dev/null 2>&1 || {
		echo "failed: $*" >&2; exit 1; }
	cat "$dir/t"
}
set -- $(JIFEN_DB=$dir/j.db JIFEN_OPERATOR=bench measure member import -q "$f")
jt=$1 jm=$2
set -- $(measure sqlite3 "$dir/s.db" \
	"CREATE TABLE member (code TEXT NOT NULL UNIQUE, phone TEXT UNIQUE, name TEXT, email TEXT, birthday TEXT, joined TEXT);" \
	".mode csv" ".import --skip 1 $f member")
st=$1 sm=$2
set -- $(JIFEN_DB=$dir/j.db JIFEN_OPERATOR=bench measure member import -q "$f")
rt=$1
echo "member import, $n rows (every row a new member with a full profile)"
printf '  %-34s %8s s %8s KB\n' "sqlite3 .import (baseline)" "$st" "$sm"
printf '  %-34s %8s s %8s KB\n' "member import" "$jt" "$jm"
printf '  %-34s %8s s\n' "member import again (idempotent)" "$rt"
awk -v a="$jt" -v b="$st" 'BEGIN { printf "  ratio member/sqlite3: %.2fx (aim <= 1.5x)\n", a / b }'
