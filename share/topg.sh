#!/bin/sh
# topg.sh BOOK URI: moves a shop's SQLite book into an empty PostgreSQL
# database (jifen-chain(7)), row for row: the same ids, the same audit
# and ledger hash chains, the same lots, so that `report audit` on the
# new book checks the old book's history as it was.
#
# The SQLite book is brought to this jifen's schema and audited first;
# the PostgreSQL book is made by jifen itself (a dry run that writes
# nothing but the schema), its default rules replaced by the book's.
# The copy is one transaction: a failure leaves the database empty.
set -eu
usage() {
	echo "usage: topg.sh BOOK postgresql://..." >&2
	exit 64
}
[ $# -eq 2 ] || usage
book=$1 uri=$2
case $uri in postgresql://*|postgres://*) ;; *) usage ;; esac
[ -s "$book" ] || { echo "topg.sh: $book: no book" >&2; exit 66; }
command -v psql >/dev/null || { echo "topg.sh: psql not found" >&2; exit 69; }

# the old book at this jifen's schema, and clean
report -d "$book" audit >/dev/null
# the new book: empty, then made (schema, kinds of entry, rules 1)
n=$(psql -X -A -t -d "$uri" -c "SELECT count(*) FROM pg_tables
    WHERE schemaname = current_schema()")
[ "$n" -eq 0 ] || { echo "topg.sh: $uri: not an empty database" >&2; exit 73; }
member -d "$uri" tiers --recalc -n -q >/dev/null

# parents before children; ledger_kind is jifen's own, the same in both
tables="operator audit seal member rules ledger lot alloc expire_run
	product stock move sale sale_line sale_return redemption draw
	draw_ticket"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
{
	echo "BEGIN;"
	echo "DELETE FROM rules;"
	for t in $tables; do
		cols=$(sqlite3 -batch "$book" "SELECT group_concat(name, ', ')
		    FROM pragma_table_info('$t')")
		sqlite3 -batch -csv -cmd ".nullvalue '\N'" "$book" \
		    "SELECT * FROM \"$t\" ORDER BY 1" >"$tmp/$t.csv"
		# printf: sh's echo would take \c for "no more output"
		printf '\\copy %s (%s) FROM %s WITH (FORMAT csv, NULL %s)\n' \
		    "$t" "$cols" "'$tmp/$t.csv'" "'\\N'"
	done
	# identities go on past the ids copied
	for t in $tables; do
		sqlite3 -batch "$book" "SELECT 1 FROM pragma_table_info('$t')
		    WHERE name = 'id'" | grep -q 1 || continue
		echo "SELECT setval(pg_get_serial_sequence('$t', 'id'),
		    coalesce(max(id), 0) + 1, false) FROM $t
		    WHERE pg_get_serial_sequence('$t', 'id') IS NOT NULL;"
	done
	echo "SELECT setval(pg_get_serial_sequence('rules', 'version'),
	    max(version)) FROM rules;"
	echo "COMMIT;"
} >"$tmp/copy.sql"
psql -X -q -v ON_ERROR_STOP=1 -d "$uri" -f "$tmp/copy.sql" >/dev/null
# every row is there, and the history holds where it now is
for t in $tables; do
	a=$(sqlite3 -batch "$book" "SELECT count(*) FROM \"$t\"")
	b=$(psql -X -A -t -d "$uri" -c "SELECT count(*) FROM $t")
	[ "$a" = "$b" ] || { echo "topg.sh: $t: $a rows, $b copied" >&2; exit 70; }
done
report -d "$uri" audit >/dev/null
echo "topg.sh: $book moved into $uri"
