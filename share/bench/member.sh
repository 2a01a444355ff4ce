#!/bin/sh
# member import against sqlite3 .import of the same file into a table with
# the same unique indexes (code, phone): wall time, CPU time and peak
# memory of each, in the same run.  Two files: members with a full profile
# (each one is also given the profile bonus: a ledger entry and a lot),
# and members without an email (no bonus), which measures the import
# machinery alone.
set -eu
n=${BENCH_MEMBERS:-100000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
gen() {	# deterministic; codes and phones scattered, as an old system's are
	awk -v n="$n" -v email="$1" 'BEGIN {
		print "code,phone,name,email,birthday,joined"
		for (i = 1; i <= n; i++)
			printf "C%08d,139%08d,Name %d,%s,19%02d-%02d-%02d,2025-%02d-%02d\n",
			    (i * 7919) % 10000019, (i * 104729) % 99999989, i,
			    email ? "u" i "@example.com" : "",
			    50 + i % 50, 1 + i % 12, 1 + i % 28, 1 + i % 12, 1 + i % 28
	}'
}
measure() {	# prints "wall user+sys maxrss_kb"
	/usr/bin/time -f '%e %U %S %M' -o "$dir/t" "$@" >/dev/null 2>&1 || {
		echo "failed: $*" >&2; exit 1; }
	awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$dir/t"
}
row() { printf '  %-36s %8s s wall %8s s cpu %8s KB\n' "$@"; }
for kind in full noemail; do
	f=$dir/$kind.csv
	gen "$([ $kind = full ] && echo 1 || echo 0)" > "$f"
	rm -f "$dir"/j.db* "$dir"/s.db
	set -- $(measure sqlite3 "$dir/s.db" \
		"CREATE TABLE member (code TEXT NOT NULL UNIQUE, phone TEXT UNIQUE, name TEXT, email TEXT, birthday TEXT, joined TEXT);" \
		".mode csv" ".import --skip 1 $f member")
	sw=$1 sc=$2 sm=$3
	set -- $(JIFEN_DB=$dir/j.db JIFEN_OPERATOR=bench measure member import -q "$f")
	jw=$1 jc=$2 jm=$3
	set -- $(JIFEN_DB=$dir/j.db JIFEN_OPERATOR=bench measure member import -q "$f")
	rw=$1
	echo "member import, $n rows, $( [ $kind = full ] &&
	    echo 'full profiles: every member also gets the 50-point profile bonus' ||
	    echo 'no email: no profile bonus')"
	row "sqlite3 .import (baseline)" "$sw" "$sc" "$sm"
	row "member import" "$jw" "$jc" "$jm"
	row "member import again (idempotent)" "$rw" "-" "-"
	awk -v a="$jw" -v b="$sw" -v c="$jc" -v d="$sc" 'BEGIN {
		printf "  ratio member/sqlite3: %.2fx wall, %.2fx cpu (aim <= 1.5x)\n", a / b, c / d }'
done
