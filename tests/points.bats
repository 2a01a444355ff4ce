#!/usr/bin/env bats
# points: balance, history, adjust, award, explain and rules.

load helper
load fixtures
JOINED=2024-01-01	# new_member's day

@test "points -h prints the usage and exits 0" {
	run points -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: points balance ID" ]]
	[[ "$output" == *"points award [ID|-] --kind K [--points N] [--at TS]"* ]]
	[[ "$output" == *"points rules load FILE [--at TS]"* ]]
}

@test "points SUB -h prints that command's help, not every command's" {
	run --separate-stderr points balance -h
	[ "$status" -eq 0 ]
	eq "usage: points balance ID" "${lines[0]}"
	[[ "$output" != *"points history"* ]]
	run --separate-stderr points award --help
	[ "$status" -eq 0 ]
	eq "usage: points award [ID|-] --kind K [--points N] [--at TS]" \
	    "${lines[0]}"
	[[ "$output" == *"  --points N "*"a manager's"* ]]
	# a group's help: its commands, then its own action's
	run --separate-stderr points rules -h
	[ "$status" -eq 0 ]
	eq "usage: points rules [--at TS]" "${lines[0]}"
	eq "       points rules load FILE [--at TS]" "${lines[2]}"
	[[ "$output" != *"points balance"* ]]
	run --separate-stderr points rules load --help
	[ "$status" -eq 0 ]
	eq "usage: points rules load FILE [--at TS]" "${lines[0]}"
	[[ "$output" == *"when the version takes effect"* ]]
	[ ! -e "$JIFEN_DB" ]
}

@test "points --version names the tool" {
	run points --version
	[ "$status" -eq 0 ]
	[[ "$output" == "points (jifen) "* ]]
}

@test "points without a command, or an unknown one, is a usage error" {
	run points
	[ "$status" -eq 64 ]
	run points transfer M0000001
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown command "transfer"'* ]]
	run points balance M0000001 --kind share
	[ "$status" -eq 64 ]
	eq "points: --kind: option not allowed here
try 'points balance --help'" "$output"
	run points history M0000001 --reason=x
	[ "$status" -eq 64 ]
	eq "points: --reason: option not allowed here
try 'points history --help'" "$output"
	run points balance --bogus
	[ "$status" -eq 64 ]
	[ "${#lines[@]}" -eq 2 ]
	run points rules reload x
	[ "$status" -eq 64 ]
	eq "points: unknown command \"reload\"
try 'points rules --help'" "$output"
}

@test "balance of a new member is 0 with nothing expiring" {
	new_member 13800000001
	run points balance M0000001
	[ "$status" -eq 0 ]
	eq "member,balance,pending,expiring,expiring_on" "${lines[0]}"
	eq "M0000001,0,0,0," "${lines[1]}"
}

@test "balance names the member by phone too, and prints json" {
	new_member 13800000001
	give M0000001 300 2026-01-05
	run points balance 13800000001 -o json
	[ "$status" -eq 0 ]
	eq '{"member": "M0000001", "balance": 300, "pending": 0, "expiring": 0, "expiring_on": null}' \
	    "$(echo "$output" | jq -c . | sed 's/,/, /g; s/:/: /g')"
}

@test "balance shows the points expiring within the reminder window" {
	new_member 13800000001
	give M0000001 100 2024-12-01	# valid through 2026-12-01: within 30 days
	give M0000001 40 2024-12-10	# through 2026-12-10
	give M0000001 7 2024-12-19	# through 2026-12-19: 31 days away
	run points balance M0000001
	[ "$status" -eq 0 ]
	eq "M0000001,147,0,140,2026-12-01" "${lines[1]}"
}

@test "balance -: a lookup a JSON line in, an answer out, each read afresh while the stream is open" {
	new_member 13800000001
	new_member 13800000002
	give M0000001 300 2026-01-05
	coproc POS { points balance - 2>&1; }
	pid=$POS_PID	# bash unsets POS_PID once the coprocess has ended
	echo '{"member":"M0000001"}' >&"${POS[1]}"
	read -r answer <&"${POS[0]}"
	eq '{"member":"M0000001","balance":300,"pending":0,"expiring":0,"expiring_on":null}' "$answer"
	# a write by another process meanwhile: the next answer has it
	give M0000001 50 2026-02-01
	echo '{"member":"13800000001"}' >&"${POS[1]}"
	read -r answer <&"${POS[0]}"
	eq 350 "$(jq .balance <<<"$answer")"
	exec {POS[1]}>&-
	wait "$pid"
	# member list -o jsonl's lines name their members by code
	run --separate-stderr points balance - < <(member list -o jsonl)
	[ "$status" -eq 0 ]
	eq "M0000001:350 M0000002:0" "$(jq -r '"\(.member):\(.balance)"' <<<"$output" | paste -sd ' ')"
}

@test "balance -: an unknown member or a bad line is answered with why and its status; the stream goes on" {
	new_member 13800000001
	before=$(snapshot)
	run --separate-stderr points balance - <<-'EOF'
	{"member":"M0000009"}
	not json

	["M0000001"]
	{"member":7}
	{"name":"x"}
	{"member":"M0000001"}
	EOF
	[ "$status" -eq 0 ]
	eq 6 "${#lines[@]}"
	eq '{"member":"M0000009","error":"no member \"M0000009\"","status":1}' "${lines[0]}"
	[[ "$(jq -r .error <<<"${lines[1]}")" == "line 2: not JSON: "* ]]
	eq '{"error":"line 4: not a JSON object","status":65}' "${lines[2]}"
	eq '{"error":"member: not a string","status":65}' "${lines[3]}"
	eq '{"error":"member: a code or phone is needed","status":65}' "${lines[4]}"
	eq '"M0000001" 0' "$(jq -r '[.member, .balance] | map(tojson) | join(" ")' <<<"${lines[5]}")"
	eq "$before" "$(snapshot)"
	# a line over 64 KiB, or with a NUL byte, is passed over to its end
	run --separate-stderr points balance - < <(
	    printf '{"member":"%070000d"}\n{"member":"M\0001"}\n{"member":"M0000001"}' 0)
	[ "$status" -eq 0 ]
	eq 3 "${#lines[@]}"
	eq '{"error":"line 1: longer than 65536 bytes","status":65}' "${lines[0]}"
	eq '{"error":"line 2: a NUL byte","status":65}' "${lines[1]}"
	eq '"M0000001"' "$(jq .member <<<"${lines[2]}")"
	run --separate-stderr points balance - </dev/null
	[ "$status" -eq 0 ]
	eq "" "$output"
	# it answers in JSON lines, whatever -o asks
	run --separate-stderr points balance -o csv - <<<'{"member":"M0000001"}'
	[ "$status" -eq 64 ]
	eq "" "$output"
	[[ "$stderr" == "points: balance -: the stream answers a line of JSON each: -o json or jsonl, or none"* ]]
	run --separate-stderr points balance -o jsonl - <<<'{"member":"M0000001"}'
	[ "$status" -eq 0 ]
	eq '"M0000001"' "$(jq .member <<<"$output")"
}

@test "balance of an unknown member is refused; no member is a usage error" {
	empty_book
	run points balance M0000009
	[ "$status" -eq 1 ]
	[[ "$output" == *'no member'*'M0000009'* ]]
	run points balance
	[ "$status" -eq 64 ]
	run points balance A B
	[ "$status" -eq 64 ]
}

@test "history lists every entry with its expiry, oldest first" {
	new_member 13800000001 Li
	give M0000001 100 2025-02-28
	JIFEN_NOW="2025-03-01 10:00:00" points adjust M0000001 -30 --reason "broken cup" >/dev/null
	JIFEN_NOW="2025-03-02 11:00:00" points award M0000001 --kind share >/dev/null
	run points history M0000001
	[ "$status" -eq 0 ]
	eq "at,kind,delta,ref,rule,reason,expires_on,operator" "${lines[0]}"
	eq "2025-02-28 09:00:00,adjust,100,,,test,2027-02-28,tester" "${lines[1]}"
	eq "2025-03-01 10:00:00,adjust,-30,,,broken cup,,tester" "${lines[2]}"
	eq "2025-03-02 11:00:00,award,50,,share,,2027-03-02,tester" "${lines[3]}"
	[ "${#lines[@]}" -eq 4 ]
}

@test "history --since starts at a day" {
	new_member 13800000001
	give M0000001 10 2025-01-01
	give M0000001 20 2025-06-01
	give M0000001 30 2025-06-02
	run points history M0000001 --since 2025-06-01
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == "2025-06-01 09:00:00,adjust,20,"* ]]
	run points history M0000001 --since 2025-06-03 -o json
	[ "$status" -eq 0 ]
	eq "[]" "$output"
	run points history M0000001 --since 2025-13-01
	[ "$status" -eq 64 ]
	[[ "$output" == *'--since: not a date (2026-11-21, 2026/11/21, 2026年11月21日, today or yesterday) or a month (2026-11): "2025-13-01"'* ]]
}

@test "history --until ends with a day, or a month" {
	new_member 13800000001
	give M0000001 10 2025-05-31
	give M0000001 20 2025-06-01
	give M0000001 30 2025-07-01
	run points history M0000001 --until 2025-06-01 -o csv
	[ "$status" -eq 0 ]
	eq "10 20" "$(sed 1d <<<"$output" | cut -d, -f3 | xargs)"
	run points history M0000001 --since 2025-06 --until 2025-06 -o csv
	eq 20 "$(sed 1d <<<"$output" | cut -d, -f3 | xargs)"
	run points history M0000001 --until 2025-05-30 -o json
	eq "[]" "$output"
}

@test "history of an unknown member is refused" {
	empty_book
	run points history 13999999999
	[ "$status" -eq 1 ]
	run points history
	[ "$status" -eq 64 ]
}

@test "adjust adds points and prints the member's new balance" {
	new_member 13800000001
	run points adjust M0000001 +250 --reason "goodwill"
	[ "$status" -eq 0 ]
	eq "member,kind,delta,rule,reason,balance" "${lines[0]}"
	eq "M0000001,adjust,250,,goodwill,250" "${lines[1]}"
	run points adjust 13800000001 -50 --reason "typo"
	[ "$status" -eq 0 ]
	eq "M0000001,adjust,-50,,typo,200" "${lines[1]}"
	eq "250|-50" "$(sql "SELECT delta FROM ledger ORDER BY id" | paste -sd '|')"
	eq "typo" "$(sql "SELECT reason FROM ledger WHERE delta = -50")"
	eq "200" "$(sql "SELECT balance FROM member")"
	invariants
}

@test "adjust takes the number before or after the options" {
	new_member 13800000001
	run points adjust --reason first M0000001 40
	[ "$status" -eq 0 ]
	run points adjust M0000001 --reason second -10
	[ "$status" -eq 0 ]
	eq "30" "$(sql "SELECT balance FROM member")"
	member add --phone +8613800000002 >/dev/null
	run points adjust +8613800000002 +7 --reason "a phone with a plus"
	[ "$status" -eq 0 ]
	eq "M0000002,adjust,7,,a phone with a plus,7" "${lines[1]}"
	run points adjust -3 +8613800000002 --reason "the number first"
	[ "$status" -eq 0 ]
	eq "M0000002,adjust,-3,,the number first,4" "${lines[1]}"
}

@test "a negative adjustment larger than the balance is refused" {
	new_member 13800000001
	give M0000001 100 2026-01-01
	before=$(snapshot)
	run points adjust M0000001 -101 --reason "too much"
	[ "$status" -eq 1 ]
	[[ "$output" == *"has 100 points"* ]]
	eq "$before" "$(snapshot)"
}

@test "adjust needs a reason, a member and a number other than 0" {
	new_member 13800000001
	run points adjust M0000001 +5
	[ "$status" -eq 64 ]
	[[ "$output" == *"adjust needs --reason"* ]]
	run points adjust M0000001 +5 --reason ""
	[ "$status" -eq 64 ]
	run points adjust M0000001 0 --reason x
	[ "$status" -eq 64 ]
	run points adjust M0000001 12.5 --reason x
	[ "$status" -eq 64 ]
	run points adjust M0000001 --reason x
	[ "$status" -eq 64 ]
	run points adjust +5 --reason x
	[ "$status" -eq 64 ]
	run points adjust M0000009 +5 --reason x
	[ "$status" -eq 1 ]
	eq "0" "$(sql "SELECT count(*) FROM ledger")"
}

@test "adjust is for managers once staff are registered" {
	new_member 13800000001
	staff
	run as tester points adjust M0000001 +5 --reason x
	[ "$status" -eq 77 ]
	[[ "$output" == *"adjusting points needs a manager"* ]]
	run as mgr points adjust M0000001 +5 --reason x
	[ "$status" -eq 0 ]
	eq "mgr" "$(sql "SELECT operator FROM ledger")"
	run points adjust M0000001 +5 --reason x --operator nobody
	[ "$status" -eq 77 ]
}

@test "adjust --dry-run prints the change and keeps nothing" {
	new_member 13800000001
	before=$(snapshot)
	run points adjust M0000001 +70 --reason x -n
	[ "$status" -eq 0 ]
	eq "M0000001,adjust,70,,x,70" "${lines[1]}"
	eq "$before" "$(snapshot)"
}

@test "adjust --at books at that time, and the lot expires from that day" {
	new_member 13800000001
	run points adjust M0000001 +10 --reason x --at 2024-02-29
	[ "$status" -eq 0 ]
	eq "2024-02-29 00:00:00|2026-02-28" \
	    "$(sql "SELECT at, expires_on FROM ledger JOIN lot ON entry_id = ledger.id")"
	run points adjust M0000001 +10 --reason x --at soon
	[ "$status" -eq 64 ]
}

@test "adjust of a frozen member goes through; earning does not" {
	new_member 13800000001
	give M0000001 100 2026-01-01
	member update M0000001 --status frozen >/dev/null
	run points adjust M0000001 -40 --reason "closing"
	[ "$status" -eq 0 ]
	run points award M0000001 --kind share
	[ "$status" -eq 1 ]
	[[ "$output" == *"M0000001 is frozen"* ]]
	eq "60" "$(sql "SELECT balance FROM member")"
}

@test "award books an activity's points, up to its daily cap" {
	new_member 13800000001
	run points award M0000001 --kind share
	[ "$status" -eq 0 ]
	eq "M0000001,award,50,share,,50" "${lines[1]}"
	run points award M0000001 --kind share
	[ "$status" -eq 1 ]
	[[ "$output" == *'"share": the daily cap of 1 is reached on 2026-11-18'* ]]
	JIFEN_NOW="2026-11-19 08:00:00" run points award M0000001 --kind share
	[ "$status" -eq 0 ]
	for i in 1 2 3 4 5; do
		points award M0000001 --kind review >/dev/null
	done
	run points award M0000001 --kind review
	[ "$status" -eq 1 ]
	eq "200" "$(sql "SELECT balance FROM member")"
	eq "review|5 share|2" \
	    "$(sql "SELECT rule || '|' || count(*) FROM ledger GROUP BY rule ORDER BY rule" | paste -sd ' ')"
	invariants
}

@test "award of an unknown kind is refused; --kind is needed" {
	new_member 13800000001
	run points award M0000001 --kind like
	[ "$status" -eq 1 ]
	[[ "$output" == *'no activity "like" in the rules'* ]]
	run points award M0000001
	[ "$status" -eq 64 ]
	run points award M0000001 M0000002 --kind share
	[ "$status" -eq 64 ]
	run points award M0000001 --kind share --points 0
	[ "$status" -eq 64 ]
	eq "0" "$(sql "SELECT count(*) FROM ledger")"
}

@test "award --points overrides the amount, for a manager" {
	new_member 13800000001
	staff
	run as tester points award M0000001 --kind share --points 80
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs a manager"* ]]
	run as tester points award M0000001 --kind share
	[ "$status" -eq 0 ]
	eq "M0000001,award,50,share,,50" "${lines[1]}"
	JIFEN_NOW="2026-11-19 10:00:00" run as mgr points award M0000001 \
	    --kind share --points 80
	[ "$status" -eq 0 ]
	eq "M0000001,award,80,share,,130" "${lines[1]}"
}

@test "award - takes members from a member list stream" {
	new_member 13800000001 Li
	new_member 13800000002 Wang
	new_member 13800000003 Zhao
	run bash -c 'member list -o csv | points award --kind review -'
	echo "$output"
	[ "$status" -eq 0 ]
	eq "member,kind,delta,rule,reason,balance" "${lines[0]}"
	eq "M0000001,award,20,review,,20" "${lines[1]}"
	eq "M0000003,award,20,review,,20" "${lines[3]}"
	eq "3" "$(sql "SELECT count(*) FROM ledger WHERE kind = 'award'")"
	run bash -c 'member list -o csv | points award --kind review'
	[ "$status" -eq 0 ]
	eq "6" "$(sql "SELECT count(*) FROM ledger WHERE kind = 'award'")"
}

@test "award - reports each refused row by number, keeps the others, exits 65" {
	new_member 13800000001
	new_member 13800000002
	points award M0000002 --kind share >/dev/null
	printf 'phone,code,note\n13800000001,,a\n,M0000002,b\n13800000009,,c\n,,d\n' > in.csv
	run bash -c 'points award --kind share - < in.csv'
	[ "$status" -eq 65 ]
	[[ "$output" == *"M0000001,award,50,share,,50"* ]]
	[[ "$output" == *'points: stdin:3: code: "share": the daily cap of 1 is reached'* ]]
	[[ "$output" == *'points: stdin:4: phone: no member "13800000009"'* ]]
	[[ "$output" == *'points: stdin:5: phone: no member named'* ]]
	[[ "$output" == *"points: 3 of 4 rows refused"* ]]
	eq "50|50" "$(sql "SELECT balance FROM member ORDER BY id" | paste -sd '|')"
	invariants
}

@test "award - needs a code or phone column" {
	new_member 13800000001
	run bash -c 'printf "name\nLi\n" | points award --kind share -'
	[ "$status" -eq 65 ]
	[[ "$output" == *"a code or phone column is needed"* ]]
	eq "0" "$(sql "SELECT count(*) FROM ledger")"
}

@test "award - --dry-run awards nobody" {
	new_member 13800000001
	run bash -c 'member list -o csv | points award --kind share -n -'
	[ "$status" -eq 0 ]
	eq "M0000001,award,50,share,,50" "${lines[1]}"
	eq "0" "$(sql "SELECT count(*) FROM ledger")"
}

# The till's sale on a Saturday under a tea multiplier; the receipt R1.
tea_sale() {
	cat > tea.json <<-'EOF'
	{ "multipliers": [
	    { "name": "weekend", "days": ["sat", "sun"], "factor": "1.5" },
	    { "name": "tea", "categories": ["tea"], "factor": "2" } ] }
	EOF
	JIFEN_NOW="2026-01-01 00:00:00" points rules load tea.json >/dev/null
	stock add --sku TEA1 --name Tea --price 120.00 --category tea >/dev/null
	stock add --sku CUP1 --name Cup --price 80.00 --category cup >/dev/null
	stock add --sku BAG1 --name Bag --price 1.00 --no-points >/dev/null
}

@test "explain shows each line's multiplier and points, then the bonuses" {
	new_member 13800000001
	tea_sale
	JIFEN_NOW="2026-11-21 10:00:00" run sale add --member M0000001 --receipt R1 \
	    TEA1:1 CUP1:1 BAG1:2
	[ "$status" -eq 0 ]
	run points explain R1
	[ "$status" -eq 0 ]
	eq "kind,line,sku,qty,amount,multiplier,rule,points,member" "${lines[0]}"
	eq "line,1,TEA1,1,120.00,2.00,tea,240,M0000001" "${lines[1]}"
	eq "line,2,CUP1,1,80.00,1.50,weekend,120,M0000001" "${lines[2]}"
	eq "line,3,BAG1,2,2.00,0.00,no-points,0,M0000001" "${lines[3]}"
	eq "earn,,,,202.00,1.00,normal,360,M0000001" "${lines[4]}"
	eq "bonus,,,,,,signup,100,M0000001" "${lines[5]}"
	[ "${#lines[@]}" -eq 6 ]
	eq "360" "$(sql "SELECT delta FROM ledger WHERE kind = 'earn'")"
}

@test "explain follows the offset, the tier and the rules of the sale's time" {
	new_member 13800000001
	sql "UPDATE member SET tier = 'silver'"
	tea_sale
	points adjust M0000001 +300 --reason x >/dev/null
	run sale add --member M0000001 --receipt R2 --at "2026-11-18 10:00:00" \
	    --use-points 200 TEA1:2
	[ "$status" -eq 0 ]
	# new rules later do not change how R2 is explained
	echo '{ "multipliers": [] }' > plain.json
	points rules load plain.json >/dev/null
	run points explain R2 -o json
	[ "$status" -eq 0 ]
	eq "line 1 TEA1 2 240.00 2.00 tea 528" \
	    "$(echo "$output" | jq -r '.[0] | "\(.kind) \(.line) \(.sku) \(.qty) \(.amount) \(.multiplier) \(.rule) \(.points)"')"
	# 480 x 220/240 x 1.2 = 528
	eq "earn 220.00 1.20 silver 528" \
	    "$(echo "$output" | jq -r '.[1] | "\(.kind) \(.amount) \(.multiplier) \(.rule) \(.points)"')"
	eq "offset -200" "$(echo "$output" | jq -r '.[2] | "\(.kind) \(.points)"')"
	eq "528" "$(sql "SELECT points_earned FROM sale WHERE receipt = 'R2'")"
}

@test "explain of a sale without a member shows the lines earning nothing" {
	tea_sale
	sale add --receipt R3 --at "2026-11-18 10:00:00" CUP1:1 >/dev/null
	run points explain R3
	[ "$status" -eq 0 ]
	eq "line,1,CUP1,1,80.00,1.00,,0," "${lines[1]}"
	eq "earn,,,,80.00,1.00,,0," "${lines[2]}"
}

@test "explain of an unknown receipt is refused" {
	empty_book
	run points explain NOPE
	[ "$status" -eq 1 ]
	[[ "$output" == *'no receipt "NOPE"'* ]]
	run points explain
	[ "$status" -eq 64 ]
}

@test "explain lists the reversal of a returned receipt" {
	new_member 13800000001
	tea_sale
	sale add --member M0000001 --receipt R4 --at "2026-11-18 10:00:00" CUP1:1 >/dev/null
	sale return R4 >/dev/null
	run points explain R4
	[ "$status" -eq 0 ]
	eq "reverse,,,,,,return,-180,M0000001" "${lines[4]}"
	eq "0" "$(sql "SELECT balance FROM member")"
	invariants
}

@test "rules show prints the version in force and its settings" {
	empty_book
	run points rules
	[ "$status" -eq 0 ]
	eq "setting,value" "${lines[0]}"
	eq "version,1" "${lines[1]}"
	eq "effective,0001-01-01 00:00:00" "${lines[2]}"
	[[ "$output" == *'multiplier weekend,"x1.50 days sat,sun"'* ]]
	[[ "$output" == *'tier silver,"from 2000 points, x1.20"'* ]]
	[[ "$output" == *'activity share,"50 points, at most 1 a day"'* ]]
	run points rules show -o json
	[ "$status" -eq 0 ]
	eq "earn=1 per 1.00" "$(echo "$output" | jq -r '.[] | select(.setting == "earn") | "earn=\(.value)"')"
}

@test "rules export prints the document in force, and it loads back" {
	empty_book
	run points rules export
	[ "$status" -eq 0 ]
	diff <(echo "$output" | jq -S .) <(jq -S . "$TOP/share/rules.json")
	points rules export > r.json
	run points rules load r.json
	[ "$status" -eq 0 ]
	eq "version,effective" "${lines[0]}"
	eq "2,2026-11-18 10:00:00" "${lines[1]}"
}

@test "rules load versions a document effective now" {
	new_member 13800000001
	echo '{ "earn": { "points": 2 } }' > r.json
	run points rules load r.json
	[ "$status" -eq 0 ]
	eq "2,2026-11-18 10:00:00" "${lines[1]}"
	run points rules
	[[ "$output" == *"earn,2 per 1.00"* ]]
	eq "2" "$(sql "SELECT max(version) FROM rules")"
	eq '{ "earn": { "points": 2 } }' "$(points rules export)"
	# an earlier sale keeps version 1
	stock add --sku CUP1 --name Cup --price 80.00 >/dev/null
	sale add --member M0000001 --receipt OLD --at "2026-11-17 10:00:00" CUP1:1 >/dev/null
	JIFEN_NOW="2026-11-18 11:00:00" sale add --member M0000001 --receipt NEW CUP1:1 >/dev/null
	eq "1|80 2|160" "$(sql "SELECT rules_version || '|' || points_earned FROM sale ORDER BY id" | paste -sd ' ')"
}

@test "rules load --at schedules a version" {
	echo '{ "stacking": "multiply" }' > r.json
	run points rules load r.json --at "2026-12-01 00:00:00"
	[ "$status" -eq 0 ]
	eq "2,2026-12-01 00:00:00" "${lines[1]}"
	run points rules
	eq "version,1" "${lines[1]}"
	JIFEN_NOW="2026-12-01 00:00:00" run points rules
	eq "version,2" "${lines[1]}"
	[[ "$output" == *"stacking,multiply"* ]]
}

@test "rules load refuses a bad document with its JSON path, changing nothing" {
	new_member 13800000001
	echo '{ "multipliers": [ { "name": "w", "factor": "x" } ] }' > bad.json
	before=$(snapshot)
	run points rules load bad.json
	[ "$status" -eq 65 ]
	eq 'points: bad.json: multipliers[0].factor: not a decimal: "x"' "$output"
	echo '{ "tiers": [ { "name": "a", "min_points": 5, "factor": "1" } ] }' > bad.json
	run points rules load bad.json
	[ "$status" -eq 65 ]
	eq 'points: bad.json: tiers[0].min_points: the first tier must start at 0' "$output"
	echo '{ "colour": "red" }' > bad.json
	run points rules load bad.json
	[ "$status" -eq 65 ]
	eq 'points: bad.json: colour: unknown key' "$output"
	echo '{ "earn": ' > bad.json
	run points rules load bad.json
	[ "$status" -eq 65 ]
	[[ "$output" == "points: bad.json:2: column 0: "* ]]
	eq "$before" "$(snapshot)"
}

@test "rules load reads stdin, needs a file, and is for managers" {
	run bash -c 'echo "{}" | points rules load -'
	[ "$status" -eq 0 ]
	run points rules load missing.json
	[ "$status" -eq 66 ]
	run points rules load
	[ "$status" -eq 64 ]
	run points rules reload x
	[ "$status" -eq 64 ]
	staff
	echo '{}' > r.json
	run as tester points rules load r.json
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs a manager"* ]]
	run as tester points rules show
	[ "$status" -eq 0 ]
	run as mgr points rules load r.json
	[ "$status" -eq 0 ]
	eq "3" "$(sql "SELECT max(version) FROM rules")"
}

@test "rules load --dry-run stores nothing" {
	echo '{}' > r.json
	run points rules load r.json -n
	[ "$status" -eq 0 ]
	eq "1" "$(sql "SELECT count(*) FROM rules")"
}

@test "the ledger keeps its invariants across a day of work" {
	new_member 13800000001
	new_member 13800000002
	give M0000001 500 2024-06-01
	give M0000002 80 2026-11-01
	stock add --sku CUP1 --name Cup --price 80.00 >/dev/null
	sale add --member M0000001 --receipt S1 CUP1:3 >/dev/null
	sale add --member M0000002 --receipt S2 CUP1:1 >/dev/null
	points adjust M0000002 -100 --reason x >/dev/null
	sale return S2 >/dev/null
	points award M0000001 --kind share >/dev/null
	invariants
	eq "-20|20" "$(sql "SELECT balance || '|' || debt FROM member WHERE code = 'M0000002'")"
	run points adjust M0000002 -1 --reason x
	[ "$status" -eq 1 ]
	points adjust M0000002 +100 --reason x >/dev/null
	eq "80|0" "$(sql "SELECT balance || '|' || debt FROM member WHERE code = 'M0000002'")"
	invariants
}

# Issue 17.
bats_require_minimum_version 1.5.0


@test "points adjust - adjusts every member of a stream (member list | points adjust -)" {
	member add --phone 13700000001 >/dev/null
	member add --phone 13700000002 >/dev/null
	run --separate-stderr sh -c 'member list -o csv | points adjust - +10 --reason 店庆'
	[ "$status" -eq 0 ]
	eq "member,kind,delta,rule,reason,balance" "${lines[0]}"
	eq "M0000002,adjust,10,,店庆,10" "${lines[2]}"
	eq "10 10" "$(sql "SELECT balance FROM member ORDER BY id" | paste -sd ' ')"
	# a refusal is reported with its row; the others are kept
	run --separate-stderr sh -c 'printf "code\nM0000001\nM0000003\n" | points adjust - -4 --reason x'
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'points: stdin:3: code: no member "M0000003"'* ]]
	eq "6 10" "$(sql "SELECT balance FROM member ORDER BY id" | paste -sd ' ')"
}

@test "points rules load: a NUL byte is bad data (65) naming the file" {
	empty_book
	printf '{"earn": {"points": 1,\0 "per_amount": "1.00"}}\n' >r.json
	run --separate-stderr points rules load r.json
	[ "$status" -eq 65 ]
	eq "points: r.json: a NUL byte in the document (byte 23)" "$stderr"
}

@test "points balance to a full disk exits 70 naming stdout" {
	member add --phone 13700000001 >/dev/null
	run --separate-stderr sh -c 'points balance M0000001 >/dev/full'
	[ "$status" -eq 70 ]
	eq "points: stdout: No space left on device" "$stderr"
	run --separate-stderr sh -c 'points adjust M0000001 +5 --reason x >/dev/full'
	[ "$status" -eq 70 ]
	eq 0 "$(sql 'SELECT balance FROM member')"
}
