#!/usr/bin/env bats
# books: the books behind the figures — report log (the audit log, a
# manager's to read) and report purchases (进: what was bought from whom).

load helper
load fixtures
bats_require_minimum_version 1.5.0

# Two deliveries from Acme, one from Bolt, one with no supplier, over
# two months and two stores; a member and a sale in between.
deliveries() {
	stock add --sku TEA --name Tea --price 120 >/dev/null
	stock add --sku CUP --name Cup --price 80 >/dev/null
	JIFEN_NOW="2026-10-05 09:00:00" stock receive --sku TEA --qty 10 \
	    --cost 5.00 --supplier Acme --ref PO1 >/dev/null
	JIFEN_NOW="2026-10-05 09:00:00" stock receive --sku CUP --qty 4 \
	    --cost 30.00 --supplier Acme --ref PO1 >/dev/null
	stock receive --sku TEA --qty 6 --cost 6.50 --supplier Bolt \
	    --ref B-77 >/dev/null
	stock receive --sku CUP --qty 2 --cost 31.00 --supplier Acme \
	    --ref PO2 --store east >/dev/null
	stock receive --sku TEA --qty 1 --cost 7.00 >/dev/null
	member add --phone 13800000001 --name Ann >/dev/null
	sale add --member M0000001 TEA:1 >/dev/null
}

@test "report purchases: by supplier, the receipts, lines, units and their cost" {
	deliveries
	run report purchases
	[ "$status" -eq 0 ]
	eq "key,receipts,lines,qty,cost,last_at
,1,1,1,7.00,2026-11-18 10:00:00
Acme,2,3,16,232.00,2026-11-18 10:00:00
Bolt,1,1,6,39.00,2026-11-18 10:00:00" "$output"
}

@test "report purchases --by product|month, --since/--until, --store" {
	deliveries
	run report purchases --by product --no-header
	eq "CUP,2,2,6,182.00,2026-11-18 10:00:00
TEA,3,3,17,96.00,2026-11-18 10:00:00" "$output"
	run report purchases --by month -o json
	eq '["2026-10","2026-11"]' "$(jq -c '[.[].key]' <<<"$output")"
	eq '"170.00"' "$(jq '.[0].cost' <<<"$output")"
	run report purchases --since 2026-11 --until 2026-11 --no-header
	eq 3 "${#lines[@]}"
	run report purchases --store east --no-header
	eq "Acme,1,1,2,62.00,2026-11-18 10:00:00" "$output"
	run --separate-stderr report purchases --by day
	[ "$status" -eq 64 ]
	[[ "$stderr" == *'supplier, product or month, not "day"'* ]]
}

@test "report log: every write in order, with its arguments as recorded; by operator and tool" {
	deliveries
	run report log
	[ "$status" -eq 0 ]
	eq "id,at,operator,approver,tool,args,refused" "${lines[0]}"
	eq 9 "$(($(wc -l <<<"$output") - 1))"
	# a product's name is kept; a member's phone and name were recorded
	# masked, and stay so
	[[ "${lines[1]}" == *'"[""stock"",""add"",""--sku"",""TEA"",""--name"",""Tea""'* ]]
	[[ "$output" == *'"[""member"",""add"",""--phone"",""138****0001"",""--name"",""***""]"'* ]]
	run report log --tool sale -o jsonl
	eq '["sale","add","--member","M0000001","TEA:1"]' \
	    "$(jq -r .args <<<"$output")"
	run report log --since 2026-11-18 --until 2026-11-18 -o json
	eq 7 "$(jq length <<<"$output")"	# two were booked in October
	run report log --by nobody --no-header
	[ -z "$output" ]
}

@test "report log is a manager's: a cashier is refused, and the refusal is on the log" {
	deliveries
	staff
	run --separate-stderr as tester report log
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"reading the audit log"* ]]
	run as mgr report log --by tester -o json
	[ "$status" -eq 0 ]
	eq "tester" "$(jq -r '.[-1].operator' <<<"$output")"
	[[ "$(jq -r '.[-1].refused' <<<"$output")" == *manager* ]]
	run as mgr report log --by boss --tool member -o jsonl
	[ "$status" -eq 0 ]
	[[ "$output" == *'"operator\",\"add\",\"--role\",\"manager\",\"--pin\",\"mgr'* ]]
}

@test "stock receive --reverse PO: a counter-receipt takes the receipt back whole, at its costs; once" {
	deliveries
	staff
	run --separate-stderr as tester stock receive --reverse B-77
	[ "$status" -eq 77 ]
	# TEA: 10 at 5.00, 6 at 6.50 (5.56), 1 at 7.00 (5.64), 1 sold: 16 at 5.64
	run as mgr stock receive --reverse B-77 -o csv
	[ "$status" -eq 0 ]
	eq "at,store,sku,kind,qty,cost,ref,on_hand,avg_cost
2026-11-18 10:00:00,main,TEA,receive,-6,6.50,B-77-R,10,5.12" "$output"
	# what is left at what it is left worth: (16 x 5.64 - 6 x 6.50) / 10
	eq "receive|-6|650|B-77-R|Bolt|reverses B-77" "$(sql "SELECT kind, qty,
	    cost, ref, supplier, reason FROM move WHERE qty < 0 AND
	    kind = 'receive'")"
	run --separate-stderr as mgr stock receive --reverse B-77 --ref B-77-X
	[ "$status" -eq 1 ]
	eq 'stock: receipt "B-77" is reversed already in store "main"' "$stderr"
	run --separate-stderr as mgr stock receive --reverse NOPE
	[ "$status" -eq 1 ]
	eq 'stock: no receipt "NOPE" in store "main"' "$stderr"
	# Bolt's purchases net to nothing
	run as mgr report purchases --no-header
	[[ "$output" == *$'\n'"Bolt,2,2,0,0.00,2026-11-18 10:00:00"* ]]
}

@test "stock suppliers: each supplier's receipts, units, cost and last receipt" {
	deliveries
	run stock suppliers
	[ "$status" -eq 0 ]
	eq "supplier,receipts,qty,cost,last_at,last_ref
Acme,2,16,232.00,2026-11-18 10:00:00,PO2
Bolt,1,6,39.00,2026-11-18 10:00:00,B-77" "$output"
	run stock suppliers --store east --no-header
	eq "Acme,1,2,62.00,2026-11-18 10:00:00,PO2" "$output"
}
