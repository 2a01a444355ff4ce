#!/bin/sh
# report daily on a short history and on a long one, with the same day's
# work on top of each: the day's report must cost what the day did, not
# what the history holds (it reads through sale_at, ledger_at,
# member_joined and sale_return_at).  Prints the time of each and the
# ratio long/short (aim <= 1.3x).
#
# The books are written straight with sqlite3 (recursive CTEs), far
# faster than the tools, and within the schema's constraints: sales of
# two lines each, a 'sale' move per line, an earn entry per sale plus as
# many awards, balances the sum of the entries, on hand the sum of the
# moves.  Lots are left out: the daily report does not read them.
#
#   REPORT_SHORT  sale lines (and ledger entries) of the short history, 1000000
#   REPORT_LONG   of the long one, 10000000
#   REPORT_DAY    of the day reported, 20000
#   REPORT_RUNS   runs of report daily timed on each, 20
#   REPORT_KEEP   a directory to keep the two books in (short.db, long.db)
set -eu
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
short=${REPORT_SHORT:-1000000}
long=${REPORT_LONG:-10000000}
day=${REPORT_DAY:-20000}
runs=${REPORT_RUNS:-20}
D=2026-11-18
if [ -n "${REPORT_KEEP:-}" ]; then
	dir=$REPORT_KEEP
	mkdir -p "$dir"
	rm -f "$dir"/short.db* "$dir"/long.db*
else
	dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
	trap 'rm -rf "$dir"' EXIT
fi
export JIFEN_OPERATOR=bench JIFEN_NOW="$D 22:00:00" TZ=UTC
unset JIFEN_STORE

# book DB LINES: a history of LINES sale lines and ledger entries over
# the ten years before D, then the day's DAY lines on D.
book() {
	db=$1 n=$2
	# the schema, the rules and audit row 1
	printf 'code,phone\n' | JIFEN_DB=$db member import -q - >/dev/null
	nsale=$((n / 2)) dsale=$((day / 2))
	nmem=$((n / 100 + 1000)) nprod=1000
	sqlite3 "$db" >/dev/null <<EOF
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -262144;
BEGIN;
INSERT OR IGNORE INTO audit (id, at, operator, tool, args)
    VALUES (1, '$D 00:00:00', 'bench', 'bench', '[]');
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $nmem)
INSERT INTO member (id, code, phone, joined, audit_id)
    SELECT i, printf('M%07d', i), printf('139%08d', i),
    date('2016-01-01', '+' || (i * 3935 / $nmem) || ' days'), 1 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $dsale / 50 + 1)
INSERT INTO member (code, phone, joined, audit_id)
    SELECT printf('N%07d', i), printf('138%08d', i), '$D', 1 FROM c;
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $nprod)
INSERT INTO product (id, sku, name, category, price, cost, reorder_level, audit_id)
    SELECT i, printf('S%04d', i), 'Product ' || i, 'cat' || (i % 10),
    1000 + (i % 50) * 100, 500, 5, 1 FROM c;
INSERT INTO move (at, store, product_id, kind, qty, cost, ref, operator, audit_id)
    SELECT '2015-12-31 09:00:00', 'main', id, 'receive', 100000000, 500,
    'PO0', 'bench', 1 FROM product;
-- the history: sale i on day i * 3935 / nsale after 2016-01-01
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $nsale)
INSERT INTO sale (receipt, at, store, member_id, gross, paid, points_earned,
    rules_version, operator, audit_id)
    SELECT 'H' || i, date('2016-01-01', '+' || (i * 3935 / $nsale) || ' days')
    || printf(' %02d:%02d:%02d', 8 + i % 12, i % 60, i * 7 % 60),
    'main', 1 + i % $nmem, 2 * (1000 + (i % 50) * 100),
    2 * (1000 + (i % 50) * 100), 2 * (10 + i % 50), 1, 'bench', 1 FROM c;
-- the day
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $dsale)
INSERT INTO sale (receipt, at, store, member_id, gross, paid, points_earned,
    rules_version, operator, audit_id)
    SELECT 'D' || i, '$D' || printf(' %02d:%02d:%02d', 8 + i % 12, i % 60,
    i * 7 % 60), 'main', 1 + i % $nmem, 2 * (1000 + (i % 50) * 100),
    2 * (1000 + (i % 50) * 100), 2 * (10 + i % 50), 1, 'bench', 1 FROM c;
INSERT INTO sale_line (sale_id, line, product_id, qty, price, amount, points)
    SELECT s.id, l.n, 1 + (s.id * 7 + l.n) % $nprod, 1, s.gross / 2,
    s.gross / 2, s.points_earned / 2
    FROM sale s, (SELECT 1 AS n UNION ALL SELECT 2) l ORDER BY s.id, l.n;
INSERT INTO move (at, store, product_id, kind, qty, ref, operator, audit_id)
    SELECT s.at, 'main', l.product_id, 'sale', -l.qty, s.receipt, 'bench', 1
    FROM sale s JOIN sale_line l ON l.sale_id = s.id ORDER BY s.id, l.line;
INSERT INTO ledger (member_id, at, kind, delta, ref, rule, operator, ikey, audit_id)
    SELECT s.member_id, s.at, k.kind, CASE k.kind WHEN 'earn'
    THEN s.points_earned ELSE 10 END, s.receipt, NULL, 'bench',
    NULL, 1
    FROM sale s, (SELECT 'earn' AS kind UNION ALL SELECT 'award') k
    ORDER BY s.id, k.kind;
INSERT INTO stock (store, product_id, on_hand, avg_cost)
    SELECT store, product_id, sum(qty), 500 FROM move GROUP BY store, product_id;
UPDATE member SET balance = coalesce((SELECT sum(delta) FROM ledger
    WHERE ledger.member_id = member.id), 0);
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
EOF
}

# timed DB: prints the seconds of RUNS runs of report daily, after one
# that warms the cache.
timed() {
	JIFEN_DB=$1 report daily --date "$D" -o csv > "$dir/out.$2"
	/usr/bin/time -f '%e' -o "$dir/t" sh -c '
		i=0
		while [ "$i" -lt "$1" ]; do
			JIFEN_DB=$2 report daily --date "$3" -o csv >/dev/null
			i=$((i + 1))
		done' sh "$runs" "$1" "$D"
	cat "$dir/t"
}

t0=$(date +%s)
book "$dir/short.db" "$short"
t1=$(date +%s)
book "$dir/long.db" "$long"
t2=$(date +%s)
ts=$(timed "$dir/short.db" short)
tl=$(timed "$dir/long.db" long)
# the same day, the same figures (but the chains' heads, the whole book's)
for f in short long; do
	grep -v '^[a-z]*_head,' "$dir/out.$f" > "$dir/day.$f" || true
done
cmp -s "$dir/day.short" "$dir/day.long" || {
	echo "report daily differs between the two books" >&2
	diff "$dir/day.short" "$dir/day.long" >&2 || true
	exit 1
}
echo "report daily on one day of $day sale lines, $runs runs each"
printf '  %-44s %8s s (built in %s s, %s MB)\n' \
	"history of $short lines" "$ts" $((t1 - t0)) \
	$(($(wc -c < "$dir/short.db") / 1048576))
printf '  %-44s %8s s (built in %s s, %s MB)\n' \
	"history of $long lines" "$tl" $((t2 - t1)) \
	$(($(wc -c < "$dir/long.db") / 1048576))
awk -v a="$tl" -v b="$ts" 'BEGIN {
	if (b <= 0) b = 0.01
	printf "  ratio long/short: %.2fx (aim <= 1.3x)\n", a / b }'
. "$top/share/bench/book.inc"
result report_daily "$tl s" "$ts s" "$(bench_ratio "$tl" "$ts")" "≤ 1.3×" \
    "\`report daily\` of one day, $runs runs, over $(bench_n "$long") lines of history" \
    "the same over $(bench_n "$short") lines"
