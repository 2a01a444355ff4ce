#!/usr/bin/env bats
# Limited gifts and reservations (限量礼品, 需提前预约): a gift's limit a
# member and its days; redeem reserve holding the points and a unit until
# redeem pickup, or until expire lets the hold lapse and both go back.
# Figures are worked by hand in the comments.

load helper
load fixtures
bats_require_minimum_version 1.5.0
JOINED=2024-10-01	# new_member's day; the suites' day is Wed 2026-11-18

# A member with 2500 points (valid through 2028-01-10) and a gift G1 of
# 1000 points with 5 on hand.
shop() {
	new_member 13800000001
	give M0000001 2500 2026-01-10
	stock add --sku G1 --name Lamp --price 100.00 --gift-points 1000 \
	    >/dev/null
	stock receive --sku G1 --qty 5 --cost 50.00 >/dev/null
}

balance() {
	sql "SELECT balance FROM member WHERE code = 'M0000001'"
}

on_hand() {
	sql "SELECT on_hand FROM stock s JOIN product p ON p.id = s.product_id
	    WHERE p.sku = 'G1'"
}

@test "redeem reserve: the points and the unit leave at once; held 7 days by default" {
	shop
	run redeem reserve M0000001 G1
	[ "$status" -eq 0 ]
	# 2500 - 1000 = 1500; held through 2026-11-18 + 7 days
	eq "redemption,member,sku,qty,points,balance,list_points,hold_until,picked_up
R0000001,M0000001,G1,1,1000,1500,1000,2026-11-25," "$output"
	eq 1500 "$(balance)"
	eq 4 "$(on_hand)"
	eq "redeem|-1000|R0000001" "$(sql "SELECT kind, delta, ref FROM ledger
	    WHERE kind = 'redeem'")"
	eq "redeem|-1|R0000001" "$(sql "SELECT kind, qty, ref FROM move
	    WHERE kind = 'redeem'")"
	eq "2026-11-25||" "$(sql "SELECT hold_until, picked_up, cancelled
	    FROM redemption")"
	# --days and --until; the codes count on with the gifts'
	run redeem reserve M0000001 G1 --days 0 -o jsonl
	eq '"R0000002" "2026-11-18" 500' \
	    "$(jq -c .redemption <<<"$output") $(jq -c .hold_until <<<"$output") $(jq -c .balance <<<"$output")"
	give M0000001 1000 2026-01-10
	run redeem gift M0000001 G1
	eq "R0000003,M0000001,G1,1,1000,500,1000" "${lines[1]}"
	give M0000001 1000 2026-01-10
	run redeem reserve M0000001 G1 --until 2026/12/01 --no-header
	eq "R0000004,M0000001,G1,1,1000,500,1000,2026-12-01," "$output"
	eq 1 "$(on_hand)"
	invariants
}

@test "redeem reserve: refused (1) as redeem gift is, and for a day already past; nothing written" {
	shop
	before=$(snapshot)
	run --separate-stderr redeem reserve M0000001 G1 --until 2026-11-17
	[ "$status" -eq 1 ]
	eq "redeem: a reservation held through 2026-11-17 would have lapsed already: today is 2026-11-18" "$stderr"
	run redeem reserve M0000001 G1 --qty 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"has 2500, 3 of \"G1\" needs 3000"* ]]
	run redeem reserve M0000001 G1 --qty 6
	[ "$status" -eq 1 ]
	member update M0000001 --status frozen >/dev/null
	before=$(snapshot)
	run redeem reserve M0000001 G1
	[ "$status" -eq 1 ]
	[[ "$output" == *"member M0000001 is frozen: cannot redeem"* ]]
	eq "$before" "$(snapshot)"
	eq 0 "$(sql "SELECT count(*) FROM redemption")"
	run redeem reserve M0000001 G1 --days 2 --until 2026-11-20
	[ "$status" -eq 64 ]
	run redeem reserve M0000001 G1 --days 367
	[ "$status" -eq 64 ]
}

@test "redeem pickup: marks it picked up, nothing else moves; a second pickup is refused" {
	shop
	redeem reserve M0000001 G1 --days 2 >/dev/null
	JIFEN_NOW="2026-11-20 18:00:00" run redeem pickup R0000001
	[ "$status" -eq 0 ]
	eq "redemption,member,sku,qty,points,balance,list_points,hold_until,picked_up
R0000001,M0000001,G1,1,1000,1500,1000,2026-11-20,2026-11-20 18:00:00" "$output"
	eq 1500 "$(balance)"
	eq 4 "$(on_hand)"
	eq 1 "$(sql "SELECT count(*) FROM move WHERE kind = 'redeem'")"
	before=$(snapshot)
	run --separate-stderr redeem pickup R0000001
	[ "$status" -eq 1 ]
	eq "redeem: reservation R0000001 was picked up already, at 2026-11-20 18:00:00" "$stderr"
	eq "$before" "$(snapshot)"
	# picked up: expire leaves it alone
	JIFEN_NOW="2026-11-30 00:05:00" expire >/dev/null
	eq 1500 "$(balance)"
	eq 4 "$(on_hand)"
	invariants
}

@test "redeem pickup: a gift, an unknown code, a day past the hold are refused (1)" {
	shop
	redeem gift M0000001 G1 >/dev/null
	redeem reserve M0000001 G1 --days 1 >/dev/null
	run --separate-stderr redeem pickup R0000001
	[ "$status" -eq 1 ]
	eq "redeem: redemption R0000001 is a gift, not a reservation" "$stderr"
	run --separate-stderr redeem pickup R0000009
	[ "$status" -eq 1 ]
	eq 'redeem: no redemption "R0000009"' "$stderr"
	# held through the 19th: on the 20th it has lapsed, expire or not
	JIFEN_NOW="2026-11-20 09:00:00" run --separate-stderr redeem pickup R0000002
	[ "$status" -eq 1 ]
	[[ "$stderr" == "redeem: reservation R0000002 was held through 2026-11-19: it has lapsed"* ]]
	eq "" "$(sql "SELECT coalesce(picked_up, '') FROM redemption
	    WHERE code = 'R0000002'")"
	run redeem pickup
	[ "$status" -eq 64 ]
}

@test "expire lets a hold past its day go: points to their lot, the unit to stock; twice does nothing" {
	shop
	redeem reserve M0000001 G1 --days 2 >/dev/null	# through 11-20
	eq 1500 "$(balance)"
	# the run for the 20th: still held that day
	JIFEN_NOW="2026-11-20 00:05:00" run expire --holds
	eq "redemption,member,sku,qty,points,hold_until,lapsed_on" "$output"
	# the dry run for the 21st lists it and books nothing
	before=$(snapshot)
	JIFEN_NOW="2026-11-21 00:05:00" run --separate-stderr expire --holds -n
	[ "$status" -eq 0 ]
	eq "redemption,member,sku,qty,points,hold_until,lapsed_on
R0000001,M0000001,G1,1,1000,2026-11-20,2026-11-21" "$output"
	eq "$before" "$(snapshot)"
	# cron's expire: its points records as ever, and the hold lapses
	JIFEN_NOW="2026-11-21 00:05:00" run expire
	[ "$status" -eq 0 ]
	eq "member,points,expired_on" "$output"
	eq 2500 "$(balance)"
	eq 5 "$(on_hand)"
	eq 2500 "$(sql "SELECT remaining FROM lot")"
	eq "restore|1000|R0000001" "$(sql "SELECT kind, delta, ref FROM ledger
	    WHERE kind = 'restore'")"
	eq "redeem|1|R0000001|lapsed" "$(sql "SELECT kind, qty, ref, reason
	    FROM move WHERE qty > 0 AND kind = 'redeem'")"
	eq "2026-11-21 00:05:00" "$(sql "SELECT cancelled FROM redemption")"
	before=$(snapshot)
	JIFEN_NOW="2026-11-21 00:10:00" run expire
	eq "member,points,expired_on" "$output"
	JIFEN_NOW="2026-11-21 00:10:00" run expire --holds --no-header
	eq "" "$output"
	eq "$before" "$(snapshot)"
	# lapsed: no pickup, no cancel
	JIFEN_NOW="2026-11-21 10:00:00" run --separate-stderr redeem pickup R0000001
	[ "$status" -eq 1 ]
	eq "redeem: reservation R0000001 lapsed, at 2026-11-21 00:05:00: it was held through 2026-11-20" "$stderr"
	JIFEN_NOW="2026-11-21 10:00:00" run redeem cancel R0000001
	[ "$status" -eq 1 ]
	invariants
}

@test "expire --holds lapses holds only: the points run for the day is left to expire" {
	shop
	redeem reserve M0000001 G1 --days 0 >/dev/null
	JIFEN_NOW="2026-11-19 00:05:00" run expire --holds -o jsonl
	eq '{"redemption":"R0000001","member":"M0000001","sku":"G1","qty":1,"points":1000,"hold_until":"2026-11-18","lapsed_on":"2026-11-19"}' "$output"
	eq 0 "$(sql "SELECT count(*) FROM expire_run")"
	JIFEN_NOW="2026-11-19 00:06:00" expire >/dev/null
	eq 1 "$(sql "SELECT count(*) FROM expire_run")"
	eq 2500 "$(balance)"
	# a day after today is refused, as for points
	run --separate-stderr expire --holds --date 2026-11-30
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"reservations are held until then"* ]]
}

@test "expire: points a lapsed hold gives back to a lapsed lot expire in the same run" {
	new_member 13800000001
	give M0000001 1000 2024-11-19		# valid through 2026-11-19
	stock add --sku G1 --name Lamp --price 100.00 --gift-points 1000 \
	    >/dev/null
	stock receive --sku G1 --qty 5 --cost 50.00 >/dev/null
	redeem reserve M0000001 G1 --days 3 >/dev/null	# through 11-21
	eq 0 "$(balance)"
	# the run for the 22nd: the hold lapses first, its 1000 points go
	# back to the lot that lapsed after the 19th, and expire with it
	JIFEN_NOW="2026-11-22 00:05:00" run expire
	eq "member,points,expired_on
M0000001,1000,2026-11-22" "$output"
	eq 0 "$(balance)"
	eq 5 "$(on_hand)"
	invariants
}

@test "redeem cancel of a live reservation: as for a gift; it is then no longer held" {
	shop
	redeem reserve M0000001 G1 --qty 2 >/dev/null
	eq 500 "$(balance)"
	eq 3 "$(on_hand)"
	run redeem list --held --no-header
	eq "R0000001,2026-11-18 10:00:00,main,M0000001,G1,2,2000,,tester,2026-11-25," "$output"
	JIFEN_NOW="2026-11-19 10:00:00" run redeem cancel R0000001
	[ "$status" -eq 0 ]
	eq "R0000001,M0000001,G1,2,2000,2500,2000" "${lines[1]}"
	eq 2500 "$(balance)"
	eq 5 "$(on_hand)"
	run redeem list --held --no-header
	eq "" "$output"
	run redeem list --no-header
	eq "R0000001,2026-11-18 10:00:00,main,M0000001,G1,2,2000,2026-11-19 10:00:00,tester,2026-11-25," "$output"
	JIFEN_NOW="2026-11-19 10:00:00" run --separate-stderr redeem pickup R0000001
	[ "$status" -eq 1 ]
	eq "redeem: reservation R0000001 was cancelled, at 2026-11-19 10:00:00" "$stderr"
	# and expire finds nothing to lapse
	JIFEN_NOW="2026-11-30 00:05:00" run expire --holds --no-header
	eq "" "$output"
	invariants
}

@test "a gift's limit a member: gifts and live or picked-up holds count, cancelled and lapsed ones do not" {
	shop
	give M0000001 5000 2026-01-10			# 7500 in all
	run stock update G1 --gift-limit 2
	[ "$status" -eq 0 ]
	eq "G1,Lamp,,100.00,0.00,0,0,1000,2,," "${lines[1]}"
	redeem gift M0000001 G1 >/dev/null		# R1: 1 of 2
	redeem reserve M0000001 G1 --days 0 >/dev/null	# R2: 2 of 2
	before=$(snapshot)
	run --separate-stderr redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	eq 'redeem: gift "G1" is limited to 2 a member: member M0000001 has 2, 1 more would be over' "$stderr"
	run redeem reserve M0000001 G1
	[ "$status" -eq 1 ]
	eq "$before" "$(snapshot)"
	# another member has a limit of their own
	new_member 13800000002
	give M0000002 3000 2026-01-10
	run redeem gift M0000002 G1 --qty 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"member M0000002 has 0, 3 more would be over"* ]]
	redeem gift M0000002 G1 --qty 2 >/dev/null
	# R2 lapses (held through the 18th): M0000001 may have one more
	JIFEN_NOW="2026-11-19 00:05:00" expire >/dev/null
	JIFEN_NOW="2026-11-19 10:00:00" run redeem reserve M0000001 G1
	[ "$status" -eq 0 ]
	# a cancelled gift frees its place too
	JIFEN_NOW="2026-11-19 10:00:00" redeem cancel R0000001 >/dev/null
	JIFEN_NOW="2026-11-19 10:00:00" run redeem gift M0000001 G1
	[ "$status" -eq 0 ]
	# 0 lifts the limit
	stock update G1 --gift-limit 0 >/dev/null
	eq "" "$(sql "SELECT gift_limit FROM product")"
	give M0000001 1000 2026-01-10
	JIFEN_NOW="2026-11-19 10:00:00" run redeem gift M0000001 G1
	[ "$status" -eq 0 ]
	invariants
}

@test "a gift's days: redeemed and reserved only from its first through its last day" {
	shop
	give M0000001 5000 2026-01-10
	run stock update G1 --gift-from 2026-11-20 --gift-to 2026/11/30
	[ "$status" -eq 0 ]
	eq "G1,Lamp,,100.00,0.00,0,0,1000,,2026-11-20,2026-11-30" "${lines[1]}"
	run stock show G1 -o jsonl
	eq '{"gift_limit":null,"gift_from":"2026-11-20","gift_to":"2026-11-30"}' \
	    "$(jq -c '{gift_limit, gift_from, gift_to}' <<<"$output")"
	run redeem catalog --no-header
	eq "G1,Lamp,1000,5,,2026-11-20,2026-11-30" "$output"
	before=$(snapshot)
	run --separate-stderr redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	eq 'redeem: gift "G1" may be redeemed from 2026-11-20 through 2026-11-30, not on 2026-11-18' "$stderr"
	run redeem reserve M0000001 G1
	[ "$status" -eq 1 ]
	eq "$before" "$(snapshot)"
	JIFEN_NOW="2026-11-20 09:00:00" run redeem reserve M0000001 G1
	[ "$status" -eq 0 ]
	JIFEN_NOW="2026-11-30 21:00:00" run redeem gift M0000001 G1
	[ "$status" -eq 0 ]
	JIFEN_NOW="2026-12-01 09:00:00" run --separate-stderr redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	eq 'redeem: gift "G1" may be redeemed from 2026-11-20 through 2026-11-30, not on 2026-12-01' "$stderr"
	# '' opens an end
	stock update G1 --gift-from '' >/dev/null
	JIFEN_NOW="2026-12-02 09:00:00" run --separate-stderr redeem gift M0000001 G1
	eq 'redeem: gift "G1" may be redeemed through 2026-11-30, not on 2026-12-02' "$stderr"
	stock update G1 --gift-to '' --gift-from 2026-12-01 >/dev/null
	run --separate-stderr redeem gift M0000001 G1
	eq 'redeem: gift "G1" may be redeemed from 2026-12-01, not on 2026-11-18' "$stderr"
	eq "2026-12-01|" "$(sql "SELECT gift_from, coalesce(gift_to, '') FROM product")"
	invariants
}

@test "stock update: a window that ends before it starts (65) or a bad day (64) changes nothing" {
	shop
	stock update G1 --gift-from 2026-12-01 >/dev/null
	before=$(snapshot)
	run --separate-stderr stock update G1 --gift-to 2026-11-30
	[ "$status" -eq 65 ]
	eq "stock: the gift's window would end (2026-11-30) before it starts (2026-12-01)" "$stderr"
	run stock update G1 --gift-to 2026-02-30
	[ "$status" -eq 64 ]
	run stock update G1 --gift-limit -1
	[ "$status" -eq 64 ]
	eq "$before" "$(snapshot)"
	# stock import reads the terms as stock show writes them
	printf 'sku,gift_limit,gift_from,gift_to\nG1,3,,2026-12-24\n' |
	    stock import -q -
	eq "3|2026-12-01|2026-12-24" "$(sql "SELECT gift_limit, gift_from, gift_to
	    FROM product")"
	stock show G1 -o csv | stock import -q -
	eq "3|2026-12-01|2026-12-24" "$(sql "SELECT gift_limit, gift_from, gift_to
	    FROM product")"
}

@test "redeem reserve: a gold member's points price less the tier's gift discount, rounded up" {
	cat > vip.json <<-'EOF'
	{ "tiers": [ { "name": "normal", "min_points": 0, "factor": "1" },
	             { "name": "gold", "min_points": 100, "factor": "1",
	               "gift_discount": "0.90" } ] }
	EOF
	JIFEN_NOW="2026-11-01 00:00:00" points rules load vip.json >/dev/null
	shop
	stock add --sku TEA --name Tea --price 200.00 >/dev/null
	stock add --sku TIN --name Tin --price 50.00 --gift-points 333 >/dev/null
	stock receive --sku TIN --qty 5 --cost 20.00 >/dev/null
	# 200 earned and the 100 signup bonus: 300 earned, gold from 100
	sale add --member M0000001 --receipt S1 TEA:1 >/dev/null
	eq gold "$(sql "SELECT tier FROM member")"
	eq 2800 "$(balance)"
	# 1000 x 0.90 = 900: 2800 - 900 = 1900
	run redeem reserve M0000001 G1 --no-header
	eq "R0000001,M0000001,G1,1,900,1900,1000,2026-11-25," "$output"
	# 333 x 0.90 = 299.7, up to 300 a unit: 2 x 300 = 600; 1900 - 600 = 1300
	run redeem reserve M0000001 TIN --qty 2 --no-header
	eq "R0000002,M0000001,TIN,2,600,1300,666,2026-11-25," "$output"
	# the lapse gives back what was paid
	JIFEN_NOW="2026-11-26 00:05:00" run expire --holds --no-header
	eq "R0000001,M0000001,G1,1,900,2026-11-25,2026-11-26
R0000002,M0000001,TIN,2,600,2026-11-25,2026-11-26" "$output"
	eq 2800 "$(balance)"
	invariants
}

@test "report audit: a hold past its day after expire ran for a later day is a breach" {
	shop
	redeem reserve M0000001 G1 --days 0 >/dev/null
	JIFEN_NOW="2026-11-19 00:05:00" expire >/dev/null
	run report audit
	[ "$status" -eq 0 ]
	# a hold put back behind the tools' back
	sql "UPDATE redemption SET cancelled = NULL"
	run report audit -o csv --no-header
	[ "$status" -eq 1 ]
	[[ "$output" == *"hold_lapsed,R0000001 (held through 2026-11-18),lapsed by expire for 2026-11-19,held"* ]]
	SKIP_AUDIT=1
}
