#!/usr/bin/env bats
# expire: letting lapsed points go, and reminding members whose points
# are about to.  Today is 2026-11-18 (helper.bash); with 24 months of
# validity, points gained on 2024-11-17 were valid through 2026-11-17 and
# lapse today, those gained on 2024-11-18 are valid through today.

load helper
load fixtures
JOINED=2024-06-01	# new_member's day

# Three members: one with lapsed and live lots, one all lapsed, one live.
three() {
	new_member 13800000001 张三 zhang@example.com
	new_member 13800000002
	new_member 13800000003
	give M0000001 300 2024-10-15
	give M0000001 200 2024-11-17
	give M0000001 1000 2024-11-18
	give M0000002 50 2024-06-01
	give M0000003 100 2025-01-01
}

need_sale() {
	[ -x "$BIN/sale" ] || skip "the sale tool is not built"
}

@test "expire -h prints the usage; a bad option or operand is a usage error" {
	run expire -h
	[ "$status" -eq 0 ]
	eq "usage: expire [--date D] [--holds] [-n]" "${lines[0]}"
	run expire remind --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"expire remind [--days N] [--template F] [--again] [-n]"* ]]
	run expire --version
	[[ "$output" == "expire (jifen) "* ]]
	run expire now
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown command "now"'* ]]
	run expire --days 3
	[ "$status" -eq 64 ]
	run expire remind --date 2026-11-18
	[ "$status" -eq 64 ]
	run expire remind extra
	[ "$status" -eq 64 ]
	run expire --bogus
	[ "$status" -eq 64 ]
}

@test "expire books one entry per member for the lapsed lots" {
	three
	run expire
	[ "$status" -eq 0 ]
	# in the order the members' lots lapsed
	eq "member,points,expired_on
M0000002,50,2026-11-18
M0000001,500,2026-11-18" "$output"
	eq "M0000001|-500
M0000002|-50" "$(sql "SELECT m.code, l.delta FROM ledger l
	    JOIN member m ON m.id = l.member_id WHERE l.kind = 'expire'
	    ORDER BY m.code")"
	eq "1000|0|100" "$(sql "SELECT balance FROM member ORDER BY code" |
	    paste -sd '|')"
	# the lot valid through today keeps its points
	eq "2026-10-15|0
2026-11-17|0
2026-11-18|1000" "$(sql "SELECT expires_on, remaining FROM lot
	    WHERE member_id = 1 ORDER BY expires_on")"
	invariants
}

@test "expire is idempotent: the second run prints no rows and changes nothing" {
	three
	expire >/dev/null
	before=$(snapshot)
	run expire
	[ "$status" -eq 0 ]
	eq "member,points,expired_on" "$output"
	eq "$before" "$(snapshot)"
	run expire -o jsonl
	eq "" "$output"
}

@test "expire -n prints the same rows and writes nothing" {
	three
	before=$(snapshot)
	run --separate-stderr expire -n
	[ "$status" -eq 0 ]
	eq "member,points,expired_on
M0000002,50,2026-11-18
M0000001,500,2026-11-18" "$output"
	eq "expire: dry run: nothing was booked" "$stderr"
	run --separate-stderr expire --dry-run -o json
	eq '[
{"member":"M0000002","points":50,"expired_on":"2026-11-18"},
{"member":"M0000001","points":500,"expired_on":"2026-11-18"}
]' "$output"
	eq "$before" "$(snapshot)"
	run expire
	eq 3 "${#lines[@]}"
}

@test "expire --date D expires the lots whose last valid day is before D" {
	three
	run expire --date 2026-11-17
	[ "$status" -eq 0 ]
	eq "member,points,expired_on
M0000002,50,2026-11-17
M0000001,300,2026-11-17" "$output"
	eq 200 "$(sql "SELECT remaining FROM lot WHERE expires_on = '2026-11-17'")"
	run expire
	eq "M0000001,200,2026-11-18" "${lines[1]}"
	eq 2 "${#lines[@]}"
	invariants
}

@test "expire --date after today is refused, but may be looked at with -n" {
	three
	before=$(snapshot)
	run expire --date 2026-11-19
	[ "$status" -eq 1 ]
	[[ "$output" == "expire: --date 2026-11-19 is after today (2026-11-18)"* ]]
	run --separate-stderr expire --date 2026-11-19 -n
	[ "$status" -eq 0 ]
	eq "member,points,expired_on
M0000002,50,2026-11-19
M0000001,1500,2026-11-19" "$output"
	eq "$before" "$(snapshot)"
	run expire --date 2026-02-30
	[ "$status" -eq 64 ]
	[[ "$output" == *'not a date (2026-11-21, 2026/11/21, 2026年11月21日, today or yesterday): "2026-02-30"'* ]]
}

@test "expire: a partly spent lot expires only its remainder" {
	new_member 13800000001
	give M0000001 500 2024-10-15
	give M0000001 400 2025-03-01
	JIFEN_NOW="2026-06-01 12:00:00" points adjust M0000001 -200 --reason spent >/dev/null
	eq "300
400" "$(sql "SELECT remaining FROM lot ORDER BY expires_on")"
	run expire
	eq "member,points,expired_on
M0000001,300,2026-11-18" "$output"
	eq 400 "$(sql "SELECT balance FROM member")"
	eq -300 "$(sql "SELECT delta FROM ledger WHERE kind = 'expire'")"
	invariants
}

@test "expire: two runs started at once expire the points once" {
	three
	export JIFEN_BUSY_MS=120000
	(if expire >out.1 2>&1; then echo 0; else echo $?; fi >rc.1) &
	(if expire >out.2 2>&1; then echo 0; else echo $?; fi >rc.2) &
	wait
	eq "0 0" "$(cat rc.1) $(cat rc.2)"
	eq 2 "$(sql "SELECT count(*) FROM ledger WHERE kind = 'expire'")"
	eq -550 "$(sql "SELECT sum(delta) FROM ledger WHERE kind = 'expire'")"
	# one run printed the two members, the other nothing
	eq 4 "$(cat out.1 out.2 | wc -l)"
	invariants
}

@test "expire: a return gives points back to an expired lot; the next run takes them" {
	need_sale
	new_member 13800000001
	give M0000001 300 2024-11-01		# valid through 2026-11-01
	give M0000001 1000 2025-06-01
	stock add --sku P1 --name Tea --price 300.00 >/dev/null
	JIFEN_NOW="2026-10-20 12:00:00" sale add --member M0000001 \
	    --receipt S1 --use-points 200 P1:1 >/dev/null
	eq 100 "$(sql "SELECT remaining FROM lot WHERE expires_on = '2026-11-01'")"
	run expire
	eq "M0000001,100,2026-11-18" "${lines[1]}"
	sale return S1 >/dev/null
	eq 200 "$(sql "SELECT remaining FROM lot WHERE expires_on = '2026-11-01'")"
	JIFEN_NOW="2026-11-19 01:00:00" run expire
	eq "member,points,expired_on
M0000001,200,2026-11-19" "$output"
	eq 0 "$(sql "SELECT remaining FROM lot WHERE expires_on = '2026-11-01'")"
	invariants
}

@test "expire writes an audit row per run" {
	three
	expire >/dev/null
	eq 1 "$(sql "SELECT count(*) FROM audit WHERE tool = 'expire'")"
	eq '["expire"]' "$(sql "SELECT args FROM audit WHERE tool = 'expire'")"
	eq 2026-11-18 "$(sql "SELECT day FROM expire_run")"
}

# Reminders.  The window is today through today + 30 days (the rules'
# expiry.remind_days): 2026-11-18 .. 2026-12-18.
window() {
	new_member 13800000001 张三 zhang@example.com
	new_member 13800000002
	new_member 13800000003 Frozen
	new_member 13800000004 Later
	give M0000001 50 2024-11-10		# lapsed already: not announced
	give M0000001 100 2024-11-30		# valid through 2026-11-30
	give M0000001 200 2024-12-18		# through 2026-12-18, the window's end
	give M0000001 400 2024-12-19		# through 2026-12-19, outside
	give M0000002 70 2024-12-01
	give M0000003 500 2024-12-01
	give M0000004 900 2025-06-01
	member update M0000003 --status frozen >/dev/null
}

@test "expire remind: one record per member with points about to lapse" {
	window
	run expire remind -o jsonl
	[ "$status" -eq 0 ]
	eq 2 "${#lines[@]}"
	eq "M0000001|张三|13800000001|zhang@example.com|300|2026-11-30" \
	    "$(jq -r '[.member,.name,.phone,.email,.points,.expires_on]|join("|")' <<<"${lines[0]}")"
	eq "张三您好：您的会员卡M0000001有300积分有效期至2026-11-30，过期作废，请尽快使用。Dear 张三, 300 points on your card M0000001 are valid through 2026-11-30; use them before they lapse." \
	    "$(jq -r .message <<<"${lines[0]}")"
	# no name: the message names the code; absent fields are null
	eq "M0000002|null|13800000002|null|70|2026-12-01" \
	    "$(jq -r '[.member,.name,.phone,.email,.points,.expires_on]|map(tostring)|join("|")' <<<"${lines[1]}")"
	[[ "$(jq -r .message <<<"${lines[1]}")" == "M0000002您好："* ]]
	# the lots announced are remembered
	eq "2026-11-30|2026-11-18
2026-12-01|2026-11-18
2026-12-01|-
2026-12-18|2026-11-18" "$(sql "SELECT l.expires_on, coalesce(l.reminded, '-')
	    FROM lot l WHERE l.expires_on BETWEEN '2026-11-18' AND '2026-12-18'
	    ORDER BY l.expires_on, l.member_id")"
	eq 0 "$(sql "SELECT count(*) FROM lot WHERE reminded IS NOT NULL
	    AND expires_on NOT BETWEEN '2026-11-18' AND '2026-12-18'")"
}

@test "expire remind prints phones and emails whole, in CSV too" {
	window
	run expire remind
	[ "$status" -eq 0 ]
	eq "member,name,phone,email,points,expires_on,message" "${lines[0]}"
	[[ "${lines[1]}" == 'M0000001,张三,13800000001,zhang@example.com,300,2026-11-30,"张三您好'* ]]
	[[ "${lines[2]}" == 'M0000002,,13800000002,,70,2026-12-01,"M0000002您好'* ]]
}

@test "expire remind announces each lot once, unless --again" {
	window
	expire remind >/dev/null
	before=$(snapshot)
	run expire remind
	[ "$status" -eq 0 ]
	eq "member,name,phone,email,points,expires_on,message" "$output"
	eq "$before" "$(snapshot)"
	run expire remind --again -o jsonl
	eq 2 "${#lines[@]}"
	eq 300 "$(jq -r .points <<<"${lines[0]}")"
	# tomorrow the lot valid through 2026-12-19 enters the window, alone
	JIFEN_NOW="2026-11-19 08:00:00" run expire remind -o jsonl
	eq 1 "${#lines[@]}"
	eq "M0000001|400|2026-12-19" "$(jq -r '[.member,.points,.expires_on]|map(tostring)|join("|")' <<<"$output")"
	JIFEN_NOW="2026-11-19 08:00:00" run expire remind -o jsonl
	eq "" "$output"
	eq 5 "$(sql "SELECT count(*) FROM audit WHERE tool = 'expire'")"
}

@test "expire remind --days N sets the window" {
	window
	run expire remind --days 12 -o jsonl
	eq 1 "${#lines[@]}"
	eq "M0000001|100|2026-11-30" "$(jq -r '[.member,.points,.expires_on]|map(tostring)|join("|")' <<<"$output")"
	eq 1 "$(sql "SELECT count(*) FROM lot WHERE reminded IS NOT NULL")"
	run expire remind --days 0 -o jsonl
	eq "" "$output"
	# the lot announced a moment ago is not counted again
	run expire remind --days 400 -o jsonl
	eq 3 "${#lines[@]}"
	eq "M0000001|600|2026-12-18" "$(jq -r '[.member,.points,.expires_on]|map(tostring)|join("|")' <<<"${lines[0]}")"
	eq "M0000004|900|2027-06-01" "$(jq -r '[.member,.points,.expires_on]|map(tostring)|join("|")' <<<"${lines[2]}")"
	run expire remind --days -1
	[ "$status" -eq 64 ]
	run expire remind --days soon
	[ "$status" -eq 64 ]
}

@test "expire remind -n announces without remembering" {
	window
	before=$(snapshot)
	run --separate-stderr expire remind -n -o jsonl
	[ "$status" -eq 0 ]
	eq 2 "${#lines[@]}"
	eq "expire: dry run: nothing was booked" "$stderr"
	eq "$before" "$(snapshot)"
	eq 0 "$(sql "SELECT count(*) FROM lot WHERE reminded IS NOT NULL")"
	run expire remind -o jsonl
	eq 2 "${#lines[@]}"
}

@test "expire remind skips frozen, closed and forgotten members" {
	window
	member update M0000001 --status closed >/dev/null
	member forget M0000002 >/dev/null
	run expire remind -o jsonl
	[ "$status" -eq 0 ]
	eq "" "$output"
	member update M0000003 --status active >/dev/null
	run expire remind -o jsonl
	eq "M0000003" "$(jq -r .member <<<"$output")"
}

@test "expire remind --template F renders the member's message" {
	window
	cat >t.txt <<-'EOF'
	# a shop's own words

	Hi {name} ({code}): {points} pts until {expires_on} {{ok}} }
	Bye.


	EOF
	run expire remind --template t.txt -o jsonl
	[ "$status" -eq 0 ]
	eq "Hi 张三 (M0000001): 300 pts until 2026-11-30 {ok} }
Bye." "$(jq -r .message <<<"${lines[0]}")"
	eq "Hi M0000002 (M0000002): 70 pts until 2026-12-01 {ok} }
Bye." "$(jq -r .message <<<"${lines[1]}")"
}

@test "expire remind --template: a bad template is refused before anything is written" {
	window
	before=$(snapshot)
	printf '# comment\nHello {nme}, {points}\n' >bad.txt
	run expire remind --template bad.txt
	[ "$status" -eq 65 ]
	eq 'expire: bad.txt:2: unknown placeholder: "{nme}"' "$output"
	printf 'Hello {points\n' >open.txt
	run expire remind --template open.txt
	[ "$status" -eq 65 ]
	eq 'expire: open.txt:1: unknown placeholder: "{points"' "$output"
	printf '# only comments\n\n' >empty.txt
	run expire remind --template empty.txt
	[ "$status" -eq 65 ]
	eq 'expire: empty.txt: the template has no message' "$output"
	printf 'Hi \377 {name}\n' >latin.txt
	run expire remind --template latin.txt
	[ "$status" -eq 65 ]
	eq 'expire: latin.txt: invalid UTF-8' "$output"
	head -c 5000 /dev/zero | tr '\0' x >big.txt
	run expire remind --template big.txt
	[ "$status" -eq 65 ]
	run expire remind --template missing.txt
	[ "$status" -eq 66 ]
	[[ "$output" == "expire: missing.txt: "* ]]
	eq "$before" "$(snapshot)"
}

@test "expire remind: the built-in template is share/jifen/remind.txt" {
	window
	run expire remind -n -o jsonl
	builtin=$output
	run expire remind -n -o jsonl --template "$TOP/share/jifen/remind.txt"
	eq "$builtin" "$output"
	[ -n "$output" ]
}

@test "expire remind: the database may be named before the command" {
	window
	db=$JIFEN_DB
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/xdg"
	JIFEN_DB= run expire -d "$db" remind --days 12 -o csv
	[ "$status" -eq 0 ]
	eq 2 "${#lines[@]}"
	[[ "${lines[1]}" == M0000001,* ]]
	[ ! -e "$XDG_DATA_HOME/jifen/jifen.db" ]
	eq '["expire","remind","--days","12","-o","csv"]' "$(sql "SELECT args
	    FROM audit WHERE tool = 'expire'")"
}

@test "expire remind feeds a gateway script through a pipe" {
	window
	run bash -c 'expire remind -o jsonl | while read -r l; do
		printf "%s %s\n" "$(jq -r .phone <<<"$l")" "$(jq -r .points <<<"$l")"
	done'
	[ "$status" -eq 0 ]
	eq "13800000001 300
13800000002 70" "$output"
	eq 3 "$(sql "SELECT count(*) FROM lot WHERE reminded = '2026-11-18'")"
}

@test "expire remind leaves lapsed lots to expire, and expire leaves the reminders be" {
	window
	expire remind >/dev/null
	run expire
	eq "M0000001,50,2026-11-18" "${lines[1]}"
	eq 2 "${#lines[@]}"
	eq 3 "$(sql "SELECT count(*) FROM lot WHERE reminded = '2026-11-18'")"
	invariants
}

# Issue 17: the lots are marked only once the reminders are out.
bats_require_minimum_version 1.5.0


@test "expire remind to a full disk (70) announces nothing; the next run does" {
	window
	run --separate-stderr sh -c 'expire remind >/dev/full'
	[ "$status" -eq 70 ]
	eq "expire: stdout: No space left on device" "$stderr"
	eq 0 "$(sql 'SELECT count(*) FROM lot WHERE reminded IS NOT NULL')"
	run expire remind -o jsonl
	eq 2 "${#lines[@]}"
	eq 3 "$(sql 'SELECT count(*) FROM lot WHERE reminded IS NOT NULL')"
}

@test "expire remind to a reader that has gone (141) announces nothing" {
	window
	run closed_pipe DEFAULT expire remind
	[ "$status" -eq 141 ]
	eq 0 "$(sql 'SELECT count(*) FROM lot WHERE reminded IS NOT NULL')"
	run --separate-stderr closed_pipe IGNORE expire remind
	[ "$status" -eq 141 ]
	eq "" "$stderr"
	eq 0 "$(sql 'SELECT count(*) FROM lot WHERE reminded IS NOT NULL')"
}

@test "expire to a full disk (70) expires nothing" {
	window
	before=$(snapshot)
	run --separate-stderr sh -c 'expire >/dev/full'
	[ "$status" -eq 70 ]
	eq "expire: stdout: No space left on device" "$stderr"
	eq "$before" "$(snapshot)"
}
