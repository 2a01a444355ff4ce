#!/bin/sh
# sale import against tests/bench/sale_baseline.c, a minimal C program
# doing the same writes (sale, sale_line, move and stock, ledger, lot,
# balance) with sqlite3 prepared statements, on copies of one database
# holding the same members and products: lines per second of each, and
# the ratio.  SALE_LINES sets the file's size (default 1000000).
set -eu
n=${SALE_LINES:-1000000}
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export JIFEN_OPERATOR=bench JIFEN_NOW="2026-12-31 20:00:00" TZ=UTC
nmem=$((n / 20 + 1))
nprod=1000

. "$top/share/bench/book.inc"
bench_book "$dir" "$nmem" "$nprod"

# deterministic: 1 to 5 lines a receipt (3 on average), 70% with a
# member, the receipts in time order over 2026, explicit prices
awk -v n="$n" -v m="$nmem" -v p="$nprod" 'BEGIN {
	print "receipt,at,member,sku,qty,price"
	r = 0; i = 0; days = 336
	while (i < n) {
		k = 1 + r % 5
		d = int(r * 3 * days / n); if (d >= days) d = days - 1
		at = sprintf("2026-%02d-%02d %02d:%02d:00", 1 + int(d / 28),
		    1 + d % 28, 9 + r % 12, r % 60)
		mem = (r % 10 < 7) ? sprintf("M%07d", 1 + (r * 7919) % m) : ""
		for (l = 0; l < k && i < n; l++) {
			s = (r * 31 + l * 17) % p
			printf "R%09d,%s,%s,S%04d,%d,%d.%02d\n", r, at, mem, s,
			    1 + (r + l) % 3, 1 + s % 200, s % 100
			i++
		}
		r++
	}
}' > "$dir/sales.csv"

# the last connection to close checkpoints the WAL: one file to copy
cp "$dir/base.db" "$dir/jifen.db"
cp "$dir/base.db" "$dir/c.db"
cc -O2 -o "$dir/baseline" "$top/tests/bench/sale_baseline.c" -lsqlite3

measure() {	# prints "wall_s user_s sys_s maxrss_kb"
	/usr/bin/time -f '%e %U %S %M' -o "$dir/t" "$@" >/dev/null 2>"$dir/err" || {
		echo "failed: $*" >&2; cat "$dir/err" >&2; exit 1; }
	cat "$dir/t"
}
set -- $(measure "$dir/baseline" "$dir/c.db" "$dir/sales.csv")
bt=$1 bc=$(echo "$2 $3" | awk '{ print $1 + $2 }') bm=$4
set -- $(JIFEN_DB=$dir/jifen.db measure sale import -q "$dir/sales.csv")
jt=$1 jc=$(echo "$2 $3" | awk '{ print $1 + $2 }') jm=$4
set -- $(JIFEN_DB=$dir/jifen.db measure sale import -q "$dir/sales.csv")
rt=$1
echo "sale import, $n lines ($nmem members, $nprod products)"
# wall time is what a shop waits; CPU time (user + system) is steadier on a
# shared machine
awk -v n="$n" -v b="$bt" -v bc="$bc" -v bm="$bm" -v j="$jt" -v jc="$jc" \
    -v jm="$jm" -v r="$rt" 'BEGIN {
	if (b <= 0) b = 0.01; if (j <= 0) j = 0.01; if (r <= 0) r = 0.01
	if (bc <= 0) bc = 0.01; if (jc <= 0) jc = 0.01
	printf "  %-32s %8.2f s %9d lines/s %8.2f s cpu %8d KB\n", "sale_baseline.c (baseline)", b, n / b, bc, bm
	printf "  %-32s %8.2f s %9d lines/s %8.2f s cpu %8d KB\n", "sale import", j, n / j, jc, jm
	printf "  %-32s %8.2f s %9d lines/s\n", "sale import again (idempotent)", r, n / r
	printf "  ratio sale/baseline: %.2fx wall, %.2fx cpu (aim <= 1.5x)\n", j / b, jc / bc
}'
