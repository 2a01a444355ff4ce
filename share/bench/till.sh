#!/bin/sh
# A till's pace: receipts a second recorded one transaction each, by
# tests/bench/sale_baseline.c committing every receipt (one C process,
# the baseline), by `sale add -` (one process answering a JSON line per
# receipt, each committed before its answer), and by a `sale add` process
# per receipt; the ratios against the baseline.  TILL_RECEIPTS sets the
# stream's and the baseline's count (default 3000), TILL_PROCS the
# processes' (default 300).  The baseline and the stream alternate
# TILL_ROUNDS times (default 5), and each pace is the median round's.
set -eu
n=${TILL_RECEIPTS:-3000}
np=${TILL_PROCS:-300}
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-till.XXXXXX")
[ -n "${TILL_KEEP:-}" ] || trap 'rm -rf "$dir"' EXIT
export JIFEN_OPERATOR=bench JIFEN_NOW="2026-12-31 20:00:00" TZ=UTC
nmem=1000
nprod=200

. "$top/share/bench/book.inc"
bench_book "$dir" "$nmem" "$nprod"
# receipts of 1 to 5 lines, 70% with a member, through December: as CSV
# lines for the baseline, as JSON lines for the stream, as command lines
# for the processes (the same receipts, numbered apart)
awk -v n="$n" -v m="$nmem" -v p="$nprod" -v dir="$dir" 'BEGIN {
	print "receipt,at,member,sku,qty,price" > (dir "/till.csv")
	for (r = 0; r < n; r++) {
		at = sprintf("2026-12-%02d %02d:%02d:00", 1 + int(r * 28 / n),
		    9 + r % 10, r % 60)
		mem = (r % 10 < 7) ? sprintf("M%07d", 1 + (r * 7919) % m) : ""
		j = sprintf("{\"receipt\":\"T%07d\",\"at\":\"%s\"", r, at)
		if (mem != "")
			j = j sprintf(",\"member\":\"%s\"", mem)
		j = j ",\"lines\":["
		a = sprintf("--receipt P%07d --at \"%s\"%s", r, at,
		    mem != "" ? " --member " mem : "")
		for (l = 0; l < 1 + r % 5; l++) {
			s = (r * 31 + l * 17) % p
			printf "B%07d,%s,%s,S%04d,%d,%d.00\n", r, at, mem, s,
			    1 + (r + l) % 3, 1 + s % 200 > (dir "/till.csv")
			j = j sprintf("%s{\"sku\":\"S%04d\",\"qty\":%d,\"price\":\"%d.00\"}",
			    l ? "," : "", s, 1 + (r + l) % 3, 1 + s % 200)
			a = a sprintf(" S%04d:%d@%d.00", s, 1 + (r + l) % 3,
			    1 + s % 200)
		}
		print j "]}" > (dir "/till.jsonl")
		print a > (dir "/till.args")
	}
}'

cc -O2 -o "$dir/baseline" "$top/tests/bench/sale_baseline.c" -lsqlite3

# each round on fresh copies of the book
rounds=${TILL_ROUNDS:-5}
now() { date +%s.%N; }
: > "$dir/c.times"
: > "$dir/stream.times"
i=0
while [ "$i" -lt "$rounds" ]; do
	cp "$dir/base.db" "$dir/c.db"
	cp "$dir/base.db" "$dir/stream.db"
	t0=$(now)
	"$dir/baseline" "$dir/c.db" "$dir/till.csv" 1
	t1=$(now)
	JIFEN_DB=$dir/stream.db sale add - < "$dir/till.jsonl" > "$dir/answers"
	t2=$(now)
	awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }' >> "$dir/c.times"
	awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }' >> "$dir/stream.times"
	bad=$(grep -c '"error"' "$dir/answers" || true)
	[ "$bad" -eq 0 ] || { echo "till: $bad receipts refused" >&2; exit 1; }
	i=$((i + 1))
done
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
tc=$(median "$dir/c.times")
ts=$(median "$dir/stream.times")
cp "$dir/base.db" "$dir/procs.db"
t2=$(now)
head -n "$np" "$dir/till.args" | while IFS= read -r a; do
	eval "JIFEN_DB=\$dir/procs.db sale add $a" >/dev/null
done
t3=$(now)
echo "a till: receipts a second, one transaction each ($n receipts, median of $rounds; $np processes)"
awk -v n="$n" -v np="$np" -v tc="$tc" -v ts="$ts" -v t2="$t2" \
    -v t3="$t3" 'BEGIN {
	b = n / tc; s = n / ts; p = np / (t3 - t2)
	printf "  %-36s %8.0f receipts/s\n", "sale_baseline.c, commit each (baseline)", b
	printf "  %-36s %8.0f receipts/s  %.2fx (aim >= 0.8x)\n", "sale add - (stream)", s, s / b
	printf "  %-36s %8.0f receipts/s  %.2fx\n", "sale add, a process each", p, p / b
}'
set -- $(awk -v n="$n" -v np="$np" -v tc="$tc" -v ts="$ts" -v t2="$t2" \
    -v t3="$t3" 'BEGIN { printf "%.0f %.0f %.0f\n", n / tc, n / ts,
	np / (t3 - t2) }')
result till "$2/s" "$1/s" "$(bench_ratio "$2" "$1")" "≥ 0.8×" \
    "a till, receipts recorded per second, one transaction each: \`sale add -\` (stream), $n receipts, median of $rounds" \
    "one C process (sale_baseline.c), one transaction per receipt"
result till_procs "$3/s" "$1/s" "$(bench_ratio "$3" "$1")" "" \
    "same, a \`sale add\` process per receipt ($np)" "same"
