#!/usr/bin/env bats
# margin: what the owner earned (issue 13).  report sales and report
# daily value the goods sold at the cost they left the stock with, and
# report stock --since --until reconciles the stock's value at cost.
#
# book: every figure below is worked by hand from it (JIFEN_NOW
# 2026-11-18 10:00:00):
#
#   goods     TEA01 tea 100.00, CUP01 ware 20.00, GIFT1 a gift for 100
#             points
#   11-01     received TEA01 10 at 60.00 (600.00), CUP01 5 at 12.34
#             (61.70), GIFT1 2 at 8.00 (16.00): the value 677.70
#   11-02     S1 Alice TEA01:4, 400.00: cost 4 x 60.00 = 240.00, margin
#             160.00, 40.00 %
#   11-03     received TEA01 6 at 75.00: the average (6 x 60.00 + 6 x
#             75.00) / 12 = 67.50, value + 450.00
#   11-04 11h S1 returns TEA01:1, back at the 60.00 it left with: the
#             average (12 x 67.50 + 60.00) / 13 = 66.923 -> 66.92, the
#             value 13 x 66.92 - 12 x 67.50 = + 59.96 (4 fen of rounding)
#   11-04 12h S2 anonymous TEA01:3 CUP01:1, 320.00: cost 3 x 66.92 +
#             12.34 = 213.10, margin 106.90, 33.40625 -> 33.41 %
#   11-05     Alice redeems GIFT1 (- 8.00); CUP01 counted 3 of 4
#             (- 12.34); S3 anonymous CUP01:1 at 0.00: cost 12.34,
#             margin - 12.34, no percentage
#
# Stock now: TEA01 10 x 66.92 = 669.20, CUP01 2 x 12.34 = 24.68, GIFT1
# 1 x 8.00: 701.88.

load helper
bats_require_minimum_version 1.5.0

book() {
	member add --phone 13800000001 --name Alice --joined 2026-10-01 \
	    >/dev/null
	stock add --sku TEA01 --name Longjing --category tea --price 100 \
	    --cost 60 >/dev/null
	stock add --sku CUP01 --name Cup --category ware --price 20 \
	    --cost 12.34 >/dev/null
	stock add --sku GIFT1 --name Towel --price 20 --cost 8 \
	    --gift-points 100 >/dev/null
	for s in TEA01:10:60 CUP01:5:12.34 GIFT1:2:8; do
		IFS=: read -r sku qty cost <<<"$s"
		stock receive --sku "$sku" --qty "$qty" --cost "$cost" \
		    --ref PO1 --at "2026-11-01 09:00:00" >/dev/null
	done
	sale add --member M0000001 --receipt S1 --at "2026-11-02 10:00:00" \
	    TEA01:4 >/dev/null
	stock receive --sku TEA01 --qty 6 --cost 75 --ref PO2 \
	    --at "2026-11-03 09:00:00" >/dev/null
	JIFEN_NOW="2026-11-04 11:00:00" sale return S1 TEA01:1 >/dev/null
	sale add --receipt S2 --at "2026-11-04 12:00:00" TEA01:3 CUP01:1 \
	    >/dev/null
	JIFEN_NOW="2026-11-05 09:00:00" redeem gift M0000001 GIFT1 >/dev/null
	printf 'sku,counted\nCUP01,3\n' |
	    JIFEN_NOW="2026-11-05 10:00:00" stock count -q - >/dev/null
	sale add --receipt S3 --at "2026-11-05 12:00:00" CUP01:1@0 >/dev/null
}

# metric NAME ARGS...: one metric of `report daily ARGS -o csv`.
metric() {
	report daily "${@:2}" -o csv | awk -F, -v m="$1" '$1 == m { print $2 }'
}

@test "report sales: cost, margin and margin_pct by day, product and member" {
	book
	run report sales -o csv
	[ "$status" -eq 0 ]
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
2026-11-02,1,4,400.00,0.00,400.00,240.00,160.00,40.00
2026-11-04,1,4,320.00,0.00,320.00,213.10,106.90,33.41
2026-11-05,1,1,0.00,0.00,0.00,12.34,-12.34," "$output"
	# the sale as rung up: S1's returned unit is not taken off
	run report sales --by product -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
TEA01,2,7,700.00,0.00,700.00,440.76,259.24,37.03
CUP01,2,2,20.00,0.00,20.00,24.68,-4.68,-23.40" "$output"
	run report sales --by category -o csv
	eq "tea,2,7,700.00,0.00,700.00,440.76,259.24,37.03" "${lines[1]}"
	run report sales --by member -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
M0000001,1,4,400.00,0.00,400.00,240.00,160.00,40.00
,2,5,320.00,0.00,320.00,225.44,94.56,29.55" "$output"
	run report sales --by month -o csv
	eq "2026-11,3,9,720.00,0.00,720.00,465.44,254.56,35.36" "${lines[1]}"
}

@test "report sales -o json: money and the percentage as strings, null with nothing paid" {
	book
	run report sales -o json
	[ "$status" -eq 0 ]
	eq '"240.00" "160.00" "40.00"' \
	    "$(jq -r '.[0] | "\"\(.cost)\" \"\(.margin)\" \"\(.margin_pct)\""' <<<"$output")"
	eq 'null "-12.34"' "$(jq -c '.[2] | "\(.margin_pct) \"\(.margin)\""' -r <<<"$output")"
	run report sales --by product -o table
	[[ "${lines[0]}" =~ ^key\ +receipts\ +qty\ +gross\ +offset\ +paid\ +cost\ +margin\ +margin_pct$ ]]
	[[ "${lines[1]}" =~ ^TEA01\ .*\ 440\.76\ +259\.24\ +37\.03$ ]]
}

@test "report sales -o html: cost and margin in the table, the totals' own percentage" {
	book
	report sales --by product -o html > p.html
	grep -q '<th>cost</th><th>margin</th><th>margin_pct</th></tr>' p.html
	grep -q '<td class="n">440.76</td><td class="n">259.24</td><td class="n">37.03</td></tr>' p.html
	# 254.56 of 720.00: 35.355 %
	grep -q '<tr><td>Total</td>.*<td class="n">465.44</td><td class="n">254.56</td><td class="n">35.36</td></tr>' p.html
}

@test "report daily: the day's cost and margin, and the returns' cost beside their gross" {
	book
	eq 213.10 "$(metric cost --date 2026-11-04)"
	eq 106.90 "$(metric margin --date 2026-11-04)"
	eq 100.00 "$(metric returned --date 2026-11-04)"
	eq 60.00 "$(metric returned_cost --date 2026-11-04)"
	eq 240.00 "$(metric cost --date 2026-11-02)"
	eq 160.00 "$(metric margin --date 2026-11-02)"
	eq 0.00 "$(metric returned_cost --date 2026-11-02)"
	eq -12.34 "$(metric margin --date 2026-11-05)"
	run report daily --date 2026-11-04 -o json
	eq '"213.10" "106.90" "60.00"' \
	    "$(jq -r '.summary | "\"\(.cost)\" \"\(.margin)\" \"\(.returned_cost)\""' <<<"$output")"
	run report daily --date 2026-11-04 -o table
	[[ "$output" =~ $'\n'margin\ +106\.90$'\n' ]]
	report daily --date 2026-11-04 -o html > d.html
	grep -q '<tr><td>cost</td><td class="n">213.10</td></tr>' d.html
	grep -q '<tr><td>margin</td><td class="n">106.90</td></tr>' d.html
	# report sales and report daily agree on the day
	eq "213.10,106.90" "$(report sales --since 2026-11-04 --until 2026-11-04 \
	    -o csv | awk -F, 'NR == 2 { print $7 "," $8 }')"
}

@test "report daily --store: a store where nothing was ever booked is refused, exit 1" {
	book
	run --separate-stderr report daily --store east -o csv
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	eq 'report: no store "east": nothing was ever sold, received or counted there' "$stderr"
	JIFEN_STORE=east run --separate-stderr report daily
	[ "$status" -eq 1 ]
	# the chain, and a store that has a book, as before
	eq 240.00 "$(metric cost --date 2026-11-02 --store main)"
	stock receive --store east --sku TEA01 --qty 1 --cost 60 >/dev/null
	eq 0 "$(metric receipts --store east)"
}

@test "report stock --since --until: opening + purchases - cost of sales + returns + adjustments - gifts = closing" {
	book
	run report stock --since 2026-11-02 --until 2026-11-04 -o csv
	[ "$status" -eq 0 ]
	eq "store,since,until,opening,purchases,cost_of_sales,returned_cost,adjustments,gifts,closing
main,2026-11-02,2026-11-04,677.70,450.00,453.10,59.96,0.00,0.00,734.56" "$output"
	run report stock --since 2026-11-05 -o csv
	eq "main,2026-11-05,2026-11-18,734.56,0.00,12.34,0.00,-12.34,8.00,701.88" "${lines[1]}"
	# until today the closing is the stock's value at cost
	eq 701.88 "$(report stock -o json | jq -r .value)"
	eq 70188 "$(sql "SELECT sum(on_hand * avg_cost) FROM stock")"
	# with no since, everything from the first move
	run report stock --until 2026-11-18 -o csv
	eq "main,,2026-11-18,0.00,1127.70,465.44,59.96,-12.34,8.00,701.88" "${lines[1]}"
	run report stock --until 2026-10-31 -o csv
	[ "${#lines[@]}" -eq 1 ]
}

@test "report stock --since: the identity holds to the fen for every store and period" {
	book
	stock receive --store east --sku TEA01 --qty 3 --cost 61.11 \
	    --at "2026-11-03 12:00:00" >/dev/null
	sale add --store east --receipt E1 --at "2026-11-04 13:00:00" \
	    TEA01:2 >/dev/null
	for p in "--since 2026-11-01" "--since 2026-11-03 --until 2026-11-03" \
	    "--until 2026-11-04" "--since 2026-11-04 --until 2026-11-05"; do
		# in fen, as integers: opening + ... - gifts - closing
		run report stock $p -o csv --no-header
		[ "$status" -eq 0 ]
		[ "${#lines[@]}" -eq 2 ]
		eq "0 0" "$(tr -d . <<<"$output" | awk -F, '{
		    printf "%s%d", (NR > 1 ? " " : ""),
		    $4 + $5 - $6 + $7 + $8 - $9 - $10 }')" || {
			echo "$p" >&2; return 1; }
	done
	run report stock --since 2026-11-03 --store east -o csv
	eq "east,2026-11-03,2026-11-18,0.00,183.33,122.22,0.00,0.00,0.00,61.11" "${lines[1]}"
	run report stock --since 2026-11-01 -o json
	eq '["east","main"] "0.00" "61.11" "701.88" "762.99"' "$(jq -r '"\([.stores[].store] | tojson) \"\(.total.opening)\" \"\(.stores[0].closing)\" \"\(.stores[1].closing)\" \"\(.total.closing)\""' <<<"$output")"
	eq null "$(jq .total.store <<<"$output")"
	run report stock --since 2026-11-01 -o table
	[[ "${lines[0]}" == "Stock value at cost, 2026-11-01 to 2026-11-18: opening + purchases - cost of sales + returns + adjustments - gifts = closing" ]]
	[[ "${lines[-1]}" =~ ^Total\ +2026-11-01\ +2026-11-18\ +0\.00\ +.*\ 762\.99$ ]]
}

@test "report stock --since --until: refused where it makes no sense" {
	book
	run --separate-stderr report stock --since 2026-11-05 --until 2026-11-01
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"--since 2026-11-05 is after --until 2026-11-01"* ]]
	run --separate-stderr report stock --since 2026-11-01 --store east
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'no store "east"'* ]]
	# the listing, with no dates, as before
	run report stock -o csv --store east
	[ "$status" -eq 0 ]
	run report stock --since 2026-11-31
	[ "$status" -eq 64 ]
}
