#!/bin/sh
# sale import against two baselines, on the same file in the same run,
# each one transaction as sale import is by default:
#   tests/bench/sale_essential.c, the minimal loop: prepared statements
#     doing only the essential writes (the sale, its lines, the on-hand,
#     an earn entry and the balance) on a minimal book of its own, whose
#     tables have no index but their primary keys and uniques;
#   tests/bench/sale_baseline.c, the same writes as sale import but the
#     rules' bonuses, into a copy of the same jifen book; and sale import
#     with rules that give no bonuses, so that it writes what the
#     baseline writes and the ratio is the tool's own cost alone.
# Then sale import of the same file again (idempotent, nothing to do),
# and report audit and report audit --full on the history just imported
# (no baseline: seconds).
#
# The book and the file are book.inc's: BENCH_MEMBERS members (default
# 1000000; 65% with an email, 15% with a referrer), BENCH_PRODUCTS
# products (5000), SALE_LINES sale lines (1000000) over 2025 and 2026,
# members picked uniformly.  AUDIT_LINES, above SALE_LINES, audits a
# history of that many lines instead (10000000: issue 15's size), imported
# by sale import after the timed runs, untimed.
set -eu
n=${SALE_LINES:-1000000}
nmem=${BENCH_MEMBERS:-1000000}
nprod=${BENCH_PRODUCTS:-5000}
al=${AUDIT_LINES:-$n}
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export JIFEN_OPERATOR=bench JIFEN_NOW="2026-12-31 22:00:00" TZ=UTC
unset JIFEN_STORE
. "$top/share/bench/book.inc"

gen_members "$nmem" 1 > "$dir/members.csv"
gen_products "$nprod" > "$dir/products.csv"
gen_sales "$n" "$nmem" "$nprod" > "$dir/sales.csv"
t0=$(date +%s)
JIFEN_DB=$dir/base.db member import -q "$dir/members.csv" >/dev/null
JIFEN_DB=$dir/base.db stock import -q "$dir/products.csv" >/dev/null
# the last connection to close checkpoints the WAL: one file to copy
cp "$dir/base.db" "$dir/jifen.db"
cp "$dir/base.db" "$dir/c.db"
# the baseline's writes exactly: rules without bonuses or multipliers and
# with one tier, from before the first sale, so each receipt books the
# sale, its lines, moves and on-hand, and for a member one earn entry,
# its lot and the balance, as sale_baseline.c does (and no member moves
# up a tier)
cp "$dir/base.db" "$dir/same.db"
JIFEN_DB=$dir/same.db points rules export | jq '.bonuses |= map_values(0) |
    .multipliers = [] | .tiers |= .[:1]' > "$dir/same.json"
JIFEN_DB=$dir/same.db points rules load --at 2024-01-01 "$dir/same.json" \
    >/dev/null
cc -O2 -o "$dir/essential" "$top/tests/bench/sale_essential.c" -lsqlite3
cc -O2 -o "$dir/baseline" "$top/tests/bench/sale_baseline.c" -lsqlite3
"$dir/essential" -i "$dir/e.db" "$dir/members.csv" "$dir/products.csv"
echo "sale import, $n lines ($nmem members, $nprod products; books built in $(($(date +%s) - t0)) s)"

set -- $(bench_measure "$dir/essential" "$dir/e.db" "$dir/sales.csv")
ew=$1 ec=$2 em=$3
set -- $(bench_measure "$dir/baseline" "$dir/c.db" "$dir/sales.csv")
bw=$1 bc=$2 bm=$3
set -- $(JIFEN_DB=$dir/jifen.db bench_measure sale import -q "$dir/sales.csv")
jw=$1 jc=$2 jm=$3
set -- $(JIFEN_DB=$dir/jifen.db bench_measure sale import -q "$dir/sales.csv")
rw=$1
set -- $(JIFEN_DB=$dir/same.db bench_measure sale import -q "$dir/sales.csv")
sw=$1 sc=$2 sm=$3

row() {
	awk -v w="$2" -v c="$3" -v m="$4" -v n="$n" -v what="$1" 'BEGIN {
		printf "  %-36s %8.2f s %9d lines/s %8.2f s cpu %8d KB\n",
		    what, w, n / (w < 0.01 ? 0.01 : w), c, m }'
}
row "sale_essential.c (baseline)" "$ew" "$ec" "$em"
row "sale_baseline.c (baseline)" "$bw" "$bc" "$bm"
row "sale import" "$jw" "$jc" "$jm"
row "sale import, the baseline's writes" "$sw" "$sc" "$sm"
printf '  %-36s %8.2f s\n' "sale import again (idempotent)" "$rw"
# what each wrote: jifen's rules give bonuses the loops do not
entries() { sqlite3 "$1" "SELECT (SELECT count(*) FROM ledger) - $2"; }
b0=$(entries "$dir/base.db" 0)
echo "  ledger entries written: sale import $(entries "$dir/jifen.db" "$b0")," \
    "sale_baseline.c $(entries "$dir/c.db" "$b0")," \
    "sale_essential.c $(entries "$dir/e.db" 0)," \
    "sale import without bonuses $(entries "$dir/same.db" "$b0")"

N="$(bench_n "$n") lines, $(bench_n "$nmem") members, $(bench_n "$nprod") products"
result sale_essential "$jw s" "$ew s" \
    "$(bench_ratio "$jw" "$ew") (cpu $(bench_ratio "$jc" "$ec"))" \
    "≤ 2.0× (stretch 1.3×)" "sale import, $N" \
    "tests/bench/sale_essential.c: a minimal C loop of prepared statements doing only the essential writes (sale, line, stock, ledger entry, balance), one transaction"
result sale_baseline "$jw s" "$bw s" \
    "$(bench_ratio "$jw" "$bw") (cpu $(bench_ratio "$jc" "$bc"))" \
    "≤ 1.15×" "same, against the same-schema loop" \
    "tests/bench/sale_baseline.c: the same writes but the bonuses, the same book, one transaction"
result sale_same "$sw s" "$bw s" \
    "$(bench_ratio "$sw" "$bw") (cpu $(bench_ratio "$sc" "$bc"))" "" \
    "same, rules without bonuses: the baseline's writes exactly" \
    "tests/bench/sale_baseline.c, as above"
result sale_again "$rw s" "" "" "" \
    "sale import of the same file again (idempotent)" ""

hist=$dir/jifen.db
if [ "$al" -gt "$n" ]; then
	rm -f "$dir/c.db"* "$dir/e.db"* "$dir/jifen.db"* "$dir/same.db"*
	gen_sales "$al" "$nmem" "$nprod" > "$dir/sales.csv"
	hist=$dir/history.db
	cp "$dir/base.db" "$hist"
	t0=$(date +%s)
	JIFEN_DB=$hist sale import -q "$dir/sales.csv" >/dev/null
	echo "a history of $al lines imported in $(($(date +%s) - t0)) s"
fi
set -- $(JIFEN_DB=$hist bench_measure report audit)
qw=$1 qm=$3
set -- $(JIFEN_DB=$hist bench_measure report audit --full)
fw=$1 fm=$3
echo "report audit on the history of $al sale lines ($(($(wc -c < "$hist") / 1048576)) MB)"
printf '  %-36s %8.2f s %8d KB\n' "report audit (quick_check)" "$qw" "$qm" \
    "report audit --full" "$fw" "$fm"
result audit "$qw s" "none" "" "≤ 20 s at 10M lines" \
    "\`report audit\` (PRAGMA quick_check), $(bench_n "$al") lines of history" ""
result audit_full "$fw s" "none" "" "" \
    "\`report audit --full\` (PRAGMA integrity_check), same" ""
