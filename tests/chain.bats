#!/usr/bin/env bats
# A chain's book (issue 16, DESIGN.md section 7): three stores' tills
# writing one book at once, redemptions racing for one balance, a store's
# import killed and run again, and the reports per store and for the
# chain.  It runs on SQLite (make check) and on PostgreSQL (make
# check-pg), where the tills are separate connections to one server.

load helper
load fixtures
bats_require_minimum_version 1.5.0
JOINED=2026-10-01	# new_member's day

STORES="east west online"

# chain: tea at every store, a gift at east, five members.
chain() {
	local s i

	stock add --sku TEA --name Tea --price 10.00 --category tea >/dev/null
	stock add --sku GIFT --name Gift --price 100.00 --gift-points 500 \
	    >/dev/null
	for s in $STORES; do
		stock receive --store "$s" --sku TEA --qty 1000 --cost 4.00 \
		    >/dev/null
	done
	stock receive --store east --sku GIFT --qty 10 --cost 50.00 >/dev/null
	for i in 1 2 3 4 5; do
		new_member "1380000000$i"
	done
}

# till STORE N: N sales of one tea at STORE, each its own process and
# transaction, to the five members in turn; a status file per failure.
till() {
	local i st

	for i in $(seq 1 "$2"); do
		st=0
		JIFEN_STORE=$1 sale add --member "M000000$((i % 5 + 1))" \
		    --receipt "$1-$i" TEA:1 >/dev/null 2>"err.$1.$i" || st=$?
		[ "$st" -eq 0 ] && rm -f "err.$1.$i" || echo "$st" >>"err.$1.$i"
	done
}

@test "chain: three stores' tills sell to the same members at once; each store's figures and the chain's add up" {
	chain
	for s in $STORES; do
		till "$s" 20 &
	done
	wait
	eq "" "$(cat err.* 2>/dev/null)"	# no till refused or busy
	eq 60 "$(sql "SELECT count(*) FROM sale")"
	for s in $STORES; do
		eq 20 "$(sql "SELECT count(*) FROM sale WHERE store = '$s'")"
		eq 980 "$(sql "SELECT on_hand FROM stock s JOIN product p
		    ON p.id = s.product_id WHERE p.sku = 'TEA' AND store = '$s'")"
		run report daily --store "$s" -o csv
		[ "$status" -eq 0 ]
		[[ "$output" == *$'\nreceipts,20\n'* ]]
		[[ "$output" == *$'\ngross,200.00\n'* ]]
	done
	run report daily -o csv
	[[ "$output" == *$'\nreceipts,60\n'* ]]
	[[ "$output" == *$'\ngross,600.00\n'* ]]
	# the members are the chain's: twelve purchases each, one balance
	for i in 1 2 3 4 5; do
		eq 12 "$(sql "SELECT count(*) FROM sale s JOIN member m
		    ON m.id = s.member_id WHERE m.code = 'M000000$i'")"
	done
	eq "$(sql "SELECT sum(points_earned + bonus_points) FROM sale")" \
	    "$(sql "SELECT sum(balance) FROM member")"
}

@test "chain: ten redemptions racing for one balance: exactly one wins" {
	chain
	give M0000001 500 2026-11-01
	for i in $(seq 1 10); do
		( st=0; JIFEN_STORE=east redeem gift M0000001 GIFT >/dev/null \
		    2>"out.$i" || st=$?; echo "$st" >"st.$i" ) &
	done
	wait
	eq "1 0
9 1" "$(cat st.* | sort | uniq -c | awk '{ print $1, $2 }')"
	# the losers were refused for want of points, not for a busy book
	eq 9 "$(grep -l 'points' out.* | wc -l)"
	eq 0 "$(sql "SELECT balance FROM member WHERE code = 'M0000001'")"
	eq 1 "$(sql "SELECT count(*) FROM redemption")"
	eq 9 "$(sql "SELECT on_hand FROM stock s JOIN product p
	    ON p.id = s.product_id WHERE p.sku = 'GIFT' AND store = 'east'")"
}

# A file of n receipts of one line; from LATE on every other receipt
# sells LATE, a product not in the catalog yet.
west_file() {	# N LATE
	awk -v n="$1" -v late="$2" 'BEGIN {
		print "receipt,at,member,sku,qty,price"
		for (r = 1; r <= n; r++) {
			m = (r % 10 < 7) ? sprintf("M%07d", 1 + r % 5) : ""
			sku = (r >= late && r % 2 == 0) ? "LATE" : "TEA"
			printf "W%06d,2026-11-17 1%d:%02d:00,%s,%s,1,\n",
			    r, r % 10, r % 60, m, sku
		}
	}'
}

@test "chain: a store's sale import killed with -9 mid-way, run again, records each receipt once" {
	chain
	west_file 3000 201 >west.csv
	# the rejects go to a FIFO no one reads: the import blocks once the
	# first are written, mid-way through the file, however fast it is
	mkfifo rej.csv
	JIFEN_STORE=west sale import -q --batch 50 --rejects rej.csv \
	    west.csv &
	kill_import $! 200
	rm rej.csv
	done1=$(sql "SELECT count(*) FROM sale")
	[ "$done1" -ge 200 ] && [ "$done1" -lt 3000 ]
	# meanwhile east's till goes on
	JIFEN_STORE=east sale add --member M0000001 TEA:2 >/dev/null
	stock add --sku LATE --name Late --price 8.00 --category tea >/dev/null
	run sale import -q --store west west.csv
	[ "$status" -eq 0 ]
	eq 3000 "$(sql "SELECT count(*) FROM sale WHERE store = 'west'")"
	eq 3000 "$(sql "SELECT count(DISTINCT receipt) FROM sale
	    WHERE store = 'west'")"
	eq 1 "$(sql "SELECT count(*) FROM sale WHERE store = 'east'")"
	eq 0 "$(sql "SELECT count(*) FROM (SELECT ref FROM move
	    WHERE kind = 'sale' GROUP BY ref, product_id
	    HAVING count(*) > 1) x")"
	eq "$(sql "SELECT sum(points_earned + bonus_points) FROM sale")" \
	    "$(sql "SELECT sum(balance) FROM member")"
	run report daily --store west --date 2026-11-17 -o csv
	[[ "$output" == *$'\nreceipts,3000\n'* ]]
}

@test "chain: a shop's SQLite book moves into PostgreSQL exactly (share/topg.sh)" {
	on_pg || skip "moves a SQLite book into the test's PostgreSQL one"
	local pg=$JIFEN_DB

	export JIFEN_DB=$BATS_TEST_TMPDIR/shop.db
	chain
	till east 12
	give M0000001 500 2026-11-01
	redeem gift --store east M0000001 GIFT >/dev/null
	sale return east-3 TEA:1 >/dev/null
	JIFEN_NOW="2028-01-05 08:00:00" expire -q >/dev/null
	before=$(points balance M0000002 -o csv; points balance M0000003 -o csv; report daily -o csv)
	run "$TOP/share/topg.sh" "$JIFEN_DB" "$pg"
	[ "$status" -eq 0 ]
	export JIFEN_DB=$pg
	eq "$before" "$(points balance M0000002 -o csv; points balance M0000003 -o csv; report daily -o csv)"
	eq 12 "$(sql "SELECT count(*) FROM sale")"
	# the identities go on past the ids copied: a new sale, member, lot
	sale add --member M0000002 TEA:1 >/dev/null
	new_member 13800000009
	eq 13 "$(sql "SELECT count(DISTINCT id) FROM sale")"
	# into a database that is not empty it refuses, and changes nothing
	run "$TOP/share/topg.sh" "$BATS_TEST_TMPDIR/shop.db" "$pg"
	[ "$status" -eq 73 ]
	eq 13 "$(sql "SELECT count(*) FROM sale")"
}

@test "chain: a write that cannot have the book's lock in time exits 75 and writes nothing" {
	on_pg || skip "member.bats holds SQLite's lock"
	chain
	# another session holds the write lock jifen's writers take
	psql -X -q -d "$JIFEN_DB" -c "BEGIN" \
	    -c "LOCK TABLE jf_schema IN EXCLUSIVE MODE" \
	    -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null &
	sleep 1
	JIFEN_BUSY_MS=300 run --separate-stderr sale add --member M0000001 TEA:1
	[ "$status" -eq 75 ]
	eq "sale: database is busy: try again later" "$stderr"
	# a reader does not wait for it
	run points balance M0000001 -o csv
	[ "$status" -eq 0 ]
	wait
	eq 0 "$(sql "SELECT count(*) FROM sale")"
}

@test "chain: a PostgreSQL book of another schema version is refused, not used as it is" {
	on_pg || skip "member.bats and trust.bats migrate SQLite's books"
	chain
	sql "UPDATE jf_schema SET version = 10" >/dev/null
	run --separate-stderr sale add --member M0000001 TEA:1
	[ "$status" -eq 73 ]
	[[ "$stderr" == *"schema 10, and no step from it to $SCHEMA on PostgreSQL" ]]
	sql "UPDATE jf_schema SET version = 99" >/dev/null
	run --separate-stderr points balance M0000001
	[ "$status" -eq 73 ]
	[[ "$stderr" == *"made by a newer jifen (schema 99)" ]]
	sql "UPDATE jf_schema SET version = $SCHEMA" >/dev/null
	eq 0 "$(sql "SELECT count(*) FROM sale")"
}

@test "chain: libpq is loaded for a book on PostgreSQL only, not at every command's start" {
	for t in member stock sale points redeem expire report jifen; do
		! ldd "$BIN/$t" | grep -q libpq
	done
	chain
	run --separate-stderr points balance M0000001 -o json
	[ "$status" -eq 0 ]
	eq M0000001 "$(jq -r .member <<<"$output")"
}
