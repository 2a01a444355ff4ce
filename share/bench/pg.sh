#!/bin/sh
# sale import on PostgreSQL (issue 16), against two baselines on the same
# file in the same run: sale import of it on SQLite, and psql's \copy of
# its rows into a table of the same columns (the server's bulk path, with
# none of the book's work).  The server is a throwaway cluster on a Unix
# socket (tests/pg.sh), fsync off as in the tests: the figures are the
# round trips' and the server's work, not the disk's.
#
# Sizes: PG_LINES sale lines (default 100000), PG_MEMBERS members
# (100000), PG_PRODUCTS products (5000): smaller than sale.sh's, since
# each statement is a round trip to the server (see the closing note of
# issue 16).
set -eu
top=${top:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${JIFEN_TEST_PG:-}" ]; then
	exec sh "$top/tests/pg.sh" sh "$0"
fi
n=${PG_LINES:-100000}
nmem=${PG_MEMBERS:-100000}
nprod=${PG_PRODUCTS:-5000}
dir=$(mktemp -d "${TMPDIR:-/tmp}/jifen-bench.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export JIFEN_OPERATOR=bench JIFEN_NOW="2026-12-31 22:00:00" TZ=UTC
unset JIFEN_STORE
. "$top/share/bench/book.inc"
uri() { echo "postgresql:///$1?host=$JIFEN_TEST_PG&user=$JIFEN_TEST_PG_USER"; }
psql -X -q -d "$(uri postgres)" -c "CREATE DATABASE book" -c "CREATE DATABASE copy"
pg=$(uri book)

gen_members "$nmem" 1 > "$dir/members.csv"
gen_products "$nprod" > "$dir/products.csv"
gen_sales "$n" "$nmem" "$nprod" > "$dir/sales.csv"
t0=$(date +%s)
for db in "$dir/jifen.db" "$pg"; do
	JIFEN_DB=$db member import -q "$dir/members.csv" >/dev/null
	JIFEN_DB=$db stock import -q "$dir/products.csv" >/dev/null
done
echo "sale import on PostgreSQL, $n lines ($nmem members, $nprod products; books built in $(($(date +%s) - t0)) s)"

set -- $(JIFEN_DB=$dir/jifen.db bench_measure sale import -q "$dir/sales.csv")
sw=$1 sc=$2
set -- $(JIFEN_DB=$pg bench_measure sale import -q "$dir/sales.csv")
pw=$1 pc=$2
set -- $(JIFEN_DB=$pg bench_measure sale import -q "$dir/sales.csv")
rw=$1
psql -X -q -d "$(uri copy)" -c "CREATE TABLE sales (receipt text, at text,
    member text, sku text, qty bigint, price text)"
set -- $(bench_measure psql -X -q -d "$(uri copy)" \
    -c "\\copy sales FROM '$dir/sales.csv' WITH (FORMAT csv, HEADER)")
cw=$1
same=$(psql -X -A -t -d "$pg" -c "SELECT count(*) FROM sale_line")
printf '  %-36s %8.2f s %8.2f s cpu\n' "sale import, SQLite" "$sw" "$sc" \
    "sale import, PostgreSQL" "$pw" "$pc" "psql \\copy of the rows" "$cw" "0"
printf '  %-36s %8.2f s\n' "sale import again, PostgreSQL" "$rw"
echo "  sale lines in the PostgreSQL book: $same"

N="$(bench_n "$n") lines, $(bench_n "$nmem") members"
result pg_sqlite "$pw s" "$sw s" "$(bench_ratio "$pw" "$sw")" "" \
    "sale import on PostgreSQL (Unix socket), $N" \
    "the same file, sale import on SQLite"
result pg_copy "$pw s" "$cw s" "$(bench_ratio "$pw" "$cw")" "" \
    "same" "psql \\copy of the same rows into a table"
result pg_again "$rw s" "" "" "" \
    "sale import of the same file again on PostgreSQL (idempotent)" ""
