#!/usr/bin/env bats
# recommend: personalised offers (个性化推荐) and staff incentives —
# report recommend (what a member never bought, most often on one
# receipt with what they did), member list --bought/--category (a
# campaign's members) and report staff (what each operator did).

load helper
load fixtures
bats_require_minimum_version 1.5.0

# Six products, three members, seven receipts (R0 and R1 on 2026-10-01,
# the rest on 2026-11-18); a line returned whole is not bought:
#   R0 -    TEA HONEY         R4 -    CUP POT JAM
#   R1 Ann  TEA               R5 -    TEA JAM
#   R2 Bob  TEA CUP CAKE      R6 Ann  HONEY (returned whole)
#   R3 Cat  TEA CUP:2 POT (one CUP returned)
shop() {
	local p

	for p in TEA:Tea:tea:120 CUP:Cup:ware:80 POT:Pot:ware:200 \
	    CAKE:Cake:food:30 JAM:Jam:food:25 HONEY:Honey:food:40; do
		IFS=: read -r sku name cat price <<<"$p"
		stock add --sku "$sku" --name "$name" --category "$cat" \
		    --price "$price" >/dev/null
		stock receive --sku "$sku" --qty 50 --cost 1.00 >/dev/null
	done
	member add --phone 13800000001 --name Ann >/dev/null
	member add --phone 13800000002 --name Bob >/dev/null
	member add --phone 13800000003 --name Cat >/dev/null
	JIFEN_NOW="2026-10-01 10:00:00" sale add TEA:1 HONEY:1 >/dev/null
	JIFEN_NOW="2026-10-01 11:00:00" sale add --member M0000001 TEA:1 \
	    >/dev/null
	sale add --member M0000002 TEA:1 CUP:1 CAKE:1 >/dev/null
	sale add --member M0000003 TEA:1 CUP:2 POT:1 >/dev/null
	sale add CUP:1 POT:1 JAM:1 >/dev/null
	sale add TEA:1 JAM:1 >/dev/null
	sale add --member M0000001 HONEY:1 >/dev/null
	sale return main-20261118-0005 >/dev/null
	sale return main-20261118-0002 CUP:1 >/dev/null
}

@test "report recommend ID: what the member never bought, by receipts holding it and one of theirs; because" {
	shop
	# Ann bought TEA (HONEY went back whole): TEA is on R0 R2 R3 R5
	run report recommend M0000001
	[ "$status" -eq 0 ]
	eq "sku,name,category,price,receipts,because
CUP,Cup,ware,80.00,2,TEA
CAKE,Cake,food,30.00,1,TEA
HONEY,Honey,food,40.00,1,TEA
JAM,Jam,food,25.00,1,TEA
POT,Pot,ware,200.00,1,TEA" "$output"
	# Bob bought TEA CUP CAKE: POT on R3 (TEA CUP) and R4 (CUP), CUP
	# twice; JAM on R4 (CUP) and R5 (TEA), a tie CUP takes by SKU
	run report recommend 13800000002 -o json
	eq '[{"sku":"JAM","name":"Jam","category":"food","price":"25.00","receipts":2,"because":"CUP"},{"sku":"POT","name":"Pot","category":"ware","price":"200.00","receipts":2,"because":"CUP"},{"sku":"HONEY","name":"Honey","category":"food","price":"40.00","receipts":1,"because":"TEA"}]' \
	    "$(jq -c . <<<"$output")"
	# Cat kept one CUP of two: still bought; nothing Cat has is offered
	run report recommend M0000003 --no-header
	eq "JAM,Jam,food,25.00,2,CUP
CAKE,Cake,food,30.00,1,CUP
HONEY,Honey,food,40.00,1,TEA" "$output"
}

@test "report recommend --top, --since/--until bound the receipts counted; a member who bought nothing gets nothing" {
	shop
	run report recommend M0000001 --top 2 -o tsv --no-header
	eq "$(printf 'CUP\tCup\tware\t80.00\t2\tTEA\nCAKE\tCake\tfood\t30.00\t1\tTEA')" "$output"
	# from November R0 (TEA HONEY) is not counted: HONEY has no receipt
	run report recommend M0000002 --since 2026-11-01 --no-header
	eq "JAM,Jam,food,25.00,2,CUP
POT,Pot,ware,200.00,2,CUP" "$output"
	# Ann's one receipt kept is in October
	run report recommend M0000001 --since 2026-11-01 --no-header
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run report recommend M0000001 --until 2026-10-31 -o jsonl
	eq '{"sku":"HONEY","name":"Honey","category":"food","price":"40.00","receipts":1,"because":"TEA"}' "$output"
	member add --phone 13800000004 >/dev/null
	run report recommend M0000004 --no-header
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "report recommend: an unknown member is refused (exit 1); --top is checked (64)" {
	shop
	run --separate-stderr report recommend M0000099
	[ "$status" -eq 1 ]
	eq 'report: no member "M0000099"' "$stderr"
	run --separate-stderr report recommend M0000001 --top 0
	[ "$status" -eq 64 ]
	run --separate-stderr report recommend M0000001 M0000002
	[ "$status" -eq 64 ]
}

@test "report recommend without a member: the pairs most often on one receipt, a before b by SKU" {
	shop
	run report recommend
	[ "$status" -eq 0 ]
	eq "sku_a,name_a,sku_b,name_b,receipts
CUP,Cup,POT,Pot,2
CUP,Cup,TEA,Tea,2
CAKE,Cake,CUP,Cup,1
CAKE,Cake,TEA,Tea,1
CUP,Cup,JAM,Jam,1
HONEY,Honey,TEA,Tea,1
JAM,Jam,POT,Pot,1
JAM,Jam,TEA,Tea,1
POT,Pot,TEA,Tea,1" "$output"
	run report recommend --top 1 --until 2026-10-31 --no-header
	eq "HONEY,Honey,TEA,Tea,1" "$output"
	run report recommend --top 2 -o table
	eq "sku_a  name_a  sku_b  name_b  receipts
CUP    Cup     POT    Pot            2
CUP    Cup     TEA    Tea            2" "$output"
}

@test "member list --bought SKU | --category C [--since D]: who bought it, masked as the list is" {
	shop
	run member list --bought TEA --no-header
	[ "$status" -eq 0 ]
	eq "M0000001,138****0001,Ann,,,2026-11-18,,normal,active,220
M0000002,138****0002,Bob,,,2026-11-18,,normal,active,330
M0000003,138****0003,Cat,,,2026-11-18,,normal,active,500" "$output"
	run member list --bought TEA --since 2026-11-01 -o jsonl
	eq "M0000002 M0000003" "$(jq -r .code <<<"$output" | xargs)"
	# Cat kept one CUP of two; Ann took HONEY back whole
	run member list --bought CUP -o csv --no-header
	eq "M0000002 M0000003" "$(cut -d, -f1 <<<"$output" | xargs)"
	run member list --bought HONEY --no-header
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run member list --category food --no-header
	eq "M0000002" "$(cut -d, -f1 <<<"$output")"
	run member list --category ware --query Cat --no-header
	eq "M0000003" "$(cut -d, -f1 <<<"$output")"
}

@test "member list --bought: an unknown SKU or category is refused naming it; --since alone is a usage error" {
	shop
	run --separate-stderr member list --bought NOPE
	[ "$status" -eq 1 ]
	eq 'member: no product "NOPE"' "$stderr"
	run --separate-stderr member list --category toys
	[ "$status" -eq 1 ]
	eq 'member: no product in category "toys"' "$stderr"
	run --separate-stderr member list --since 2026-11-01
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"--since needs --bought or --category"* ]]
	run --separate-stderr member list --bought TEA --category tea
	[ "$status" -eq 64 ]
}

# boss (admin) stocks the shop; mgr and tester sign members up, sell,
# take back and give gifts: mgr a sale in October, one in November and a
# gift cancelled; tester two sales, a return and a gift.
shift_work() {
	staff
	as boss stock add --sku TEA --name Tea --price 120 >/dev/null
	as boss stock add --sku CUP --name Cup --price 80 >/dev/null
	as boss stock add --sku MUG --name Mug --price 0 --gift-points 100 \
	    >/dev/null
	for s in TEA CUP MUG; do
		as boss stock receive --sku "$s" --qty 20 --cost 1.00 >/dev/null
	done
	as tester member add --phone 13800000001 --name Ann >/dev/null
	as tester member add --phone 13800000002 --name Bob >/dev/null
	as mgr member add --phone 13800000003 --name Cat >/dev/null
	JIFEN_NOW="2026-10-01 10:00:00" as mgr sale add CUP:1 >/dev/null
	as tester sale add --member M0000001 TEA:1 >/dev/null
	as tester sale add CUP:3 >/dev/null
	as mgr sale add --member M0000003 TEA:1 CUP:1 >/dev/null
	as tester sale return main-20261118-0001 >/dev/null
	as tester redeem gift M0000003 MUG >/dev/null
	as mgr redeem gift M0000003 MUG >/dev/null
	as mgr redeem cancel "$(sql "SELECT max(code) FROM redemption")" \
	    >/dev/null
}

@test "report staff: per operator, receipts, gross, paid, returns, members signed up, redemptions kept" {
	shift_work
	run as mgr report staff
	[ "$status" -eq 0 ]
	eq "operator,receipts,gross,paid,returns,returned,members,redemptions
mgr,2,280.00,280.00,0,0.00,1,0
tester,2,360.00,360.00,1,120.00,2,1" "$output"
	run as mgr report staff --since 2026-11-01 -o table
	eq "operator  receipts  gross   paid    returns  returned  members  redemptions
mgr              1  200.00  200.00        0      0.00        1            0
tester           2  360.00  360.00        1    120.00        2            1
Total            3  560.00  560.00        1    120.00        3            1" "$output"
	run as mgr report staff --until 2026-10-31 -o json
	eq '[{"operator":"mgr","receipts":1,"gross":"80.00","paid":"80.00","returns":0,"returned":"0.00","members":0,"redemptions":0}]' \
	    "$(jq -c . <<<"$output")"
	# an operator who did none of it in the days is not listed
	run as boss report staff --since 2026-11-19 --no-header
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "report staff is a manager's: a cashier is refused (77), and the refusal is on the log" {
	shift_work
	run --separate-stderr as tester report staff
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"reading what each operator did"* ]]
	[ -z "$output" ]
	run as mgr report log --by tester --tool report -o jsonl
	[[ "$(jq -r .refused <<<"$output")" == *manager* ]]
}
