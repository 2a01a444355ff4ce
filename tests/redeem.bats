#!/usr/bin/env bats
# redeem: the gift catalog, gifts for points, their cancellation, and the
# cash-offset quote.

load helper
load fixtures
SNAPSHOT_AUDIT=1	# a refused redemption writes no audit row either
bats_require_minimum_version 1.5.0
JOINED=2024-10-01	# new_member's day

# new_gift SKU POINTS QTY: a gift in the catalog, QTY of it in store main.
new_gift() {
	stock add --sku "$1" --name "Gift $1" --price 100.00 \
	    --gift-points "$2" >/dev/null
	if [ "$3" -gt 0 ]; then
		stock receive --sku "$1" --qty "$3" --cost 50.00 >/dev/null
	fi
}

need_sale() {
	[ -x "$BIN/sale" ] || skip "the sale tool is not built"
}

@test "redeem -h prints the usage, --version the version" {
	run redeem -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: redeem catalog" ]]
	[[ "$output" == *"redeem gift ID SKU [--qty N] [--at TS]"* ]]
	run redeem --version
	[ "$status" -eq 0 ]
	[[ "$output" == "redeem (jifen) "* ]]
	run redeem gift -h
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
}

@test "redeem: no command, an unknown command or option is a usage error" {
	run redeem
	[ "$status" -eq 64 ]
	[[ "$output" == *"a command is needed"* ]]
	run redeem swap
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown command "swap"'* ]]
	run redeem catalog --qty 2
	[ "$status" -eq 64 ]
	run redeem catalog extra
	[ "$status" -eq 64 ]
	run redeem gift M0000001
	[ "$status" -eq 64 ]
	run redeem cancel
	[ "$status" -eq 64 ]
	run redeem quote M0000001 --qty 1 --amount 1.00
	[ "$status" -eq 64 ]
	run redeem -o xml catalog
	[ "$status" -eq 64 ]
}

@test "redeem catalog: gifts only, with on hand in the store asked for" {
	new_gift G2 500 3
	new_gift G1 1000 5
	new_gift G3 2000 0
	stock add --sku P1 --name Tea --price 30.00 >/dev/null
	JIFEN_STORE=east stock receive --sku G1 --qty 2 --cost 50.00 >/dev/null
	run redeem catalog
	[ "$status" -eq 0 ]
	eq "sku,name,gift_points,on_hand,gift_limit,gift_from,gift_to
G1,Gift G1,1000,5,,,
G2,Gift G2,500,3,,,
G3,Gift G3,2000,0,,," "$output"
	run redeem --store east catalog
	eq "sku,name,gift_points,on_hand,gift_limit,gift_from,gift_to
G1,Gift G1,1000,2,,,
G2,Gift G2,500,0,,,
G3,Gift G3,2000,0,,," "$output"
	run redeem catalog -o jsonl
	eq '{"sku":"G1","name":"Gift G1","gift_points":1000,"on_hand":5,"gift_limit":null,"gift_from":null,"gift_to":null}' "${lines[0]}"
	run redeem catalog -o table
	[[ "${lines[0]}" == "sku  name     gift_points  on_hand  gift_limit"* ]]
	[[ "${lines[1]}" == "G1   Gift G1         1000        5"* ]]
}

@test "redeem catalog: an empty catalog prints the header only" {
	empty_book
	run redeem catalog
	[ "$status" -eq 0 ]
	eq "sku,name,gift_points,on_hand,gift_limit,gift_from,gift_to" "$output"
	run redeem catalog -o json
	eq "[]" "$output"
}

@test "redeem gift: spends the points, takes the gift out of stock, records the redemption" {
	new_member 13800000001 张三
	give M0000001 2500 2026-01-10
	new_gift G1 1000 5
	run redeem gift M0000001 G1
	[ "$status" -eq 0 ]
	eq "redemption,member,sku,qty,points,balance,list_points
R0000001,M0000001,G1,1,1000,1500,1000" "$output"
	eq "M0000001|G1|1|1000|main|tester|" "$(sql "SELECT m.code, p.sku, r.qty,
	    r.points, r.store, r.operator, coalesce(r.cancelled, '')
	    FROM redemption r JOIN member m ON m.id = r.member_id
	    JOIN product p ON p.id = r.product_id WHERE r.code = 'R0000001'")"
	eq "redeem|-1000|R0000001" "$(sql "SELECT kind, delta, ref FROM ledger
	    WHERE kind = 'redeem'")"
	eq "redeem|-1|R0000001|main" "$(sql "SELECT kind, qty, ref, store
	    FROM move WHERE kind = 'redeem'")"
	eq 4 "$(sql "SELECT on_hand FROM stock s JOIN product p
	    ON p.id = s.product_id WHERE p.sku = 'G1'")"
	eq 1500 "$(sql "SELECT balance FROM member WHERE code = 'M0000001'")"
	# by phone too, and the code counts on
	run redeem gift 13800000001 G1 -o json
	[ "$status" -eq 0 ]
	eq "R0000002" "$(jq -r .redemption <<<"$output")"
	eq 500 "$(jq -r .balance <<<"$output")"
	eq "M0000001" "$(jq -r .member <<<"$output")"
	invariants
}

@test "redeem gift -: a gift a JSON line in, the redemption out, each committed before it is answered" {
	new_member 13800000001
	give M0000001 3500 2026-01-10
	new_gift G1 1000 5
	coproc POS { redeem gift - 2>&1; }
	pid=$POS_PID	# bash unsets POS_PID once the coprocess has ended
	echo '{"member":"M0000001","sku":"G1"}' >&"${POS[1]}"
	read -r answer <&"${POS[0]}"
	eq '{"redemption":"R0000001","member":"M0000001","sku":"G1","qty":1,"points":1000,"balance":2500,"list_points":1000}' "$answer"
	# in the book while the stream is still open
	eq "R0000001|1000" "$(sql "SELECT code, points FROM redemption")"
	eq 4 "$(sql "SELECT on_hand FROM stock")"
	echo '{"member":"13800000001","sku":"G1","qty":2}' >&"${POS[1]}"
	read -r answer <&"${POS[0]}"
	eq '"R0000002" 2 500' "$(jq -r '[.redemption, .qty, .balance] | map(tojson) | join(" ")' <<<"$answer")"
	exec {POS[1]}>&-
	wait "$pid"
	eq 3000 "$(sql "SELECT -sum(delta) FROM ledger WHERE kind = 'redeem'")"
	eq 2 "$(sql "SELECT on_hand FROM stock")"
	invariants
}

@test "redeem gift -: a refused or bad line is answered with why and the status redeem gift would have had; the stream goes on" {
	new_member 13800000001
	give M0000001 1500 2026-01-10
	new_gift G1 1000 1
	run --separate-stderr redeem gift - <<-'EOF'
	{"member":"M0000001","sku":"G1","qty":2}
	{"member":"M0000009","sku":"G1"}
	{"member":"M0000001","sku":"NOPE"}
	not json
	{"member":"M0000001","sku":"G1","qty":0}
	{"member":"M0000001","sku":"G1","store":"east"}
	{"member":"M0000001"}
	{"member":"M0000001","sku":"G1"}
	{"member":"M0000001","sku":"G1"}
	EOF
	[ "$status" -eq 0 ]
	eq 9 "${#lines[@]}"
	eq 1 "$(jq .status <<<"${lines[0]}")"	# one on hand, two wanted
	eq '{"member":"M0000009","error":"no member \"M0000009\"","status":1}' "${lines[1]}"
	eq '{"member":"M0000001","error":"no product \"NOPE\"","status":1}' "${lines[2]}"
	[[ "$(jq -r .error <<<"${lines[3]}")" == "line 4: not JSON: "* ]]
	eq '{"member":"M0000001","error":"qty: not a quantity above 0","status":65}' "${lines[4]}"
	eq '{"member":"M0000001","error":"unknown key \"store\"","status":65}' "${lines[5]}"
	eq '{"member":"M0000001","error":"a member and a sku are needed","status":65}' "${lines[6]}"
	eq '"R0000001" 500' "$(jq -r '[.redemption, .balance] | map(tojson) | join(" ")' <<<"${lines[7]}")"
	eq 1 "$(jq .status <<<"${lines[8]}")"	# out of stock now
	eq "R0000001" "$(sql "SELECT code FROM redemption")"
	eq 500 "$(sql "SELECT balance FROM member")"
	invariants
}

@test "redeem gift - -n answers and books nothing; killed, a stream keeps what it answered; a lone ID is a usage error" {
	new_member 13800000001
	give M0000001 5000 2026-01-10
	new_gift G1 1000 5
	before=$(snapshot)
	run --separate-stderr redeem gift -n - <<<'{"member":"M0000001","sku":"G1"}'
	[ "$status" -eq 0 ]
	eq 4000 "$(jq .balance <<<"$output")"
	eq "$before" "$(snapshot)"
	coproc POS { exec redeem gift - 2>/dev/null; }
	for i in 1 2 3; do
		echo '{"member":"M0000001","sku":"G1"}' >&"${POS[1]}"
		read -r answer <&"${POS[0]}"
	done
	kill -9 "$POS_PID"
	wait "$POS_PID" || true
	eq "R0000001 R0000002 R0000003" "$(sql "SELECT code FROM redemption ORDER BY id" | paste -sd ' ')"
	eq 2000 "$(sql "SELECT balance FROM member")"
	run redeem gift M0000001
	[ "$status" -eq 64 ]
	[[ "$output" == *"gift needs ID SKU"* ]]
	run --separate-stderr redeem gift --qty 2 - </dev/null
	[ "$status" -eq 64 ]
	[[ "$stderr" == "redeem: gift -: the stream takes no --qty"* ]]
	invariants
}

@test "redeem gift --qty N spends N times the gift's points" {
	new_member 13800000001
	give M0000001 2500 2026-01-10
	new_gift G1 1000 5
	run redeem gift M0000001 G1 --qty 2
	[ "$status" -eq 0 ]
	eq "R0000001,M0000001,G1,2,2000,500,2000" "${lines[1]}"
	eq -2 "$(sql "SELECT qty FROM move WHERE kind = 'redeem'")"
	eq 3 "$(sql "SELECT on_hand FROM stock")"
	run redeem gift M0000001 G1 --qty 0
	[ "$status" -eq 64 ]
	run redeem gift M0000001 G1 --qty two
	[ "$status" -eq 64 ]
	run redeem gift M0000001 G1 --qty -1
	[ "$status" -eq 64 ]
	invariants
}

@test "redeem gift takes from the lots that expire first" {
	new_member 13800000001
	# booked out of order: the first lot booked expires last
	give M0000001 1000 2026-03-01
	give M0000001 500 2025-01-10
	give M0000001 800 2025-06-01
	new_gift G1 1000 5
	run redeem gift M0000001 G1
	[ "$status" -eq 0 ]
	eq "2027-01-10|500|0
2027-06-01|800|300
2028-03-01|1000|1000" "$(sql "SELECT expires_on, amount, remaining FROM lot
	    ORDER BY expires_on")"
	eq 1300 "$(sql "SELECT balance FROM member")"
	invariants
}

@test "redeem gift is refused when the balance is short, and writes nothing" {
	new_member 13800000001
	give M0000001 999 2026-01-10
	new_gift G1 1000 5
	before=$(snapshot)
	run redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	[[ "$output" == "redeem: insufficient points: member M0000001 has 999"* ]]
	eq "$before" "$(snapshot)"
	give M0000001 1 2026-01-10
	before=$(snapshot)
	run redeem gift M0000001 G1 --qty 2
	[ "$status" -eq 1 ]
	[[ "$output" == *"has 1000, 2 of \"G1\" needs 2000"* ]]
	eq "$before" "$(snapshot)"
	eq 0 "$(sql "SELECT count(*) FROM redemption")"
}

@test "redeem gift is refused for a frozen or closed member" {
	new_member 13800000001
	give M0000001 5000 2026-01-10
	new_gift G1 1000 5
	member update M0000001 --status frozen >/dev/null
	before=$(snapshot)
	run redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	[[ "$output" == *"member M0000001 is frozen: cannot redeem"* ]]
	eq "$before" "$(snapshot)"
	member update M0000001 --status closed >/dev/null
	before=$(snapshot)
	run redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	[[ "$output" == *"is closed"* ]]
	eq "$before" "$(snapshot)"
}

@test "redeem gift is refused for a member in debt" {
	need_sale
	new_member 13800000001
	stock add --sku P1 --name Tea --price 300.00 >/dev/null
	new_gift G1 100 5
	sale add --member M0000001 --receipt S1 P1:1 >/dev/null
	bal=$(sql "SELECT balance FROM member")
	points adjust M0000001 "-$bal" --reason spent >/dev/null
	sale return S1 >/dev/null
	[ "$(sql "SELECT debt FROM member")" -gt 0 ]
	before=$(snapshot)
	run redeem gift M0000001 G1
	[ "$status" -eq 1 ]
	[[ "$output" == *"member M0000001 is in debt"* ]]
	eq "$before" "$(snapshot)"
	invariants
}

@test "redeem gift is refused for a product that is not a gift, or unknown" {
	new_member 13800000001
	give M0000001 5000 2026-01-10
	stock add --sku P1 --name Tea --price 30.00 >/dev/null
	stock receive --sku P1 --qty 5 --cost 10.00 >/dev/null
	before=$(snapshot)
	run redeem gift M0000001 P1
	[ "$status" -eq 1 ]
	eq 'redeem: product "P1" is not a gift' "$output"
	run redeem gift M0000001 NOPE
	[ "$status" -eq 1 ]
	eq 'redeem: no product "NOPE"' "$output"
	run redeem gift M9999999 P1
	[ "$status" -eq 1 ]
	eq 'redeem: no member "M9999999"' "$output"
	eq "$before" "$(snapshot)"
}

@test "redeem gift is refused when the gift is out of stock in this store" {
	new_member 13800000001
	give M0000001 5000 2026-01-10
	new_gift G1 1000 1
	new_gift G2 1000 0
	before=$(snapshot)
	run redeem gift M0000001 G2
	[ "$status" -eq 1 ]
	[[ "$output" == *'gift "G2" is out of stock: 0 on hand in store main, 1 wanted'* ]]
	run redeem gift M0000001 G1 --qty 2
	[ "$status" -eq 1 ]
	[[ "$output" == *'gift "G1" is out of stock: 1 on hand in store main, 2 wanted'* ]]
	run redeem --store east gift M0000001 G1
	[ "$status" -eq 1 ]
	[[ "$output" == *"in store east"* ]]
	eq "$before" "$(snapshot)"
	run redeem gift M0000001 G1
	[ "$status" -eq 0 ]
	eq 0 "$(sql "SELECT on_hand FROM stock s JOIN product p
	    ON p.id = s.product_id WHERE p.sku = 'G1'")"
}

@test "redeem gift --store takes the gift from that store" {
	new_member 13800000001
	give M0000001 5000 2026-01-10
	new_gift G1 1000 1
	JIFEN_STORE=east stock receive --sku G1 --qty 3 --cost 50.00 >/dev/null
	run redeem gift M0000001 G1 --store east
	[ "$status" -eq 0 ]
	eq "east|2" "$(sql "SELECT store, on_hand FROM stock WHERE store = 'east'")"
	eq "main|1" "$(sql "SELECT store, on_hand FROM stock WHERE store = 'main'")"
	eq east "$(sql "SELECT store FROM redemption")"
}

@test "redeem gift -n prints the redemption and writes nothing" {
	new_member 13800000001
	give M0000001 2500 2026-01-10
	new_gift G1 1000 5
	before=$(snapshot)
	run redeem gift -n M0000001 G1
	[ "$status" -eq 0 ]
	eq "R0000001,M0000001,G1,1,1000,1500,1000" "${lines[1]}"
	eq "$before" "$(snapshot)"
}

@test "redeem gift --at books it at that time" {
	new_member 13800000001
	give M0000001 2500 2026-01-10
	new_gift G1 1000 5
	run redeem gift M0000001 G1 --at "2026-11-17 18:30"
	[ "$status" -eq 0 ]
	eq "2026-11-17 18:30:00" "$(sql "SELECT at FROM redemption")"
	eq "2026-11-17 18:30:00" "$(sql "SELECT at FROM ledger WHERE kind = 'redeem'")"
	run redeem gift M0000001 G1 --at soon
	[ "$status" -eq 64 ]
}

@test "redeem gift: ten redemptions racing for one balance, exactly one wins" {
	new_member 13800000001
	give M0000001 1000 2026-01-10
	new_gift G1 1000 10
	export JIFEN_BUSY_MS=120000
	for i in 1 2 3 4 5 6 7 8 9 10; do
		# bats runs with errexit: the status is kept by the if
		(if redeem gift M0000001 G1 >"out.$i" 2>&1; then echo 0
		else echo $?; fi >"rc.$i") &
	done
	wait
	eq 1 "$(cat rc.* | grep -c '^0$')"
	eq 9 "$(cat rc.* | grep -c '^1$')"
	eq 1 "$(sql "SELECT count(*) FROM redemption")"
	eq 1 "$(sql "SELECT count(*) FROM ledger WHERE kind = 'redeem'")"
	eq 0 "$(sql "SELECT balance FROM member")"
	eq 9 "$(sql "SELECT on_hand FROM stock")"
	invariants
}

@test "redeem quote: the most points usable on an order, and their value" {
	new_member 13800000001
	give M0000001 1234 2026-01-10
	run redeem quote M0000001 --amount 300
	[ "$status" -eq 0 ]
	eq "member,amount,max_points,value
M0000001,300.00,1200,120.00" "$output"
	# the order total caps it
	give M0000001 8765 2026-01-10
	run redeem quote M0000001 --amount 250.00 -o json
	eq '{"member":"M0000001","amount":"250.00","max_points":2500,"value":"250.00"}' "$output"
	# and so does the most per order (500.00)
	run redeem quote 13800000001 --amount 10000
	eq "M0000001,10000.00,5000,500.00" "${lines[1]}"
	# below the minimum order
	run redeem quote M0000001 --amount 199.99
	eq "M0000001,199.99,0,0.00" "${lines[1]}"
	# quoting writes nothing
	eq 0 "$(sql "SELECT count(*) FROM audit WHERE tool = 'redeem'")"
}

@test "redeem quote: nothing for too few points, or a frozen member" {
	new_member 13800000001
	give M0000001 99 2026-01-10
	run redeem quote M0000001 --amount 300
	eq "M0000001,300.00,0,0.00" "${lines[1]}"
	give M0000001 1000 2026-01-10
	member update M0000001 --status frozen >/dev/null
	run redeem quote M0000001 --amount 300
	[ "$status" -eq 0 ]
	eq "M0000001,300.00,0,0.00" "${lines[1]}"
}

@test "redeem quote: --amount is needed and must be an amount" {
	new_member 13800000001
	run redeem quote M0000001
	[ "$status" -eq 64 ]
	[[ "$output" == *"quote needs --amount"* ]]
	run redeem quote M0000001 --amount 1.234
	[ "$status" -eq 64 ]
	run redeem quote M0000001 --amount -5
	[ "$status" -eq 64 ]
	run redeem quote M0000001 --amount 1e3
	[ "$status" -eq 64 ]
	run redeem quote M7654321 --amount 300
	[ "$status" -eq 1 ]
	eq 'redeem: no member "M7654321"' "$output"
}

@test "redeem cancel gives the points back to their lots and the gift back to stock" {
	new_member 13800000001
	give M0000001 1000 2026-03-01
	give M0000001 500 2025-01-10
	give M0000001 800 2025-06-01
	new_gift G1 1000 5
	redeem gift M0000001 G1 >/dev/null
	run redeem cancel R0000001
	[ "$status" -eq 0 ]
	eq "redemption,member,sku,qty,points,balance,list_points
R0000001,M0000001,G1,1,1000,2300,1000" "$output"
	eq "2027-01-10|500
2027-06-01|800
2028-03-01|1000" "$(sql "SELECT expires_on, remaining FROM lot ORDER BY expires_on")"
	eq 3 "$(sql "SELECT count(*) FROM lot")"
	eq "restore|1000|R0000001" "$(sql "SELECT kind, delta, ref FROM ledger
	    WHERE kind = 'restore'")"
	eq 5 "$(sql "SELECT on_hand FROM stock")"
	eq "1|main" "$(sql "SELECT qty, store FROM move WHERE kind = 'redeem'
	    AND qty > 0")"
	eq "2026-11-18 10:00:00" "$(sql "SELECT cancelled FROM redemption")"
	invariants
}

@test "redeem list: every redemption in time order, cancelled ones with when; by day, member and store" {
	new_member 13800000001
	new_member 13800000002
	give M0000001 1000 2026-03-01
	give M0000002 1000 2026-03-01
	new_gift G1 100 5
	JIFEN_NOW="2026-11-16 10:00:00" redeem gift M0000001 G1 >/dev/null
	JIFEN_NOW="2026-11-17 11:00:00" redeem gift M0000002 G1 --qty 2 \
	    >/dev/null
	JIFEN_NOW="2026-11-18 12:00:00" redeem cancel R0000001 >/dev/null
	run redeem list
	[ "$status" -eq 0 ]
	eq "redemption,at,store,member,sku,qty,points,cancelled,operator,hold_until,picked_up
R0000001,2026-11-16 10:00:00,main,M0000001,G1,1,100,2026-11-18 12:00:00,tester,,
R0000002,2026-11-17 11:00:00,main,M0000002,G1,2,200,,tester,," "$output"
	run redeem list --since 2026-11-17 --until 2026-11 --no-header
	eq "R0000002,2026-11-17 11:00:00,main,M0000002,G1,2,200,,tester,," "$output"
	run redeem list --until 2026-11-16 -o json
	eq "null" "$(jq '.[1]' <<<"$output")"
	eq '"2026-11-18 12:00:00"' "$(jq '.[0].cancelled' <<<"$output")"
	run redeem list --member 13800000002 -o jsonl
	eq '"R0000002" null' "$(jq -c .redemption <<<"$output") $(jq -c .cancelled <<<"$output")"
	run redeem list --store east --no-header
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run --separate-stderr redeem list --member M0000099
	[ "$status" -eq 1 ]
	[[ "$stderr" == *'no member "M0000099"'* ]]
}

@test "redeem cancel: a redemption cancels once; an unknown one is refused" {
	new_member 13800000001
	give M0000001 1000 2026-01-10
	new_gift G1 1000 5
	redeem gift M0000001 G1 >/dev/null
	redeem cancel R0000001 >/dev/null
	before=$(snapshot)
	run redeem cancel R0000001
	[ "$status" -eq 1 ]
	[[ "$output" == "redeem: redemption R0000001 was cancelled already"* ]]
	run redeem cancel R0000099
	[ "$status" -eq 1 ]
	eq 'redeem: no redemption "R0000099"' "$output"
	eq "$before" "$(snapshot)"
	eq 1000 "$(sql "SELECT balance FROM member")"
}

@test "redeem cancel puts the gift back in the store it left" {
	new_member 13800000001
	give M0000001 1000 2026-01-10
	new_gift G1 1000 0
	JIFEN_STORE=east stock receive --sku G1 --qty 2 --cost 50.00 >/dev/null
	redeem --store east gift M0000001 G1 >/dev/null
	run redeem cancel R0000001
	[ "$status" -eq 0 ]
	eq 2 "$(sql "SELECT on_hand FROM stock WHERE store = 'east'")"
	eq 0 "$(sql "SELECT count(*) FROM stock WHERE store = 'main' AND on_hand <> 0")"
}

@test "redeem cancel -n prints it and writes nothing" {
	new_member 13800000001
	give M0000001 1000 2026-01-10
	new_gift G1 1000 5
	redeem gift M0000001 G1 >/dev/null
	before=$(snapshot)
	run redeem cancel --dry-run R0000001
	[ "$status" -eq 0 ]
	eq "R0000001,M0000001,G1,1,1000,1000,1000" "${lines[1]}"
	eq "$before" "$(snapshot)"
	eq "" "$(sql "SELECT cancelled FROM redemption")"
}

@test "redeem cancel after 30 days needs a manager" {
	new_member 13800000001
	give M0000001 3000 2026-01-10
	new_gift G1 1000 5
	JIFEN_NOW="2026-10-01 12:00:00" redeem gift M0000001 G1 >/dev/null
	JIFEN_NOW="2026-11-01 12:00:00" redeem gift M0000001 G1 >/dev/null
	# tester, the suite's operator, is the admin
	hire tester admin
	hire cash cashier
	hire mgr manager
	run as cash redeem cancel R0000001
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs a manager"* ]]
	eq "" "$(sql "SELECT cancelled FROM redemption WHERE code = 'R0000001'")"
	run as cash redeem cancel R0000002
	[ "$status" -eq 0 ]
	run as mgr redeem cancel R0000001
	[ "$status" -eq 0 ]
	run redeem --operator nobody cancel R0000001
	[ "$status" -eq 77 ]
	eq 3000 "$(sql "SELECT balance FROM member")"
}

@test "redeem cancel puts points back in a lot that has expired; the next expire run takes them" {
	new_member 13800000001
	give M0000001 300 2024-11-01		# valid through 2026-11-01
	give M0000001 1000 2025-06-01		# valid through 2027-06-01
	new_gift G1 1000 5
	JIFEN_NOW="2026-10-20 12:00:00" redeem gift M0000001 G1 >/dev/null
	eq "0
300" "$(sql "SELECT remaining FROM lot ORDER BY expires_on")"
	run expire
	eq "member,points,expired_on" "$output"
	run redeem cancel R0000001
	[ "$status" -eq 0 ]
	eq "300
1000" "$(sql "SELECT remaining FROM lot ORDER BY expires_on")"
	eq 1300 "$(sql "SELECT balance FROM member")"
	JIFEN_NOW="2026-11-19 02:00:00" run expire
	[ "$status" -eq 0 ]
	eq "member,points,expired_on
M0000001,300,2026-11-19" "$output"
	eq "0
1000" "$(sql "SELECT remaining FROM lot ORDER BY expires_on")"
	eq 1000 "$(sql "SELECT balance FROM member")"
	invariants
}

@test "redeem: the book's invariants hold after gifts and cancellations" {
	new_member 13800000001
	new_member 13800000002
	give M0000001 700 2025-01-10
	give M0000001 900 2025-12-01
	give M0000002 2000 2025-05-05
	new_gift G1 500 10
	new_gift G2 800 10
	redeem gift M0000001 G1 >/dev/null
	redeem gift M0000002 G2 --qty 2 >/dev/null
	redeem gift M0000001 G2 >/dev/null
	redeem cancel R0000002 >/dev/null
	redeem gift M0000002 G1 --qty 3 >/dev/null
	invariants
	eq 300 "$(sql "SELECT balance FROM member WHERE code = 'M0000001'")"
	eq 500 "$(sql "SELECT balance FROM member WHERE code = 'M0000002'")"
	eq "6|9" "$(sql "SELECT s1.on_hand, s2.on_hand FROM stock s1, stock s2
	    WHERE s1.product_id = 1 AND s2.product_id = 2")"
	run redeem catalog
	eq "G1,Gift G1,500,6,,," "${lines[1]}"
	eq "G2,Gift G2,800,9,,," "${lines[2]}"
}
