#!/usr/bin/env bats
# redeem draw: a points draw for a gift, its seed committed at the
# opening, its winners recomputed here in shell from the tickets and the
# published seed.

load helper
load fixtures
bats_require_minimum_version 1.5.0
JOINED=2026-11-01	# new_member's day

SEED=my-secret-seed-0123456789

# book: the gift GIFT1 (5 in store main at 40.00), members M0000001..3
# with 1000 points each, and the seed in the file seed.
book() {
	stock add --sku GIFT1 --name "Tea set" --price 100.00 >/dev/null
	stock receive --sku GIFT1 --qty 5 --cost 40.00 --ref PO1 >/dev/null
	for i in 1 2 3; do
		new_member 1380000000$i
		give M000000$i 1000 2026-11-01
	done
	printf '%s\n' "$SEED" >seed
}

# open_draw [OPTION...]: draw D0000001 for 2 of GIFT1 at 100 a ticket.
open_draw() {
	redeem draw open "Xmas draw" --sku GIFT1 --prizes 2 --ticket-points 100 \
	    --seed-file seed "$@" >/dev/null
}

# sell: M1 buys 3 tickets (1-3), M2 one (4), M3 two (5-6), M1 one (7).
sell() {
	redeem draw ticket D0000001 M0000001 --qty 3 >/dev/null
	redeem draw ticket D0000001 M0000002 >/dev/null
	redeem draw ticket D0000001 M0000003 --qty 2 >/dev/null
	redeem draw ticket D0000001 M0000001 >/dev/null
}

balances() {
	sql "SELECT balance FROM member ORDER BY code" | paste -sd ' '
}

# recompute SEED PRIZES < "TICKET,MEMBER" lines in number order: the
# winners as redeem(1) says anyone may pick them, "N:MEMBER ..." by
# prize.  d = SHA-256 of the seed, ":" and k; its first 16 hex digits an
# unsigned 64-bit number, taken mod n in two 32-bit halves, since the
# shell's numbers are signed.
recompute() {
	local seed=$1 prizes=$2 n k h idx mem i t m
	local -a num=() mbr=() nn=() mm=()

	while IFS=, read -r t m; do
		num+=("$t")
		mbr+=("$m")
	done
	n=${#num[@]}
	for ((k = 0; k < prizes && n > 0; k++)); do
		h=$(printf '%s:%d' "$seed" "$k" | sha256sum | cut -c1-16)
		idx=$(( ((0x${h:0:8} % n) * (4294967296 % n) + 0x${h:8:8} % n) % n ))
		mem=${mbr[idx]}
		[ "$k" -eq 0 ] || printf ' '
		printf '%s:%s' "${num[idx]}" "$mem"
		nn=() mm=()
		for ((i = 0; i < n; i++)); do
			[ "${mbr[i]}" = "$mem" ] && continue
			nn+=("${num[i]}")
			mm+=("${mbr[i]}")
		done
		num=("${nn[@]}")
		mbr=("${mm[@]}")
		n=${#num[@]}
	done
	echo
}

@test "redeem draw open prints the draw and the SHA-256 of its seed, never the seed" {
	book
	run redeem draw open "Xmas draw" --sku GIFT1 --prizes 2 \
	    --ticket-points 100 --seed-file seed -o csv
	[ "$status" -eq 0 ]
	hash=$(printf '%s' "$SEED" | sha256sum | cut -d' ' -f1)
	eq "draw,name,store,sku,prizes,ticket_points,refund_losers,tickets,opened,ran,seed_hash,seed,winners" "${lines[0]}"
	eq "D0000001,Xmas draw,main,GIFT1,2,100,0,0,2026-11-18 10:00:00,,$hash,," "${lines[1]}"
	eq "" "$(sql "SELECT coalesce(seed, '') FROM draw")"
	eq 0 "$(sql "SELECT count(*) FROM audit WHERE args LIKE '%$SEED%'")"
	# the seed from stdin: the same hash
	run redeem draw open Other --sku GIFT1 --prizes 1 --ticket-points 5 \
	    --seed-file - -o csv --no-header <<<"$SEED"
	[ "$status" -eq 0 ]
	[[ "$output" == "D0000002,Other,main,GIFT1,1,5,0,0,"*",$hash,," ]]
}

@test "redeem draw open --seed-out makes a seed, writes it to a new 0600 file, keeps its hash" {
	book
	run redeem draw open Made --sku GIFT1 --prizes 1 --ticket-points 10 \
	    --seed-out made.seed -o json
	[ "$status" -eq 0 ]
	eq 600 "$(stat -c %a made.seed)"
	[[ "$(cat made.seed)" =~ ^[0-9a-f]{64}$ ]]
	hash=$(tr -d '\n' <made.seed | sha256sum | cut -d' ' -f1)
	eq "$hash" "$(sql "SELECT seed_hash FROM draw")"
	[[ "$output" == *"\"seed_hash\":\"$hash\""* ]]
	# an existing file is not overwritten, and nothing is booked
	run redeem draw open Again --sku GIFT1 --prizes 1 --ticket-points 10 \
	    --seed-out made.seed
	[ "$status" -eq 73 ]
	eq 1 "$(sql "SELECT count(*) FROM draw")"
	# a dry run writes no file
	run redeem -n draw open Dry --sku GIFT1 --prizes 1 --ticket-points 10 \
	    --seed-out dry.seed
	[ "$status" -eq 0 ]
	[ ! -e dry.seed ]
	eq 1 "$(sql "SELECT count(*) FROM draw")"
}

@test "redeem draw open: the seed once, of 16 bytes or more; a known product; a manager's" {
	book
	run redeem draw open X --sku GIFT1 --prizes 1 --ticket-points 1
	[ "$status" -eq 64 ]
	[[ "$output" == *"--seed-file F or --seed-out F"* ]]
	run redeem draw open X --sku GIFT1 --prizes 1 --ticket-points 1 \
	    --seed-file seed --seed-out new.seed
	[ "$status" -eq 64 ]
	run redeem draw open X --sku GIFT1 --prizes 0 --ticket-points 1 \
	    --seed-file seed
	[ "$status" -eq 64 ]
	run redeem draw open X --sku GIFT1 --prizes 1 --ticket-points 1 \
	    --seed-file - <<<"short"
	[ "$status" -eq 65 ]
	[[ "$output" == *"a seed is 16 to 256 bytes, not 5"* ]]
	run redeem draw open X --sku NOPE --prizes 1 --ticket-points 1 \
	    --seed-file seed
	[ "$status" -eq 1 ]
	[[ "$output" == *'no product "NOPE"'* ]]
	run redeem draw open X --sku GIFT1 --prizes 1 --ticket-points 1 \
	    --seed-file missing
	[ "$status" -eq 66 ]
	staff
	run as tester redeem draw open X --sku GIFT1 --prizes 1 \
	    --ticket-points 1 --seed-file seed
	[ "$status" -eq 77 ]
	run as mgr redeem draw open X --sku GIFT1 --prizes 1 \
	    --ticket-points 1 --seed-file seed
	[ "$status" -eq 0 ]
	eq 1 "$(sql "SELECT count(*) FROM draw")"
}

@test "redeem draw ticket: points from the balance, tickets numbered in order of purchase" {
	book
	open_draw
	eq "1000 1000 1000" "$(balances)"
	run redeem draw ticket D0000001 M0000001 --qty 3 -o csv
	[ "$status" -eq 0 ]
	eq "draw,member,first_ticket,last_ticket,points,balance" "${lines[0]}"
	eq "D0000001,M0000001,1,3,300,700" "${lines[1]}"
	run redeem draw ticket D0000001 13800000002 -o csv --no-header
	eq "D0000001,M0000002,4,4,100,900" "$output"
	run redeem draw ticket D0000001 M0000001 -o csv --no-header
	eq "D0000001,M0000001,5,5,100,600" "$output"
	eq "600 900 1000" "$(balances)"
	eq "D0000001-1 -300|D0000001-4 -100|D0000001-5 -100" \
	    "$(sql "SELECT ref || ' ' || delta FROM ledger
	    WHERE kind = 'redeem' ORDER BY id" | paste -sd '|')"
	run redeem draw tickets D0000001 -o csv
	eq "ticket,at,member,prize,refunded" "${lines[0]}"
	eq "1,2026-11-18 10:00:00,M0000001,,0" "${lines[1]}"
	eq "4,2026-11-18 10:00:00,M0000002,,0" "${lines[4]}"
	eq "5,2026-11-18 10:00:00,M0000001,,0" "${lines[5]}"
	run redeem draw show D0000001 -o csv --no-header
	[[ "$output" == "D0000001,Xmas draw,main,GIFT1,2,100,0,5,"* ]]
}

@test "redeem draw ticket: short of points, frozen, unknown draw: refused, nothing written" {
	book
	open_draw
	before=$(snapshot)
	run redeem draw ticket D0000001 M0000001 --qty 11
	[ "$status" -eq 1 ]
	[[ "$output" == *"M0000001"* ]]
	run redeem draw ticket D0000009 M0000001
	[ "$status" -eq 1 ]
	[[ "$output" == *'no draw "D0000009"'* ]]
	run redeem draw ticket D0000001 M0000099
	[ "$status" -eq 1 ]
	run redeem draw ticket D0000001 M0000001 --qty 0
	[ "$status" -eq 64 ]
	eq "$before" "$(snapshot)"
	member update M0000002 --status frozen >/dev/null
	before=$(snapshot)
	run redeem draw ticket D0000001 M0000002
	[ "$status" -eq 1 ]
	[[ "$output" == *"frozen"* ]]
	eq "$before" "$(snapshot)"
}

@test "redeem draw run: the winners are the seed's, recomputed in shell; gifts leave stock; losers keep nothing back" {
	book
	open_draw
	sell
	eq "600 900 800" "$(balances)"
	run redeem draw run D0000001 --seed-file seed -o csv --no-header
	[ "$status" -eq 0 ]
	[[ "$output" == "D0000001,Xmas draw,main,GIFT1,2,100,0,7,2026-11-18 10:00:00,2026-11-18 10:00:00,"*",$SEED,5:M0000003 4:M0000002" ]]
	# anyone: the seed from show, the tickets from tickets, and sha256sum
	seed=$(redeem draw show D0000001 -o json | jq -r .seed)
	eq "$(printf '%s' "$seed" | sha256sum | cut -d' ' -f1)" \
	    "$(redeem draw show D0000001 -o json | jq -r .seed_hash)"
	want=$(redeem draw tickets D0000001 -o csv --no-header | cut -d, -f1,3 |
	    recompute "$seed" 2)
	eq "5:M0000003 4:M0000002" "$want"
	eq "$want" "$(redeem draw show D0000001 -o json | jq -r .winners)"
	# no refunds: the balances as the tickets left them
	eq "600 900 800" "$(balances)"
	eq 0 "$(sql "SELECT count(*) FROM ledger WHERE kind = 'restore'")"
	# 2 of 5 left at 40.00: 120.00 on hand
	run stock list -o csv --no-header
	[[ "$output" == "main,GIFT1,Tea set,,3,0,40.00,120.00,"* ]]
	eq "-2|D0000001|-8000" "$(sql "SELECT qty, ref, value FROM move
	    WHERE kind = 'redeem'")"
	run redeem draw tickets D0000001 -o csv --no-header
	eq "4,2026-11-18 10:00:00,M0000002,2,0" "${lines[3]}"
	eq "5,2026-11-18 10:00:00,M0000003,1,0" "${lines[4]}"
	eq "6,2026-11-18 10:00:00,M0000003,,0" "${lines[5]}"
}

@test "redeem draw run --refund-losers: every ticket that did not win is paid back to its lots" {
	book
	open_draw --refund-losers
	sell
	run redeem draw run D0000001 --seed-file - -o json <<<"$SEED"
	[ "$status" -eq 0 ]
	[[ "$output" == *'"refund_losers":1'* ]]
	[[ "$output" == *'"winners":"5:M0000003 4:M0000002"'* ]]
	# M1: 600 + 4 tickets x 100; M2 won with its one; M3: 800 + ticket 6
	eq "1000 900 900" "$(balances)"
	eq "D0000001-1 300|D0000001-5 100|D0000001-7 100" \
	    "$(sql "SELECT ref || ' ' || delta FROM ledger
	    WHERE kind = 'restore' ORDER BY ref" | paste -sd '|')"
	eq "500" "$(sql "SELECT sum(refunded) FROM draw_ticket")"
	# back into the lots the tickets were paid from
	eq "1000 900 900" "$(sql "SELECT sum(remaining) FROM lot
	    GROUP BY member_id ORDER BY member_id" | paste -sd ' ')"
}

@test "redeem draw run: a wrong seed, a second run, a cashier: refused, nothing written" {
	book
	staff
	as mgr redeem draw open "Xmas draw" --sku GIFT1 --prizes 2 \
	    --ticket-points 100 --seed-file seed >/dev/null
	as tester redeem draw ticket D0000001 M0000001 >/dev/null
	SNAPSHOT_AUDIT=1
	before=$(snapshot)
	run as mgr redeem draw run D0000001 --seed-file - <<<"not-the-seed-at-all"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the seed is not draw D0000001's"* ]]
	eq "$before" "$(snapshot)"
	unset SNAPSHOT_AUDIT
	run as tester redeem draw run D0000001 --seed-file seed
	[ "$status" -eq 77 ]
	run as mgr redeem draw run D0000001 --seed-file seed
	[ "$status" -eq 0 ]
	run as mgr redeem draw run D0000001 --seed-file seed
	[ "$status" -eq 1 ]
	[[ "$output" == *"draw D0000001 ran already, at 2026-11-18 10:00:00"* ]]
	run as tester redeem draw ticket D0000001 M0000002
	[ "$status" -eq 1 ]
	[[ "$output" == *"no longer sold"* ]]
	eq 1 "$(sql "SELECT count(*) FROM draw_ticket")"
}

@test "redeem draw run: fewer gifts on hand than winners is refused and writes nothing" {
	book
	open_draw
	sell
	stock adjust --sku GIFT1 --qty -4 --reason broken >/dev/null
	before=$(snapshot)
	run redeem draw run D0000001 --seed-file seed
	[ "$status" -eq 1 ]
	[[ "$output" == *'draw D0000001 has 2 winners but 1 of "GIFT1" on hand in store main'* ]]
	eq "$before" "$(snapshot)"
}

@test "redeem draw run: one prize a member; no tickets, no winners" {
	book
	open_draw
	redeem draw ticket D0000001 M0000001 --qty 4 >/dev/null
	run redeem draw run D0000001 --seed-file seed -o json
	[ "$status" -eq 0 ]
	winners=$(jq -r .winners <<<"$output")
	[[ "$winners" =~ ^[1-4]:M0000001$ ]]
	eq "$winners" "$(redeem draw tickets D0000001 -o csv --no-header |
	    cut -d, -f1,3 | recompute "$SEED" 2)"
	eq 4 "$(sql "SELECT on_hand FROM stock")"
	redeem draw open Empty --sku GIFT1 --prizes 3 --ticket-points 1 \
	    --seed-file seed >/dev/null
	run redeem draw run D0000002 --seed-file seed -o json
	[ "$status" -eq 0 ]
	eq null "$(jq -r .winners <<<"$output")"
	eq 4 "$(sql "SELECT on_hand FROM stock")"
}

@test "redeem draw show, tickets, list: unknown draws refused; before the run no seed" {
	book
	open_draw
	run redeem draw show D0000001 -o json
	[ "$status" -eq 0 ]
	eq null "$(jq -r .seed <<<"$output")"
	eq null "$(jq -r .winners <<<"$output")"
	eq null "$(jq -r .ran <<<"$output")"
	run redeem draw show D0000002
	[ "$status" -eq 1 ]
	[[ "$output" == *'no draw "D0000002"'* ]]
	run redeem draw tickets D0000002
	[ "$status" -eq 1 ]
	run redeem draw list -o csv --no-header
	[[ "$output" == "D0000001,Xmas draw,main,GIFT1,2,100,0,0,"* ]]
	run redeem draw
	[ "$status" -eq 64 ]
}

@test "redeem draw: report log --tool redeem shows the opening, the tickets and the run" {
	book
	open_draw
	sell
	redeem draw run D0000001 --seed-file seed >/dev/null
	run report log --tool redeem -o csv --no-header
	[ "$status" -eq 0 ]
	eq 6 "${#lines[@]}"
	[[ "${lines[0]}" == *'""draw"",""open""'* ]]
	[[ "${lines[1]}" == *'""draw"",""ticket""'* ]]
	[[ "${lines[5]}" == *'""draw"",""run""'* ]]
	[[ "$output" != *"$SEED"* ]]
	eq 0 "$(sql "SELECT count(*) FROM draw_ticket t WHERE NOT EXISTS
	    (SELECT 1 FROM audit a WHERE a.id = t.audit_id)")"
}

@test "report audit: a winner changed behind the tools' back, or the seed, is a breach" {
	book
	open_draw --refund-losers
	sell
	redeem draw run D0000001 --seed-file seed >/dev/null
	run report audit
	[ "$status" -eq 0 ]
	sql "UPDATE draw_ticket SET prize = NULL WHERE number = 5;
	    UPDATE draw_ticket SET prize = 1 WHERE number = 6"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"draw_winners: D0000001 ticket 5: expected prize 1, found none"* ]]
	[[ "$output" == *"draw_winners: D0000001 ticket 6: expected none, found prize 1"* ]]
	sql "UPDATE draw_ticket SET prize = 1 WHERE number = 5;
	    UPDATE draw_ticket SET prize = NULL WHERE number = 6;
	    UPDATE draw SET seed = 'another-seed-of-16-bytes'"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"draw_seed: D0000001"* ]]
	sql "UPDATE draw SET seed = '$SEED', prizes = 3"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"draw_winners: D0000001 ticket"*"expected prize 3"* ]]
	sql "UPDATE draw SET prizes = 2, ticket_points = 50"
	run report audit
	[ "$status" -eq 1 ]
	[[ "$output" == *"draw_points: D0000001: expected 350, found 700"* ]]
	sql "UPDATE draw SET ticket_points = 100"
	run report audit
	[ "$status" -eq 0 ]
}
