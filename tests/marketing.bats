#!/usr/bin/env bats
# The marketing rules (DESIGN.md section 4): holidays, spend thresholds
# (满额送积分) and their returns, a tier's VIP discounts on prices and
# gifts.  Figures are worked by hand in the comments.

bats_require_minimum_version 1.5.0
load helper
load fixtures

# The rules of these tests: 2026-11-18 (a Wednesday, the suites' day) is
# a holiday, when a festival doubles points; two thresholds; gold from
# 1000 points earned with 5% off list prices and 10% off gifts.
rules() {
	cat > mkt.json <<-'EOF'
	{ "holidays": ["2026-11-18", "2026-12-25"],
	  "multipliers": [ { "name": "festival", "days": ["holiday"],
	                     "factor": "2" } ],
	  "thresholds": [
	    { "name": "autumn", "min_paid": "500.00", "points": 100,
	      "from": "2026-11-16", "to": "2026-11-20" },
	    { "name": "big", "min_paid": "1000.00", "points": 300,
	      "days": ["holiday"] } ],
	  "tiers": [ { "name": "normal", "min_points": 0, "factor": "1" },
	             { "name": "gold", "min_points": 1000, "factor": "1",
	               "discount": "0.95", "gift_discount": "0.90" } ] }
	EOF
	JIFEN_NOW="2026-11-01 00:00:00" points rules load mkt.json >/dev/null
}

shop() {
	rules
	stock add --sku TEA --name Tea --price 120 --category tea >/dev/null
	stock add --sku CUP --name Cup --price 80 >/dev/null
	stock add --sku SWEET --name Sweet --price 0.30 >/dev/null
	stock add --sku TIN --name Tin --price 50 --gift-points 333 >/dev/null
	stock receive --sku TEA --qty 50 --cost 60 >/dev/null
	stock receive --sku CUP --qty 50 --cost 30 >/dev/null
	stock receive --sku SWEET --qty 50 --cost 0.10 >/dev/null
	stock receive --sku TIN --qty 5 --cost 20 >/dev/null
	member add --phone 13800000001 --name Ann >/dev/null
}

balance() {	# CODE
	sql "SELECT balance FROM member WHERE code = '$1'"
}

# --- the rules ----------------------------------------------------------

@test "rules: holidays, thresholds and VIP rates are shown by points rules" {
	rules
	run points rules
	[ "$status" -eq 0 ]
	[[ "$output" == *'multiplier festival,x2.00 days holiday'* ]]
	[[ "$output" == *'holidays,"2026-11-18,2026-12-25"'* ]]
	[[ "$output" == *'threshold autumn,100 points from 500.00 paid 2026-11-16..2026-11-20'* ]]
	[[ "$output" == *'threshold big,300 points from 1000.00 paid days holiday'* ]]
	[[ "$output" == *'tier gold,"from 1000 points, x1.00, discount 0.95, gifts 0.90"'* ]]
}

@test "rules: a bad holiday, threshold or VIP rate is refused with its JSON path (65), nothing changes" {
	rules
	before=$(snapshot)
	bad() {	# DOCUMENT MESSAGE
		echo "$1" > bad.json
		run --separate-stderr points rules load bad.json
		[ "$status" -eq 65 ]
		eq "points: bad.json: $2" "$stderr"
	}
	bad '{"holidays": ["2026-02-30"]}' \
	    'holidays[0]: not a date (YYYY-MM-DD): "2026-02-30"'
	bad '{"holidays": "2026-01-01"}' 'holidays: not a list'
	bad '{"multipliers": [{"name": "x", "factor": "2", "days": ["feast"]}]}' \
	    'multipliers[0].days[0]: not a day (mon ... sun, holiday): "feast"'
	bad '{"thresholds": [{"name": "a", "points": 1}]}' \
	    'thresholds[0].min_paid: missing'
	bad '{"thresholds": [{"name": "a", "min_paid": "10", "points": 0}]}' \
	    'thresholds[0].points: less than 1'
	bad '{"thresholds": [{"name": "a", "min_paid": "10", "points": 5, "skus": ["TEA"]}]}' \
	    'thresholds[0].skus: unknown key'
	bad '{"thresholds": [{"name": "signup", "min_paid": "10", "points": 5}]}' \
	    'thresholds[0].name: a name the ledger uses: "signup"'
	bad '{"thresholds": [{"name": "a", "min_paid": "10", "points": 5},
	    {"name": "a", "min_paid": "20", "points": 5}]}' \
	    'thresholds[1].name: duplicate: "a"'
	bad '{"tiers": [{"name": "n", "min_points": 0, "factor": "1", "discount": "1.05"}]}' \
	    'tiers[0].discount: above 1: "1.05"'
	bad '{"tiers": [{"name": "n", "min_points": 0, "factor": "1", "gift_discount": "0"}]}' \
	    'tiers[0].gift_discount: must be more than zero: "0"'
	eq "$before" "$(snapshot)"
}

# --- holidays and thresholds --------------------------------------------

@test "a holiday doubles the points; thresholds book a bonus each, named, once" {
	shop
	# Wednesday 2026-11-18, a holiday: 10 x 120.00 = 1200.00 paid, x2 =
	# 2400, signup 100, autumn (>= 500.00, in its dates) 100, big
	# (>= 1000.00 on a holiday) 300: bonus 500, balance 2900
	run sale add --member M0000001 --receipt A TEA:10 -o json
	[ "$status" -eq 0 ]
	eq "2400 500 2900" "$(jq -r '"\(.points_earned) \(.bonus_points) \(.balance)"' <<<"$output")"
	eq "bonus|100|signup bonus|100|autumn bonus|300|big" "$(sql "SELECT
	    kind || '|' || delta || '|' || rule FROM ledger
	    WHERE ref = 'A' AND kind = 'bonus' ORDER BY id" | paste -sd ' ')"
	# A made Ann gold (2900 >= 1000): 5% off.  The next day is no
	# holiday: 5 x 114.00 = 570.00 earns 570 and autumn only; 4 x 114.00
	# = 456.00 is below it
	JIFEN_NOW="2026-11-19 10:00:00" sale add --member M0000001 \
	    --receipt B TEA:5 >/dev/null
	eq "570|100" "$(sql "SELECT points_earned, bonus_points FROM sale
	    WHERE receipt = 'B'")"
	JIFEN_NOW="2026-11-19 11:00:00" sale add --member M0000001 \
	    --receipt C TEA:4 >/dev/null
	eq "456|0" "$(sql "SELECT points_earned, bonus_points FROM sale
	    WHERE receipt = 'C'")"
	# after the autumn dates: none
	JIFEN_NOW="2026-11-21 10:00:00" sale add --member M0000001 \
	    --receipt D TEA:5 >/dev/null
	eq "0" "$(sql "SELECT bonus_points FROM sale WHERE receipt = 'D'")"
	# points explain names them
	run points explain A
	[ "$status" -eq 0 ]
	[[ "$output" == *"bonus,,,,,,autumn,100,M0000001"* ]]
	[[ "$output" == *"bonus,,,,,,big,300,M0000001"* ]]
}

@test "thresholds: paid, not gross, must reach min_paid; anonymous and frozen members get none" {
	shop
	member add --phone 13800000002 >/dev/null
	give M0000001 1000 2026-11-17
	give M0000002 1000 2026-11-17
	# 4 x 120.00 + 80.00 = 560.00 gross; 300 points pay 30.00: 530.00
	# paid reaches 500.00; 700 points pay 70.00: 490.00 paid does not
	sale add --member M0000001 --receipt P1 --use-points 300 TEA:4 CUP:1 >/dev/null
	sale add --member M0000002 --receipt P2 --use-points 700 TEA:4 CUP:1 >/dev/null
	eq "P1|autumn P2|" "$(sql "SELECT s.receipt || '|' ||
	    coalesce(l.rule, '') FROM sale s LEFT JOIN ledger l ON l.ref =
	    s.receipt AND l.kind = 'bonus' AND l.rule <> 'signup'
	    ORDER BY s.receipt, l.id" | paste -sd ' ')"
	sale add --receipt P3 TEA:10 >/dev/null
	member update M0000002 --status frozen >/dev/null
	sale add --member M0000002 --receipt P4 TEA:10 >/dev/null
	eq "0|0" "$(sql "SELECT bonus_points FROM sale
	    WHERE receipt IN ('P3', 'P4') ORDER BY id" | paste -sd '|')"
}

@test "returns: a threshold's bonus goes back once the kept lines pay less than it asked" {
	shop
	sale add --member M0000001 --receipt A TEA:10 >/dev/null	# 2400 + 500
	JIFEN_NOW="2026-11-19 10:00:00"
	# kept 7 x 120.00 = 840.00: below big's 1000.00, not autumn's 500.00;
	# earning 2400 - 840 x 2 = 720, big 300: 1020 reversed
	run sale return A TEA:3 -o json
	[ "$status" -eq 0 ]
	eq "1020 1880" "$(jq -r '"\(.points_reversed) \(.balance)"' <<<"$output")"
	eq "reverse|-300|big reverse|-720|return" "$(sql "SELECT
	    kind || '|' || delta || '|' || rule FROM ledger
	    WHERE ref = 'A' AND kind = 'reverse' ORDER BY id" | paste -sd ' ')"
	# kept 3 x 120.00 = 360.00: below autumn; earning 1680 - 720 = 960,
	# autumn 100: 1060; big is not taken twice
	run sale return A TEA:4 -o json
	eq "1060 820" "$(jq -r '"\(.points_reversed) \(.balance)"' <<<"$output")"
	# the rest: what is left of the earning (2400 - 720 - 960 = 720) and
	# of the bonuses (signup 100): 820; nothing is taken twice, the
	# receipt nets to 0
	run sale return A -o json
	eq "820 0" "$(jq -r '"\(.points_reversed) \(.balance)"' <<<"$output")"
	eq "0" "$(sql "SELECT sum(delta) FROM ledger WHERE ref = 'A'")"
}

@test "returns: a return that keeps enough paid keeps the thresholds" {
	shop
	sale add --member M0000001 --receipt A TEA:10 CUP:1 >/dev/null
	# 10 x 120.00 + 80.00 = 1280.00; the cup back keeps 1200.00: earning
	# 2560 - 2400 = 160, both thresholds kept
	run sale return A CUP:1 -o json
	eq "160" "$(jq -r .points_reversed <<<"$output")"
	eq "0" "$(sql "SELECT count(*) FROM ledger WHERE ref = 'A'
	    AND kind = 'reverse' AND rule <> 'return'")"
}

# --- VIP privileges -------------------------------------------------------

@test "a gold member pays the discounted list price, half up to the fen; sale add shows it" {
	shop
	sale add --member M0000001 --receipt A TEA:10 >/dev/null	# now gold
	eq gold "$(sql "SELECT tier FROM member WHERE code = 'M0000001'")"
	JIFEN_NOW="2026-11-19 10:00:00"
	# 120.00 x 0.95 = 114.00, 80.00 x 0.95 = 76.00, 0.30 x 0.95 = 0.285
	# -> 0.29 (half up); a price given at the till stays: 100.00
	run sale add --member M0000001 --receipt V TEA:1 CUP:2 SWEET:1 TEA:1@100 -o json
	[ "$status" -eq 0 ]
	eq '["114.00","76.00","0.29","100.00"]' "$(jq -c '[.lines[].price]' <<<"$output")"
	eq '["120.00","80.00","0.30",null]' "$(jq -c '[.lines[].list_price]' <<<"$output")"
	# gross 114.00 + 152.00 + 0.29 + 100.00 = 366.29; discount 6.00 +
	# 8.00 + 0.01 = 14.01
	eq "366.29 14.01" "$(jq -r '"\(.gross) \(.discount)"' <<<"$output")"
	eq "12000|11400 8000|7600 30|29 |10000" "$(sql "SELECT
	    coalesce(CAST(l.list_price AS TEXT), '') || '|' || l.price
	    FROM sale_line l JOIN sale s ON s.id = l.sale_id
	    WHERE s.receipt = 'V' ORDER BY l.id" | paste -sd ' ')"
	run sale show V -o csv
	[[ "${lines[0]}" == *",balance,discount" ]]
	[[ "${lines[1]}" == *",14.01" ]]
	# points explain names the discount, line by line
	run points explain V -o csv
	[[ "$output" == *"discount,1,TEA,1,6.00,0.95,gold,0,M0000001"* ]]
	[[ "$output" == *"discount,2,CUP,2,8.00,0.95,gold,0,M0000001"* ]]
	# a return gives back what was paid
	run sale return V CUP:1 -o json
	eq "76.00" "$(jq -r .returned_gross <<<"$output")"
}

@test "no discount for a normal, frozen or anonymous buyer" {
	shop
	sale add --member M0000001 --receipt A TEA:10 >/dev/null	# gold
	member add --phone 13800000002 >/dev/null
	member update M0000001 --status frozen >/dev/null
	JIFEN_NOW="2026-11-19 10:00:00"
	sale add --member M0000001 --receipt F TEA:1 >/dev/null
	sale add --member M0000002 --receipt N TEA:1 >/dev/null
	sale add --receipt X TEA:1 >/dev/null
	eq "12000 12000 12000" "$(sql "SELECT l.price
	    FROM sale_line l JOIN sale s ON s.id = l.sale_id
	    WHERE s.receipt IN ('F', 'N', 'X') ORDER BY l.id" | paste -sd ' ')"
	eq "0" "$(sql "SELECT count(*) FROM sale_line WHERE list_price IS NOT NULL")"
}

@test "redeem gift: a gold member pays the gift's points less the gift discount, rounded up" {
	shop
	sale add --member M0000001 --receipt A TEA:10 >/dev/null	# 2900, gold
	member add --phone 13800000002 >/dev/null
	give M0000002 1000 2026-11-17
	# 333 x 0.90 = 299.7 -> 300 a tin; two: 600, list 666
	run redeem gift M0000001 TIN --qty 2
	[ "$status" -eq 0 ]
	eq "R0000001,M0000001,TIN,2,600,2300,666" "${lines[1]}"
	# a normal member pays the list: 333
	run redeem gift M0000002 TIN
	eq "R0000002,M0000002,TIN,1,333,667,333" "${lines[1]}"
	# cancelled, the 600 go back
	redeem cancel R0000001 >/dev/null
	eq 2900 "$(balance M0000001)"
}
