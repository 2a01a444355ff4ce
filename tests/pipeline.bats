#!/usr/bin/env bats
# Compositions: the tools through pipes, CSV and JSON (DESIGN.md section 2,
# "pipes compose").  mblaze's check_same: two pipelines that reach the same
# figures by different roads must print the same.

load helper

# the week below ends on Sunday 2026-11-22: the clock reads the Monday
# after, as a till refuses a sale dated later than its clock
local_setup() {
	export JIFEN_NOW="2026-11-23 10:00:00"
}
bats_require_minimum_version 1.5.0

# check_same 'PIPELINE' 'PIPELINE': both succeed and print the same.
check_same() {
	local a b
	a=$(eval "$1") || { echo "failed: $1" >&2; return 1; }
	b=$(eval "$2") || { echo "failed: $2" >&2; return 1; }
	if [ "$a" != "$b" ]; then
		echo "differ: $1" >&2
		echo "   and: $2" >&2
		diff <(printf '%s\n' "$a") <(printf '%s\n' "$b") >&2
		return 1
	fi
}

products() {
	cat <<-'EOF'
	sku,name,category,price,cost
	TEA,龙井,tea,120.00,50.00
	CUP,"Cup, white",ware,80.00,30.00
	BAG,Bag,,1.00,0.20
	EOF
}

# A small shop's week: three members (one born in November, one referred),
# sales with and without a member, with points used, on a weekend, and a
# return.
week() {
	products | stock import -q -
	member add --phone 13800000001 --name Ann --birthday 1990-03-15 >/dev/null
	member add --phone 13800000002 --name Bob --birthday 1991-11-02 \
	    --referrer M0000001 >/dev/null
	member add --phone 13800000003 --name "Li, Lei" --birthday 1985-11-30 \
	    >/dev/null
	sale add --at "2026-11-16 09:00" --member M0000001 TEA:5 >/dev/null
	sale add --at "2026-11-16 09:30" CUP:2 BAG:1 >/dev/null
	sale add --at "2026-11-17 12:00" --member M0000002 TEA:1 CUP:1 >/dev/null
	sale add --at "2026-11-17 18:00" --member M0000001 --use-points 200 \
	    TEA:2 >/dev/null
	sale add --at "2026-11-21 10:00" --member M0000003 TEA:1@99.90 CUP:3 \
	    >/dev/null
	sale add --at "2026-11-22 16:00" --member M0000002 --store north \
	    CUP:4 >/dev/null
}

@test "member list | points award -: every member listed is awarded once" {
	week
	member list --birthday-month 11 -o csv | points award --kind share - >/dev/null
	check_same \
	    'member list --birthday-month 11 -o csv | tail -n +2 | cut -d, -f1 | sort' \
	    'sql "SELECT m.code FROM ledger l JOIN member m ON m.id = l.member_id
	      WHERE l.kind = '"'award'"'" | sort'
	eq 2 "$(sql "SELECT count(*) FROM ledger WHERE kind = 'award'")"
}

@test "sale list --lines | sale import: the book of one database rebuilt in another" {
	week
	# the same products and members in a second book
	products | stock -d other.db import -q -
	member export --unmask -o csv | member -d other.db import -q \
	    --ignore-unknown -
	sale list --lines -o csv | sale -d other.db import -q -
	check_same 'sale list -o csv' 'sale -d other.db list -o csv'
	check_same 'member list -o csv' 'member -d other.db list -o csv'
	check_same 'stock list -o csv' 'stock -d other.db list -o csv'
	check_same 'sale list --lines -o csv' 'sale -d other.db list --lines -o csv'
	# and the other book passes its audit too
	if command -v report >/dev/null; then
		run report -d other.db audit
		[ "$status" -eq 0 ]
	fi
}

@test "sale list --lines as JSON Lines round trips too, and the import is idempotent" {
	week
	products | stock -d other.db import -q -
	member export --unmask -o csv | member -d other.db import -q \
	    --ignore-unknown -
	sale list --lines -o jsonl | sale -d other.db import -q --input jsonl -
	sale list --lines -o jsonl | sale -d other.db import -q --input jsonl -
	check_same 'sale list -o json' 'sale -d other.db list -o json'
}

@test "sale list and report sales agree on each member's receipts and money" {
	week
	command -v report >/dev/null || skip "report not built"
	check_same \
	    'sale list -o csv | awk -F, "NR > 1 { n[\$4]++; g[\$4] += \$5 * 100;
	      o[\$4] += \$6 * 100; p[\$4] += \$7 * 100 }
	      END { for (k in n) printf \"%s,%d,%.2f,%.2f,%.2f\\n\", k, n[k],
	      g[k] / 100, o[k] / 100, p[k] / 100 }" | sort' \
	    'report sales --by member -o csv | tail -n +2 |
	      cut -d, -f1,2,4,5,6 | sort'
}

@test "sale show, points explain and the stock book agree line by line" {
	week
	r=$(sale list --member M0000003 -o csv | tail -1 | cut -d, -f1)
	if command -v points >/dev/null; then
		check_same \
		    "sale show -o json $r | jq -r '.lines[] |
		      [.sku, .multiplier, (.points | tostring)] | join(\",\")'" \
		    "points explain -o csv $r | awk -F, '\$1 == \"line\"' |
		      cut -d, -f3,6,8"
	fi
	check_same \
	    "sale show -o json $r | jq -r '.lines[] | \"\\(.sku),-\\(.qty)\"'" \
	    "stock moves --kind sale -o csv | awk -F, -v r=$r '\$7 == r' |
	      cut -d, -f3,5"
}

@test "the lines of sale show, piped back to sale return, return the whole receipt" {
	week
	r=$(sale list --member M0000003 -o csv | tail -1 | cut -d, -f1)
	# a copy of the book: its file, or on PostgreSQL its database
	if on_pg; then
		psql -X -q -d "$(pg_db postgres)" \
		    -c "CREATE DATABASE ${PG_NAME}_c TEMPLATE $PG_NAME" >/dev/null
		copy=$(pg_db "${PG_NAME}_c")
	else
		cp "$JIFEN_DB" copy.db
		copy=copy.db
	fi
	sale -d "$copy" return -o csv "$r" >whole.csv
	sale show -o json "$r" | jq -r '.lines[] | "\(.sku):\(.qty)"' |
	    xargs sale return -o csv "$r" >bylines.csv
	check_same 'cat whole.csv' 'cat bylines.csv'
	check_same 'member list -o csv' 'member -d "$copy" list -o csv'
	check_same 'sale list -o csv' 'sale -d "$copy" list -o csv'
	if on_pg; then
		psql -X -q -d "$(pg_db postgres)" \
		    -c "DROP DATABASE ${PG_NAME}_c WITH (FORCE)" >/dev/null
	fi
}

@test "sale list as csv, json and jsonl carry the same rows" {
	week
	check_same \
	    'sale list -o csv | tail -n +2 | cut -d, -f1,5,9' \
	    'sale list -o json | jq -r ".[] | [.receipt, .gross, .points_earned] | join(\",\")"'
	check_same \
	    'sale list -o json | jq -c ".[]"' \
	    'sale list -o jsonl'
}

@test "-o tsv carries the rows of csv, a tab or newline in a field escaped" {
	week
	check_same \
	    'sale list -o csv | tr , "\t"' \
	    'sale list -o tsv'
	member add --phone 13900000099 --name "$(printf 'Tab\tby\\name')" \
	    >/dev/null
	run member list -o tsv --query 13900000099 --unmask
	[ "$status" -eq 0 ]
	eq "code	phone	name	email	birthday	joined	referrer	tier	status	balance" \
	    "${lines[0]}"
	[[ "${lines[1]}" == *'	Tab\tby\\name	'* ]]
	[ "$(awk -F'\t' '{ print NF }' <<<"$output" | sort -u)" = 10 ]
}

@test "--no-header: csv, tsv and table rows without the line of names" {
	week
	check_same \
	    'sale list -o csv | tail -n +2' \
	    'sale list -o csv --no-header'
	check_same \
	    'sale list -o tsv | tail -n +2' \
	    'sale list --no-header -o tsv'
	check_same \
	    'sale list -o table | tail -n +2' \
	    'sale list -o table --no-header'
	# nothing to list: nothing at all
	run member list --no-header --query 19999999999
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# JSON has no header to leave out
	check_same 'sale list -o json' 'sale list -o json --no-header'
	# rows only: join(1) two listings by receipt
	run join -t, <(sale list -o csv --no-header | cut -d, -f1,2 | sort) \
	    <(sale list -o csv --no-header | cut -d, -f1,5 | sort)
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$(sale list -o csv --no-header | wc -l)" ]
}

@test "the balances: sale points and bonuses plus the referrer's, as the ledger says" {
	week
	check_same \
	    'sale list -o jsonl | jq -s "map(.points_earned + .bonus_points
	      - .points_used) | add + 300"' \
	    'member list -o jsonl | jq -s "map(.balance) | add"'
}
