#!/usr/bin/env bats
# trust: the orders of events that once booked wrong figures while
# `report audit` passed (issue 9), each worked by hand, and the audit
# checks that would have caught them (DESIGN.md section 5, 8 to 11).

load helper
bats_require_minimum_version 1.5.0

# TEA 120.00 (tea) and CUP 80.00 (ware); ann is M0000001.
shop() {
	stock add --sku TEA --name Tea --price 120 --category tea >/dev/null
	stock add --sku CUP --name Cup --price 80 --category ware >/dev/null
	member add --phone 13800000001 --name Ann >/dev/null
}

balance() {	# CODE
	sql "SELECT balance FROM member WHERE code = '$1'"
}

pts() {	# ID FIELD: a field of points balance
	points balance "$1" -o json | jq -r ".$2"
}

@test "a partial return takes the kept lines' points as sold, whatever the product is now" {
	shop
	sale add --member M0000001 --receipt R1 TEA:1 CUP:1 >/dev/null
	eq 300 "$(balance M0000001)"		# 200 + signup 100
	stock update TEA --no-points >/dev/null
	stock update CUP --category tea >/dev/null
	run sale return R1 CUP:1 -o json
	[ "$status" -eq 0 ]
	eq 80 "$(jq -r .points_reversed <<<"$output")"	# 200 - TEA's 120
	eq 220 "$(balance M0000001)"
}

@test "a return after the receipt's points expired charges nothing twice" {
	shop
	JIFEN_NOW="2024-01-10 10:00:00" sale add --member M0000001 --receipt R1 \
	    CUP:1 TEA:1 >/dev/null			# 200 + signup 100
	JIFEN_NOW="2026-01-11 08:00:00" expire >/dev/null
	eq 0 "$(balance M0000001)"
	JIFEN_NOW="2026-01-12 10:00:00" run sale return R1 -o json
	[ "$status" -eq 0 ]
	eq 0 "$(jq -r .points_reversed <<<"$output")"
	eq 0 "$(balance M0000001)"
	eq "0|0" "$(sql "SELECT balance, debt FROM member")"
	# half expired: only the other half goes back
	JIFEN_NOW="2024-06-10 10:00:00" sale add --member M0000001 --receipt R2 \
	    TEA:1 >/dev/null			# 120, valid through 2026-06-10
	JIFEN_NOW="2025-06-10 10:00:00" points adjust M0000001 +50 \
	    --reason kept >/dev/null
	JIFEN_NOW="2026-06-11 08:00:00" expire >/dev/null
	JIFEN_NOW="2026-06-12 10:00:00" run sale return R2 -o json
	eq 0 "$(jq -r .points_reversed <<<"$output")"
	eq 50 "$(balance M0000001)"
}

@test "points given back to a member in debt pay the debt first" {
	shop
	stock add --sku TV --name TV --price 300 >/dev/null
	sale add --member M0000001 --receipt S1 TV:1 >/dev/null	# 300 + 100
	sale add --member M0000001 --receipt S2 --use-points 400 TV:1 >/dev/null
	eq 260 "$(balance M0000001)"		# 400 - 400 + 260
	sale return S1 >/dev/null		# 400 back: 260 there, 140 owed
	eq "-140|140" "$(sql "SELECT balance, debt FROM member")"
	sale return S2 >/dev/null		# 400 given back, 260 reversed
	eq "0|0" "$(sql "SELECT balance, debt FROM member")"
	eq 0 "$(sql "SELECT sum(remaining) FROM lot")"
}

@test "balance, member show and redeem quote leave out lapsed points; expiring_on is never past" {
	shop
	JIFEN_NOW="2024-11-01 10:00:00" sale add --member M0000001 TEA:1 >/dev/null
	JIFEN_NOW="2025-12-01 10:00:00" sale add --member M0000001 CUP:2 >/dev/null
	# 220 lapsed on 2026-11-01; expire has not run
	run points balance M0000001 -o json
	eq 160 "$(jq -r .balance <<<"$output")"
	eq 0 "$(jq -r .expiring <<<"$output")"
	eq null "$(jq -r .expiring_on <<<"$output")"
	eq 160 "$(member show M0000001 -o json | jq -r .balance)"
	run redeem quote M0000001 --amount 300 -o json
	eq 100 "$(jq -r .max_points <<<"$output")"
	eq 380 "$(balance M0000001)"		# the book is untouched
}

@test "report sales by product and category add up to --by day to the fen" {
	shop
	stock add --sku POT --name Pot --price 100 --category ware >/dev/null
	stock update TEA --price 100 >/dev/null
	stock update CUP --price 100 >/dev/null
	points adjust M0000001 +100 --reason gift >/dev/null
	sale add --member M0000001 --use-points 100 TEA:1 CUP:1 POT:1 >/dev/null
	eq "334 333 333" "$(sql "SELECT offset_amount FROM sale_line
	    ORDER BY line" | xargs)"
	day=$(report sales --by day -o csv | awk -F, 'NR > 1 { print $5, $6 }')
	eq "10.00 290.00" "$day"
	for by in product category member; do
		eq "$day" "$(report sales --by $by -o csv | awk -F, 'NR > 1 {
		    o += $5 * 100; p += $6 * 100 } END {
		    printf "%.2f %.2f\n", o / 100, p / 100 }')"
	done
}

@test "multiply stacking: one floor at the end (1.15 x 1.15 on 1000.00 earns 1322)" {
	shop
	stock add --sku BIG --name Big --price 1000 --category tea >/dev/null
	jq '.stacking = "multiply" | .multipliers = [
	    {"name": "tea", "categories": ["tea"], "factor": "1.15"},
	    {"name": "big", "skus": ["BIG"], "factor": "1.15"}]' \
	    "$TOP/share/rules.json" >rules.json
	JIFEN_NOW="2026-11-01 10:00:00" points rules load rules.json >/dev/null
	run sale add --member M0000001 BIG:1 -o json
	eq 1322 "$(jq -r .points_earned <<<"$output")"
	eq 132250000 "$(sql "SELECT mult_exact FROM sale_line")"
	run sale return "$(jq -r .receipt <<<"$output")" -o json
	eq 1422 "$(jq -r .points_reversed <<<"$output")"	# and the signup
}

@test "one floor, exactly: a line whose share is a whole number keeps it (532, not 531)" {
	shop
	stock update TEA --price 500 >/dev/null
	stock update CUP --price 160 >/dev/null
	stock add --sku POT --name Pot --price 120 >/dev/null
	jq '.earn.points = 3 | .multipliers = [{"name": "all", "factor": "1.33"}]' \
	    "$TOP/share/rules.json" >rules.json
	JIFEN_NOW="2026-11-01 10:00:00" points rules load rules.json >/dev/null
	points adjust M0000001 +1300 --reason gift >/dev/null
	# G = 780.00, 1300 points = 130.00, P/G = 5/6: CUP 160.00 x 1.33 x 5/6 x 3
	run sale add --member M0000001 --use-points 1300 TEA:1 CUP:1 POT:1 -o json
	[ "$status" -eq 0 ]
	eq 532 "$(jq -r '.lines[1].points' <<<"$output")"
	eq 2593 "$(jq -r .points_earned <<<"$output")"	# 1037.40 x 5/6 x 3 = 2593.5
}

@test "sale import: a receipt paying with lapsed points is rejected (65), the others are recorded" {
	shop
	JIFEN_NOW="2024-11-01 10:00:00" sale add --member M0000001 TEA:2 >/dev/null
	cat >s.csv <<-EOF
	receipt,at,member,sku,qty,points_used
	A,2026-11-18 09:00:00,M0000001,CUP,1,
	B,2026-11-18 09:10:00,M0000001,TEA,2,200
	C,2026-11-18 09:20:00,,CUP,1,
	EOF
	run --separate-stderr sale import s.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"B,"*"s.csv:3: points_used: member M0000001 has 80 points, not 200"* ]]
	eq "A C" "$(sql "SELECT receipt FROM sale
	    WHERE receipt <> (SELECT min(receipt) FROM sale WHERE at < '2025')
	    ORDER BY receipt" | xargs)"
}

@test "a sale dated after the clock is refused: --at (64), an import row (65)" {
	shop
	run sale add --at "2026-11-18 10:06:00" CUP:1
	[ "$status" -eq 64 ]
	[[ "$output" == *"later than the clock (2026-11-18 10:00:00)"* ]]
	run sale add --at "2026-11-18 10:04:00" CUP:1	# within the skew
	[ "$status" -eq 0 ]
	printf 'receipt,at,sku,qty\nF,2030-01-01 00:00:00,CUP,1\nG,,CUP,1\n' >f.csv
	run --separate-stderr sale import f.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"f.csv:2: at: 2030-01-01 00:00:00 is later than the clock"* ]]
	eq 0 "$(sql "SELECT count(*) FROM sale WHERE receipt = 'F'")"
	eq 1 "$(sql "SELECT count(*) FROM sale WHERE receipt = 'G'")"
}

@test "--at into an earlier day needs a manager once staff are registered" {
	shop
	hire tester admin
	hire boss manager
	hire cash cashier
	run as cash sale add --at "2026-11-17 18:00" CUP:1
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs a manager"* ]]
	run as cash sale add --at "2026-11-18 08:00" CUP:1
	[ "$status" -eq 0 ]
	run as boss sale add --at "2026-11-17 18:00" CUP:1
	[ "$status" -eq 0 ]
	# the audit log keeps the time the book recorded it
	eq "2026-11-18 10:00:00" "$(sql "SELECT at FROM audit ORDER BY id DESC LIMIT 1")"
}

@test "lines of one receipt apart from each other refuse the file, naming both rows" {
	shop
	stock add --sku POT --name Pot --price 300 >/dev/null
	cat >s.csv <<-EOF
	receipt,at,sku,qty
	R-A,2026-11-18 09:00:00,TEA,1
	R-B,2026-11-18 09:01:00,CUP,1
	R-A,2026-11-18 09:00:00,POT,1
	EOF
	run --separate-stderr sale import s.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'s.csv:4: receipt: "R-A" again, apart from its lines from row 2'* ]]
	eq 0 "$(sql "SELECT count(*) FROM sale")"
	# from standard input the same, and sorted it imports whole
	run --separate-stderr sale import - <s.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'stdin:4: receipt: "R-A" again'* ]]
	(head -1 s.csv; tail -n +2 s.csv | sort -s -t, -k1,1) | sale import -q -
	eq "R-A|42000|2" "$(sql "SELECT receipt, gross,
	    (SELECT count(*) FROM sale_line WHERE sale_id = sale.id) FROM sale
	    WHERE receipt = 'R-A'")"
}

@test "pending_days: a sale's points wait out the return window" {
	shop
	stock add --sku TV --name TV --price 2000 >/dev/null
	stock add --sku KETTLE --name Kettle --price 100 --gift-points 1000 >/dev/null
	stock receive --sku KETTLE --qty 1 --cost 50 >/dev/null
	jq '.pending_days = 7' "$TOP/share/rules.json" >rules.json
	JIFEN_NOW="2026-11-01 10:00:00" points rules load rules.json >/dev/null
	sale add --member M0000001 --receipt TV1 TV:1 >/dev/null
	eq "2100|2100" "$(pts M0000001 balance)|$(pts M0000001 pending)"
	run redeem gift M0000001 KETTLE
	[ "$status" -eq 1 ]
	[[ "$output" == *"has 0 to spend (2100 more are pending)"* ]]
	run redeem quote M0000001 --amount 300 -o json
	eq 0 "$(jq -r .max_points <<<"$output")"
	run sale return TV1
	[ "$status" -eq 0 ]
	eq "0|0|0" "$(pts M0000001 balance)|$(pts M0000001 pending)|$(sql "SELECT debt FROM member")"
	# kept, they are spendable from the seventh day
	sale add --member M0000001 --receipt TV2 TV:1 >/dev/null
	JIFEN_NOW="2026-11-24 10:00:00" run redeem gift M0000001 KETTLE
	[ "$status" -eq 1 ]
	JIFEN_NOW="2026-11-25 10:00:00" run redeem gift M0000001 KETTLE
	[ "$status" -eq 0 ]
	eq 1400 "$(balance M0000001)"	# TV1 made her silver: TV2 earned 2400
}

@test "report audit names a whole return that charged expired points twice" {
	shop
	JIFEN_NOW="2024-01-10 10:00:00" sale add --member M0000001 --receipt R1 \
	    TEA:1 >/dev/null
	JIFEN_NOW="2026-01-11 08:00:00" expire >/dev/null
	JIFEN_NOW="2026-01-12 10:00:00" sale return R1 >/dev/null
	report audit
	# what the old code booked: the 220 reversed again, as debt
	sql "INSERT INTO ledger (id, member_id, at, kind, delta, ref, operator,
	    audit_id) VALUES ((SELECT max(id) + 1 FROM ledger), 1,
	    '2026-01-12 10:00:00', 'reverse', -220, 'R1', 'x', 1);
	    UPDATE member SET balance = -220, debt = 220;
	    INSERT INTO alloc (entry_id, lot_id, points) VALUES
	    ((SELECT max(id) FROM ledger), NULL, 220)"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"return_points: R1: expected 220, found 0"* ]]
	SKIP_AUDIT=1
}

@test "report audit names lines that do not carry their receipt's offset, and points spent while lapsed or pending" {
	shop
	points adjust M0000001 +300 --reason gift >/dev/null
	sale add --member M0000001 --receipt R1 --use-points 200 TEA:1 CUP:1 >/dev/null
	report audit
	sql "UPDATE sale_line SET offset_amount = offset_amount + 1,
	    paid = paid - 1 WHERE line = 1"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"line_offset: R1: expected offset 20.00 paid 180.00, found offset 20.01 paid 179.99"* ]]
	sql "UPDATE sale_line SET offset_amount = offset_amount - 1,
	    paid = paid + 1 WHERE line = 1;
	    UPDATE lot SET spendable = '2026-11-20'"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"spent_pending: M0000001 offset entry"*"spendable from 2026-11-20"* ]]
	sql "UPDATE lot SET spendable = NULL, expires_on = '2026-11-01'"
	run report audit
	[[ "$output" == *"spent_lapsed: M0000001 offset entry"*"valid through 2026-11-01"* ]]
	SKIP_AUDIT=1
}

@test "sale import --rejects: never the book or the input; a full disk is an error naming the file" {
	shop
	printf 'receipt,sku,qty\nA,NOPE,1\nB,CUP,1\n' >s.csv
	run --separate-stderr sale import s.csv --rejects "$JIFEN_DB"
	[ "$status" -eq 64 ]
	run --separate-stderr sale import s.csv --rejects s.csv
	[ "$status" -eq 64 ]
	eq 3 "$(wc -l <s.csv)"
	eq 0 "$(sql "SELECT count(*) FROM sale")"
	run --separate-stderr sale import s.csv --rejects /dev/full
	[ "$status" -eq 70 ]
	[[ "$stderr" == *"/dev/full"* ]]
	run --separate-stderr sale import s.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	eq 600 "$(stat -c %a rej.csv)"
	eq 'A,NOPE,1,"s.csv:2: sku: no product ""NOPE"""' "$(sed -n 2p rej.csv)"
}

@test "a spending refused for short points books no expiry of lapsed lots, in a stream too" {
	shop
	JIFEN_NOW="2024-11-01 10:00:00" sale add --member M0000001 TEA:1 >/dev/null
	points adjust M0000001 +50 --reason kept >/dev/null
	# 220 lapsed on 2026-11-01, expire has not run; 50 are valid
	run --separate-stderr sh -c 'printf "code\nM0000001\n" | points adjust - -100 --reason x'
	[ "$status" -eq 65 ]
	eq 0 "$(sql "SELECT count(*) FROM ledger WHERE kind = 'expire'")"
	run points adjust M0000001 -40 --reason y
	[ "$status" -eq 0 ]
	eq "-220" "$(sql "SELECT delta FROM ledger WHERE kind = 'expire'")"
	eq 10 "$(balance M0000001)"
}
