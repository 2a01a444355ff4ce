#!/usr/bin/env bats
# report: what the owner reads, and the audit of the book.
#
# shop_day builds a small tea shop with the tools themselves; every
# figure asserted below is worked by hand from it (default rules,
# JIFEN_NOW 2026-11-18 10:00:00, a Wednesday):
#
#   members  M0000001 Alice joined 2024-11-01, M0000002 Bob joined today,
#            M0000003 Carol joined 2025-01-01 (never buys)
#   goods    TEA01 tea 120.00 cost 60.00 reorder 8, received 10
#            CUP01 ware 80.00 cost 30.00 reorder 2, received 3
#            GIFT1 a gift for 100 points, cost 10.00, received 2
#            POT01 ware 300.00 cost 150.00, received 1, never sold
#   R1 2024-11-05 10:00 Alice TEA01:1     120.00  earn 120 + signup 100
#   R2 2026-10-10 16:00 Alice CUP01:1      80.00  a Saturday: earn 120
#   expire at 08:00 today: Alice's 220 of R1 (valid through 2026-11-05)
#   R3 09:15 Bob TEA01:2                  240.00  earn 240 + signup 100
#   R4 10:00 Bob TEA01:1 CUP01:1 with 200 points: gross 200.00, offset
#            20.00, paid 180.00, earn 180
#   R5 11:30 anonymous CUP01:2            160.00
#   14:00 R3 returns TEA01:1: 120.00, 120 points reversed
#   15:00 Alice redeems GIFT1 for 100 points
#
# Balances: Alice 120+100+120-220-100 = 20; Bob 240+100-200+180-120 = 200.

load helper
bats_require_minimum_version 1.5.0

shop_day() {
	member add --phone 13800000001 --name Alice --joined 2024-11-01 >/dev/null
	member add --phone 13800000002 --name Bob >/dev/null
	member add --phone 13800000003 --name Carol --joined 2025-01-01 >/dev/null
	stock add --sku TEA01 --name Longjing --category tea --price 120 \
	    --cost 60 --reorder 8 >/dev/null
	stock add --sku CUP01 --name Cup --category ware --price 80 --cost 30 \
	    --reorder 2 >/dev/null
	stock add --sku GIFT1 --name "Tea towel" --price 20 --cost 10 \
	    --gift-points 100 >/dev/null
	stock add --sku POT01 --name Teapot --category ware --price 300 \
	    --cost 150 >/dev/null
	for s in TEA01:10:60 CUP01:3:30 GIFT1:2:10 POT01:1:150; do
		IFS=: read -r sku qty cost <<<"$s"
		stock receive --sku "$sku" --qty "$qty" --cost "$cost" --ref PO1 \
		    --at "2024-11-01 09:00:00" >/dev/null
	done
	sale add --member M0000001 --receipt R1 --at "2024-11-05 10:00:00" \
	    TEA01:1 >/dev/null
	sale add --member M0000001 --receipt R2 --at "2026-10-10 16:00:00" \
	    CUP01:1 >/dev/null
	JIFEN_NOW="2026-11-18 08:00:00" expire >/dev/null
	sale add --member M0000002 --receipt R3 --at "2026-11-18 09:15:00" \
	    TEA01:2 >/dev/null
	sale add --member M0000002 --receipt R4 --use-points 200 \
	    --at "2026-11-18 10:00:00" TEA01:1 CUP01:1 >/dev/null
	JIFEN_NOW="2026-11-18 11:30:00" sale add --receipt R5 CUP01:2 >/dev/null
	JIFEN_NOW="2026-11-18 14:00:00" sale return R3 TEA01:1 >/dev/null
	JIFEN_NOW="2026-11-18 15:00:00" redeem gift M0000001 GIFT1 >/dev/null
}

# metric NAME: the value of one metric of `report daily -o csv`.
metric() {
	report daily "${@:2}" -o csv | awk -F, -v m="$1" '$1 == m { print $2 }'
}

# --- help, usage ------------------------------------------------------

@test "report -h prints the usage, report SUB -h its own help, to stdout" {
	run --separate-stderr report -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: report daily [--date D] [--top N]" ]]
	[[ "$output" == *"report audit"* ]]
	[ -z "$stderr" ]
	# a subcommand's -h: its synopsis, what it does, a line per option
	run --separate-stderr report leaderboard -h
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	eq "usage: report leaderboard [--period month|year] [--date D] [--top N]" \
	    "${lines[0]}"
	[[ "$output" == *$'\n      --period month|year '* ]]
	[[ "$output" == *$'\n      --top N '* ]]
	[[ "$output" != *"report daily"* ]]
}

@test "report --version names the tool and jifen" {
	run report --version
	[ "$status" -eq 0 ]
	[[ "$output" == "report (jifen) "* ]]
}

@test "report with no command, an unknown command or option is a usage error" {
	run report
	[ "$status" -eq 64 ]
	[[ "$output" == *"a command is needed"* ]]
	run report weekly
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown command "weekly"'* ]]
	run report daily --bogus
	[ "$status" -eq 64 ]
	run report daily extra
	[ "$status" -eq 64 ]
	[[ "$output" == *"takes no operands"* ]]
	run --separate-stderr report members --date 2026-11-18
	[ "$status" -eq 64 ]
	eq "report: --date: option not allowed here" "${stderr%%$'\n'*}"
	run --separate-stderr report stock --period=year
	eq "report: --period: option not allowed here" "${stderr%%$'\n'*}"
	run report -o xml daily
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown format "xml"'* ]]
}

@test "report refuses malformed dates, counts, groupings and periods" {
	run report daily --date 2026-02-30
	[ "$status" -eq 64 ]
	[[ "$output" == *'--date: not a date (2026-11-21, 2026/11/21, 2026年11月21日, today or yesterday): "2026-02-30"'* ]]
	run report daily --top 0
	[ "$status" -eq 64 ]
	run report sales --since soon
	[ "$status" -eq 64 ]
	run report sales --by week
	[ "$status" -eq 64 ]
	[[ "$output" == *'--by: unknown grouping "week"'* ]]
	run report points --by product
	[ "$status" -eq 64 ]
	run report stock --days -1
	[ "$status" -eq 64 ]
	run report leaderboard --period week
	[ "$status" -eq 64 ]
	[[ "$output" == *'--period: month or year, not "week"'* ]]
}

@test "report on a new book: every figure is zero and the audit is clean" {
	empty_book
	run report daily -o csv
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "metric,value" ]
	[ "${lines[1]}" = "receipts,0" ]
	[ "${lines[2]}" = "gross,0.00" ]
	run report points -o json
	[ "$(jq -c . <<<"$output")" = '{"outstanding":0,"liability":"0.00","periods":[]}' ]
	run report audit
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# --- daily ------------------------------------------------------------

@test "report daily: the store-close figures of the day, worked by hand" {
	shop_day
	run report daily -o csv
	[ "$status" -eq 0 ]
	eq "metric,value
receipts,3
gross,600.00
offset,20.00
paid,580.00
points_earned,420
points_bonus,100
points_redeemed,300
points_expired,220
new_members,1
returns,1
returned,120.00
points_awarded,0
points_reversed,120
points_adjusted,0
points_restored,0
cost,270.00
margin,310.00
returned_cost,60.00
audit_head,$(sql "SELECT id || ':' || hash FROM audit ORDER BY id DESC LIMIT 1")
ledger_head,$(sql "SELECT id || ':' || hash FROM ledger ORDER BY id DESC LIMIT 1")" "$output"
}

@test "report daily: the day's points reconcile with the change of the balances" {
	shop_day
	points adjust M0000002 -50 --reason "a typo at the till" >/dev/null
	redeem cancel "$(sql "SELECT code FROM redemption")" >/dev/null
	eq -50 "$(metric points_adjusted)"
	eq 100 "$(metric points_restored)"
	eq 300 "$(metric points_redeemed)"
	net=$(report daily -o csv | awk -F, '
	    $1 ~ /^points_(earned|bonus|awarded|adjusted|restored)$/ { n += $2 }
	    $1 ~ /^points_(redeemed|expired|reversed)$/ { n -= $2 }
	    END { print n }')
	eq "$(sql "SELECT sum(delta) FROM ledger WHERE at >= '2026-11-18'")" "$net"
}

@test "report daily -o json: summary, top products, low and negative stock" {
	shop_day
	run report daily -o json
	[ "$status" -eq 0 ]
	eq 2026-11-18 "$(jq -r .date <<<"$output")"
	eq '"600.00" "580.00" 3 1' \
	    "$(jq -r '.summary | "\"\(.gross)\" \"\(.paid)\" \(.receipts) \(.new_members)"' <<<"$output")"
	eq 'TEA01 3 360.00
CUP01 3 240.00' "$(jq -r '.top_products[] | "\(.sku) \(.qty) \(.gross)"' <<<"$output")"
	eq 'CUP01 -1 2 negative
TEA01 7 8 low' \
	    "$(jq -r '.low_stock[] | "\(.sku) \(.on_hand) \(.reorder_level) \(.status)"' <<<"$output")"
	run report daily -o jsonl
	[ "${#lines[@]}" -eq 1 ]
	eq 420 "$(jq .summary.points_earned <<<"$output")"
}

@test "report daily --date reads another day; --top narrows the products" {
	shop_day
	eq 1 "$(metric receipts --date 2026-10-10)"
	eq 80.00 "$(metric gross --date 2026-10-10)"
	eq 120 "$(metric points_earned --date 2026-10-10)"
	eq 0 "$(metric new_members --date 2026-10-10)"
	eq 0 "$(metric receipts --date 2026-11-17)"
	run report daily --top 1 -o json
	eq TEA01 "$(jq -r '[.top_products[].sku] | join(",")' <<<"$output")"
}

@test "report daily -o table is a readable store-close page" {
	shop_day
	run report daily -o table
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "Daily report 2026-11-18 (all stores)" ]
	[[ "$output" == *"Top products"* ]]
	[[ "$output" == *"Low and negative stock"* ]]
	[[ "$output" =~ paid\ +580\.00 ]]
	[[ "$output" =~ CUP01\ +Cup\ +-1\ +2\ +negative ]]
}

@test "report --store narrows sales and stock; points stay the chain's" {
	shop_day
	stock receive --store north --sku TEA01 --qty 2 --cost 60 >/dev/null
	JIFEN_NOW="2026-11-18 12:00:00" sale add --store north --receipt N1 \
	    TEA01:1 >/dev/null
	eq 4 "$(metric receipts)"
	eq 1 "$(metric receipts --store north)"
	eq 120.00 "$(metric gross --store north)"
	eq 3 "$(metric receipts --store main)"
	eq 420 "$(metric points_earned --store north)"
	eq 1 "$(JIFEN_STORE=north metric receipts)"
	run report daily --store north -o json
	# as stock list --low --store north: goods never moved there are at 0
	eq 'north CUP01 0 low
north GIFT1 0 low
north POT01 0 low
north TEA01 1 low' \
	    "$(jq -r '.low_stock[] | "\(.store) \(.sku) \(.on_hand) \(.status)"' <<<"$output")"
	run report sales --store north -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
2026-11-18,1,1,120.00,0.00,120.00,60.00,60.00,50.00" "$output"
}

# --- sales ------------------------------------------------------------

@test "report sales: by day (the default), month and year" {
	shop_day
	run report sales -o csv
	[ "$status" -eq 0 ]
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
2024-11-05,1,1,120.00,0.00,120.00,60.00,60.00,50.00
2026-10-10,1,1,80.00,0.00,80.00,30.00,50.00,62.50
2026-11-18,3,6,600.00,20.00,580.00,270.00,310.00,53.45" "$output"
	run report sales --by month -o csv
	eq "2026-11,3,6,600.00,20.00,580.00,270.00,310.00,53.45" "${lines[3]}"
	run report sales --by year -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
2024,1,1,120.00,0.00,120.00,60.00,60.00,50.00
2026,4,7,680.00,20.00,660.00,300.00,360.00,54.55" "$output"
}

@test "report sales --by product and category share the offset among lines" {
	shop_day
	# R4's 20.00 offset: 120/200 of it to TEA01, 80/200 to CUP01
	run report sales --by product -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
TEA01,3,4,480.00,12.00,468.00,240.00,228.00,48.72
CUP01,3,4,320.00,8.00,312.00,120.00,192.00,61.54" "$output"
	run report sales --by category -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
tea,3,4,480.00,12.00,468.00,240.00,228.00,48.72
ware,3,4,320.00,8.00,312.00,120.00,192.00,61.54" "$output"
}

@test "report sales --by member; anonymous receipts have no key" {
	shop_day
	run report sales --by member -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
M0000002,2,4,440.00,20.00,420.00,210.00,210.00,50.00
M0000001,2,2,200.00,0.00,200.00,90.00,110.00,55.00
,1,2,160.00,0.00,160.00,60.00,100.00,62.50" "$output"
	run report sales --by member -o json
	eq null "$(jq '.[2].key' <<<"$output")"
	eq '"440.00"' "$(jq '.[0].gross' <<<"$output")"
}

@test "report sales --since and --until are inclusive days" {
	shop_day
	run report sales --since 2026-10-10 --until 2026-10-10 -o csv
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct
2026-10-10,1,1,80.00,0.00,80.00,30.00,50.00,62.50" "$output"
	run report sales --by month --since 2025-01-01 -o csv
	[ "${#lines[@]}" -eq 3 ]
	run report sales --until 2024-12-31 -o csv
	eq "2024-11-05,1,1,120.00,0.00,120.00,60.00,60.00,50.00" "${lines[1]}"
	[ "${#lines[@]}" -eq 2 ]
}

# --- points -----------------------------------------------------------

@test "report points: outstanding points and their value, and each month" {
	shop_day
	run report points --by month -o json
	[ "$status" -eq 0 ]
	eq 220 "$(jq .outstanding <<<"$output")"
	eq '"22.00"' "$(jq .liability <<<"$output")"
	eq '2024-11 120 100 0 0 0 0 0 0
2026-10 120 0 0 0 0 0 0 0
2026-11 420 100 0 0 300 220 120 0' \
	    "$(jq -r '.periods[] | [.period, .earned, .bonus, .awarded, .adjusted, .redeemed, .expired, .reversed, .restored] | join(" ")' <<<"$output")"
	run report points -o csv
	eq "period,earned,bonus,awarded,adjusted,redeemed,expired,reversed,restored,outstanding,liability
all,660,200,0,0,300,220,120,0,220,22.00" "$output"
}

@test "report points: the movements add up to the outstanding points" {
	shop_day
	sum=$(report points -o json | jq '.periods[0] |
	    .earned + .bonus + .awarded + .adjusted - .redeemed - .expired
	    - .reversed + .restored')
	eq "$(report points -o json | jq .outstanding)" "$sum"
	eq "$(sql 'SELECT sum(balance) FROM member')" "$sum"
}

@test "report points --by day, --since and --until" {
	shop_day
	run report points --by day --since 2026-11-01 -o csv
	eq "period,earned,bonus,awarded,adjusted,redeemed,expired,reversed,restored,outstanding,liability
2026-11-18,420,100,0,0,300,220,120,0,220,22.00" "$output"
	run report points --by year --until 2025-12-31 -o csv
	eq "2024,120,100,0,0,0,0,0,0,220,22.00" "${lines[1]}"
	[ "${#lines[@]}" -eq 2 ]
}

@test "report points -o table heads the periods with the liability" {
	shop_day
	run report points -o table
	[[ "${lines[0]}" =~ ^outstanding\ +220\ points$ ]]
	[[ "${lines[1]}" =~ ^liability\ +22\.00\ yuan$ ]]
}

@test "report points values the liability at the offset rate of the rules in force" {
	shop_day
	jq '.offset.value = "5.00"' "$TOP/share/rules.json" > half.json
	points rules load half.json >/dev/null
	run report points -o json
	eq '"11.00"' "$(jq .liability <<<"$output")"
}

# --- members ----------------------------------------------------------

@test "report members: tiers, activity, new members and RFM segments" {
	shop_day
	run report members -o csv
	[ "$status" -eq 0 ]
	# RFM among the two buyers: Alice last bought longest ago, paid least
	# (1 1 1, lost); Bob 1 + 1*5/2 = 3 for recency and money, and both
	# have two receipts (3 1 3, needs attention)
	eq "group,key,members
total,all,3
status,active,3
status,frozen,0
status,closed,0
tier,normal,3
tier,silver,0
tier,gold,0
activity,active,2
activity,inactive,1
new,30_days,1
segment,champions,0
segment,loyal,0
segment,promising,0
segment,needs_attention,1
segment,at_risk,0
segment,lost,1
rfm,313,1
rfm,111,1" "$output"
}

@test "report members -o json is one object of the groups" {
	shop_day
	member update M0000003 --status frozen >/dev/null
	run report members -o json
	eq 3 "$(jq .total <<<"$output")"
	eq 1 "$(jq .status.frozen <<<"$output")"
	eq 1 "$(jq .new <<<"$output")"
	eq 1 "$(jq .activity.inactive <<<"$output")"
	eq 1 "$(jq '.rfm["111"]' <<<"$output")"
	eq 1 "$(jq .segment.lost <<<"$output")"
}

@test "report members: inactive agrees with member list --inactive-days 90" {
	shop_day
	eq "$(member list --inactive-days 90 -o csv | tail -n +2 | wc -l)" \
	    "$(report members -o csv | awk -F, '$1 == "activity" && $2 == "inactive" { print $3 }')"
}

# --- stock ------------------------------------------------------------

@test "report stock: value at average cost, low, negative and slow movers" {
	shop_day
	run report stock -o csv
	[ "$status" -eq 0 ]
	eq "store,sku,name,category,on_hand,reorder_level,avg_cost,value,last_sale,flags
main,CUP01,Cup,ware,-1,2,30.00,-30.00,2026-11-18 11:30:00,negative
main,GIFT1,Tea towel,,1,0,10.00,10.00,2026-11-18 15:00:00,
main,POT01,Teapot,ware,1,0,150.00,150.00,,slow
main,TEA01,Longjing,tea,7,8,60.00,420.00,2026-11-18 10:00:00,low" "$output"
	run report stock -o json
	eq '"550.00" 1 1 1 30' \
	    "$(jq -r '"\"\(.value)\" \(.low) \(.negative) \(.slow) \(.slow_days)"' <<<"$output")"
	eq 4 "$(jq '.items | length' <<<"$output")"
}

@test "report stock --days N: a product not sold within N days is slow" {
	shop_day
	JIFEN_NOW="2026-12-31 10:00:00" run report stock --days 30 -o csv
	eq "main,GIFT1,Tea towel,,1,0,10.00,10.00,2026-11-18 15:00:00,slow" "${lines[2]}"
	eq "main,TEA01,Longjing,tea,7,8,60.00,420.00,2026-11-18 10:00:00,low slow" "${lines[4]}"
	JIFEN_NOW="2026-12-31 10:00:00" run report stock --days 60 -o csv
	eq "main,TEA01,Longjing,tea,7,8,60.00,420.00,2026-11-18 10:00:00,low" "${lines[4]}"
}

@test "report stock -o table ends with the valuation" {
	shop_day
	run report stock -o table
	[[ "${lines[-1]}" == "value at cost 550.00; 1 low, 1 negative, 1 slow (no sale in 30 days)" ]]
}

# --- leaderboard ------------------------------------------------------

@test "report leaderboard: points gained this month, reversals subtracted" {
	shop_day
	# Bob: 240 + 100 + 180 - 120; Alice gained nothing in November
	run report leaderboard -o csv
	[ "$status" -eq 0 ]
	eq "rank,member,name,points
1,M0000002,Bob,400" "$output"
	run report leaderboard --period year -o csv
	eq "rank,member,name,points
1,M0000002,Bob,400
2,M0000001,Alice,120" "$output"
	run report leaderboard --period year --top 1 -o csv
	[ "${#lines[@]}" -eq 2 ]
	run report leaderboard --date 2026-10-31 -o csv
	eq "1,M0000001,Alice,120" "${lines[1]}"
}

@test "report leaderboard: adjustments do not count, awards do, ties share a rank" {
	shop_day
	points adjust M0000001 +1000 --reason "goodwill" >/dev/null
	points award M0000001 --kind share >/dev/null
	points award M0000003 --kind share >/dev/null
	run report leaderboard -o csv
	eq "rank,member,name,points
1,M0000002,Bob,400
2,M0000001,Alice,50
2,M0000003,Carol,50" "$output"
}

# --- audit ------------------------------------------------------------

@test "report audit on a sound book prints nothing and exits 0" {
	shop_day
	run --separate-stderr report audit
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$stderr" ]
	run report audit -o json
	[ "$status" -eq 0 ]
	eq "[]" "$output"
	run report audit -o csv
	eq "check,subject,expected,found" "$output"
}

@test "report audit --full: integrity_check finds an index that quick_check does not read" {
	skip_pg "its schema rewritten, and PRAGMA integrity_check"
	shop_day
	run report audit --full
	[ "$status" -eq 0 ]
	# an index whose schema says another column than its entries hold
	SKIP_AUDIT=1
	sqlite3 "$JIFEN_DB" "PRAGMA writable_schema = ON;
	    UPDATE sqlite_schema SET sql = 'CREATE INDEX member_joined ON
	    member(code)' WHERE name = 'member_joined';"
	run report audit
	[ "$status" -eq 0 ]
	run report audit --full -o csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"integrity,database,ok,"*"member_joined"* ]]
}

@test "report audit names a stock move changed behind the tools' back" {
	shop_day
	SKIP_AUDIT=1
	sql "UPDATE move SET qty = 12 WHERE kind = 'receive' AND product_id =
	  (SELECT id FROM product WHERE sku = 'TEA01')"
	run report audit
	[ "$status" -eq 1 ]
	eq "on_hand: TEA01@main: expected 9, found 7" "$output"
	run report audit -o csv
	[ "$status" -eq 1 ]
	eq "check,subject,expected,found
on_hand,TEA01@main,9,7" "$output"
}

@test "report audit names a ledger delta changed behind the tools' back" {
	shop_day
	SKIP_AUDIT=1
	# the ledger is append-only: a forger drops the trigger first
	drop="DROP TRIGGER ledger_append_only_u"
	if on_pg; then drop="$drop ON ledger"; fi
	sql "$drop;
	    UPDATE ledger SET delta = 250 WHERE ref = 'R3' AND kind = 'earn'"
	id=$(sql "SELECT id FROM ledger WHERE ref = 'R3' AND kind = 'earn'")
	run report audit -o csv
	[ "$status" -eq 1 ]
	eq "check,subject,expected,found
balance_ledger,M0000002,210,200
ledger_total,all members,230,220
earn_sale,M0000002 R3,240,entry $id of 250
trigger,ledger_append_only_u,present,missing" "${output%$'\n'ledger_chain*}"
	[[ "$output" == *$'\n'"ledger_chain,ledger entry $id,"* ]]
}

@test "report audit names a wrong sign, a lot out of range and a missed expiry" {
	shop_day
	SKIP_AUDIT=1
	id=$(sql "SELECT id FROM ledger WHERE ref = 'R4' AND kind = 'offset'")
	forge="UPDATE ledger SET delta = 200 WHERE id = $id;
	  UPDATE lot SET remaining = amount + 1 WHERE id =
	    (SELECT max(id) FROM lot WHERE member_id = 2)"
	# the checks lifted first, as each engine lets its owner
	if on_pg; then
		sql "ALTER TABLE lot DROP CONSTRAINT lot_check;
		  DROP TRIGGER ledger_append_only_u ON ledger; $forge"
	else
		sqlite3 "$JIFEN_DB" "PRAGMA ignore_check_constraints = 1;
		  DROP TRIGGER ledger_append_only_u; $forge"
	fi
	run report audit -o csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry_sign,M0000002 entry $id,offset < 0,200"* ]]
	[[ "$output" == *"lot_range,M0000002 lot "*",0..180,181"* ]]
	[[ "$output" == *"balance_lots,M0000002,"* ]]
}

@test "report audit: a lapsed lot that kept its points after expire ran" {
	shop_day
	SKIP_AUDIT=1
	sql "UPDATE lot SET remaining = amount WHERE expires_on < '2026-11-18'
	  AND member_id = 1 AND amount = 120;
	  UPDATE member SET balance = balance + 120 WHERE id = 1"
	run report audit -o csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"lot_expired,M0000001 lot "*" (valid through 2026-11-05),0 after expire for 2026-11-18,120"* ]]
	[[ "$output" == *"balance_ledger,M0000001,20,140"* ]]
}

@test "report audit names receipts whose figures do not add up" {
	shop_day
	SKIP_AUDIT=1
	sql "UPDATE sale SET gross = 25000 WHERE receipt = 'R3';
	  UPDATE sale SET offset_amount = 2100, paid = 17900 WHERE receipt = 'R4';
	  UPDATE sale_line SET amount = 15000 WHERE line = 1 AND sale_id =
	    (SELECT id FROM sale WHERE receipt = 'R5')"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"line_amount: R5 line 1: expected 160.00, found 150.00"* ]]
	[[ "$output" == *"sale_gross: R3: expected 240.00, found 250.00"* ]]
	[[ "$output" == *"sale_paid: R3: expected 250.00, found 240.00"* ]]
	[[ "$output" == *"sale_gross: R5: expected 150.00, found 160.00"* ]]
	[[ "$output" == *"sale_offset: R4: expected 20.00 for 200 points, found 21.00"* ]]
}

@test "report audit names rows written without an audit row, and broken references" {
	shop_day
	SKIP_AUDIT=1
	# PostgreSQL always holds a row to its references, save for a
	# replica's writes; SQLite's foreign_key_check finds the breach
	insert="INSERT INTO member (code, joined, audit_id) VALUES ('M0000099', '2026-11-18', 9999)"
	if on_pg; then insert="SET session_replication_role = replica; $insert"; fi
	sql "$insert"
	run report audit -o csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"audit_row,member M0000099,audit row 9999,none"* ]]
	on_pg ||
	    [[ "$output" == *"foreign_key,member row "*",a row of audit,none"* ]]
}

@test "report audit -o json lists each breach as an object" {
	shop_day
	SKIP_AUDIT=1
	sql "UPDATE stock SET on_hand = 0"
	run report audit -o json
	[ "$status" -eq 1 ]
	eq "CUP01@main GIFT1@main POT01@main TEA01@main" \
	    "$(jq -r '[.[] | select(.check == "on_hand") | .subject] | join(" ")' <<<"$output")"
	eq '"7"' "$(jq '.[] | select(.check == "on_hand" and .subject == "TEA01@main") | .expected' <<<"$output")"
	# the value at cost no longer matches what the moves added either
	[ "$(jq '[.[] | select(.check == "stock_value")] | length' <<<"$output")" -gt 0 ]
}

@test "report audit: a registered operator is needed once the staff is registered" {
	shop_day
	hire boss admin
	run report audit
	[ "$status" -eq 77 ]
	[[ "$output" == *'operator "tester" is not registered'* ]]
	run as boss report audit
	[ "$status" -eq 0 ]
	hire tester cashier boss
}

# --- html -------------------------------------------------------------

@test "report -o html: one self-contained page with inline SVG charts" {
	shop_day
	for cmd in daily points sales; do
		report "$cmd" -o html > "$cmd.html"
		grep -q '^<!DOCTYPE html>' "$cmd.html"
		grep -q '<svg ' "$cmd.html"
		grep -q '</html>' "$cmd.html"
		run grep -Eic '<script|<link|src=|href=|@import|url\(' "$cmd.html"
		eq 0 "$output"		# nothing loaded from elsewhere
	done
	grep -q 'Sales by hour' daily.html
	grep -q 'Top products' daily.html
	grep -q 'Points earned, redeemed and expired' daily.html
	grep -q 'Points earned, redeemed and expired' points.html
	grep -q '<td class="n">580.00</td>' daily.html
	report -o html sales --by product > byproduct.html
	grep -q '<td>TEA01</td>' byproduct.html
}

@test "report -o html is refused where there is no page" {
	for cmd in members stock leaderboard audit; do
		run report "$cmd" -o html
		[ "$status" -eq 64 ]
		[[ "$output" == *"no html output"* ]]
	done
}

@test "report -o html renders in a headless browser to a picture that is not blank" {
	command -v chromium >/dev/null || skip "chromium is not installed"
	shop_day
	report -o html daily > daily.html
	printf '<!DOCTYPE html><html><body></body></html>\n' > blank.html
	for page in daily blank; do
		prof=$(mktemp -d)
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
		    --disable-background-networking --disable-component-update \
		    --disable-sync --no-first-run --user-data-dir="$prof" \
		    --screenshot="$PWD/$page.png" --window-size=1200,1600 \
		    "file://$PWD/$page.html" >/dev/null 2>&1 || true
		rm -rf "$prof"
		[ -s "$page.png" ]
		# a PNG: \x89 P N G
		[ "$(head -c 4 "$page.png" | od -An -tx1 | tr -d ' \n')" = 89504e47 ]
	done
	# a blank page compresses to almost nothing; the report's charts do not
	[ "$(wc -c < daily.png)" -gt $(( 4 * $(wc -c < blank.png) )) ]
}
