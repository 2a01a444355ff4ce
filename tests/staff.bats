#!/usr/bin/env bats
# staff: operators proven, not claimed (issue 11, DESIGN.md sections 2
# and 6).  The suites run as root with JIFEN_OPERATOR=tester; staff
# (fixtures.bash) registers boss (admin), mgr (manager) and tester
# (cashier) with their PINs (pin_of), and as signs in by PIN on fd 3.

load helper
load fixtures
bats_require_minimum_version 1.5.0

local_setup() {
	new_member 13800000001
}

# refusals WHO WHY: the audit rows that record a refusal of WHO for WHY.
refusals() {
	sql "SELECT count(*) FROM audit WHERE operator = '$1' AND refused = '$2'"
}

# detached CMD...: CMD with no terminal at all, so no PIN can be asked.
detached() {
	setsid -w "$@" </dev/null
}

@test "a cashier cannot act as a manager by any route; every try is in the audit log" {
	staff
	# the --operator flag, with no PIN
	run --separate-stderr detached points --operator mgr adjust M0000001 \
	    +5000 --reason x
	[ "$status" -eq 77 ]
	[[ "$stderr" == *'operator "mgr" is not the login name: its PIN is needed'* ]]
	eq 1 "$(refusals mgr 'no PIN for operator')"
	# $JIFEN_OPERATOR, with no PIN
	JIFEN_OPERATOR=mgr run detached points adjust M0000001 +5000 --reason x
	[ "$status" -eq 77 ]
	eq 2 "$(refusals mgr 'no PIN for operator')"
	# a wrong PIN, and a second for it
	SECONDS=0
	run points --operator mgr --pin-fd 3 adjust M0000001 +5000 --reason x \
	    3<<<"0000"
	[ "$status" -eq 77 ]
	[ "$SECONDS" -ge 1 ]
	[[ "$output" == *'wrong PIN for operator "mgr"'* ]]
	eq 1 "$(refusals mgr 'wrong PIN for operator')"
	# another operator's PIN (the cashier's own) on the fd
	run points --operator mgr --pin-fd 3 adjust M0000001 +5000 --reason x \
	    3<<<"$(pin_of tester)"
	[ "$status" -eq 77 ]
	eq 2 "$(refusals mgr 'wrong PIN for operator')"
	# signed in as the cashier, the cashier's role
	run as tester points adjust M0000001 +5000 --reason x
	[ "$status" -eq 77 ]
	[[ "$output" == *"adjusting points needs a manager"* ]]
	# nothing booked; each refusal row keeps the command it refused
	eq 0 "$(sql 'SELECT count(*) FROM ledger')"
	args=$(sql "SELECT args FROM audit WHERE refused = 'wrong PIN for operator'
	    ORDER BY id LIMIT 1")
	[[ "$args" == '["points","adjust",'*'"M0000001","+5000"]' ]]
	run as tester report audit
	[ "$status" -eq 0 ]
}

@test "a refusal is recorded even on a dry run, and nothing else is booked" {
	staff
	run points --operator boss --pin-fd 3 adjust -n M0000001 +5 --reason x \
	    3<<<"1234"
	[ "$status" -eq 77 ]
	eq 0 "$(sql 'SELECT count(*) FROM ledger')"
	eq 1 "$(refusals boss 'wrong PIN for operator')"
	eq 1 "$(sql "SELECT pin_failures FROM operator WHERE name = 'boss'")"
}

@test "a manager approves by PIN: it works, and the audit row names both" {
	staff
	run as2 tester mgr points adjust M0000001 +200 --reason "lost receipt"
	[ "$status" -eq 0 ]
	eq "M0000001,adjust,200,,lost receipt,200" "${lines[1]}"
	eq "tester|mgr|" "$(sql "SELECT operator, approver, refused FROM audit
	    ORDER BY id DESC LIMIT 1")"
	eq tester "$(sql 'SELECT operator FROM ledger')"
	# a cashier approving is no approval
	run as2 mgr tester points adjust M0000001 +1 --reason x
	[ "$status" -eq 0 ]
	run as2 tester tester points adjust M0000001 +1 --reason x
	[ "$status" -eq 77 ]
	# the approver's PIN wrong: refused, recorded with both names
	run points --operator tester --approve mgr --pin-fd 3 adjust M0000001 \
	    +200 --reason x 3< <(pin_of tester; echo 0000)
	[ "$status" -eq 77 ]
	[[ "$output" == *'wrong PIN for approver "mgr"'* ]]
	eq "tester|mgr|wrong PIN for approver" "$(sql "SELECT operator,
	    approver, refused FROM audit ORDER BY id DESC LIMIT 1")"
	eq 201 "$(sql 'SELECT balance FROM member')"
}

@test "an approver not registered is refused" {
	staff
	run as2 tester nobody points adjust M0000001 +1 --reason x
	[ "$status" -eq 77 ]
	[[ "$output" == *'approver "nobody" is not registered'* ]]
	eq 1 "$(refusals tester 'approver not registered')"
}

@test "five wrong PINs in a row lock the operator; a right one resets the count" {
	staff
	run points --operator mgr --pin-fd 3 adjust M0000001 +1 --reason x \
	    3<<<"0000"
	[ "$status" -eq 77 ]
	eq 1 "$(sql "SELECT pin_failures FROM operator WHERE name = 'mgr'")"
	run as mgr points adjust M0000001 +1 --reason x
	[ "$status" -eq 0 ]
	eq 0 "$(sql "SELECT pin_failures FROM operator WHERE name = 'mgr'")"
	for i in 1 2 3 4 5; do
		run points --operator mgr --pin-fd 3 adjust M0000001 +1 \
		    --reason x 3<<<"000$i"
		[ "$status" -eq 77 ]
	done
	[[ "$output" == *'wrong PIN for operator "mgr": locked'* ]]
	# the right PIN is refused while the lock lasts
	run as mgr points adjust M0000001 +1 --reason x
	[ "$status" -eq 77 ]
	[[ "$output" == *'operator "mgr" is locked after 5 wrong PINs'* ]]
	eq 1 "$(refusals mgr 'operator locked')"
	eq 6 "$(refusals mgr 'wrong PIN for operator')"
	# $JIFEN_NOW does not move the lock: it is the real clock's
	JIFEN_NOW="2030-01-01 10:00:00" run as mgr points adjust M0000001 +1 \
	    --reason x
	[ "$status" -eq 77 ]
	# five minutes on (the lock moved back by hand), the right PIN works
	sql "UPDATE operator SET locked_until = $(($(date +%s) - 1))
	    WHERE name = 'mgr'"
	run as mgr points adjust M0000001 +1 --reason x
	[ "$status" -eq 0 ]
	eq 2 "$(sql 'SELECT balance FROM member')"
}

@test "a PIN is stored as a yescrypt hash, never as itself" {
	staff
	for who in boss mgr tester; do
		h=$(sql "SELECT pin FROM operator WHERE name = '$who'")
		[[ "$h" == '$y$'* ]]
		[[ "$h" != *"$(pin_of "$who")"* ]]
	done
	# salted: the same PIN twice makes two hashes
	member --operator boss --pin-fd 3 operator pin mgr \
	    3< <(pin_of boss; pin_of boss) >/dev/null
	[ "$(sql "SELECT pin FROM operator WHERE name = 'mgr'")" != \
	    "$(sql "SELECT pin FROM operator WHERE name = 'boss'")" ]
	if on_pg; then
		! pg_dump "$JIFEN_DB" | grep -a -q "$(pin_of mgr)"
	else
		! grep -a -q "$(pin_of mgr)" "$JIFEN_DB"
	fi
}

@test "member operator pin: one's own is anyone's, another's an admin's" {
	staff
	run member --operator tester --pin-fd 3 operator pin tester \
	    3< <(pin_of tester; echo 5555)
	[ "$status" -eq 0 ]
	run member --operator tester --pin-fd 3 operator pin mgr \
	    3< <(echo 5555; echo 6666)
	[ "$status" -eq 77 ]
	[[ "$output" == *"setting another operator's PIN needs an admin"* ]]
	run member --operator boss --pin-fd 3 operator pin nobody \
	    3< <(pin_of boss; echo 6666)
	[ "$status" -eq 1 ]
	run --separate-stderr member --operator boss --pin-fd 3 operator pin mgr \
	    3< <(pin_of boss; echo 12)
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"a PIN has 4 to 64 characters"* ]]
	# tester's PIN is now 5555; the old one is wrong
	run sale --operator tester --pin-fd 3 list 3<<<"5555"
	[ "$status" -eq 0 ]
	run sale --operator tester --pin-fd 3 list 3<<<"$(pin_of tester)"
	[ "$status" -eq 77 ]
	# back to the PIN the suite signs in with
	member --operator tester --pin-fd 3 operator pin tester \
	    3< <(echo 5555; pin_of tester) >/dev/null
}

@test "an operator without a PIN acts only under its own login" {
	staff
	member --operator boss --pin-fd 3 operator add lily --role cashier \
	    3<<<"$(pin_of boss)" >/dev/null
	run sale --operator lily --pin-fd 3 list 3<<<"anything"
	[ "$status" -eq 77 ]
	[[ "$output" == *'operator "lily" has no PIN'* ]]
	eq 1 "$(refusals lily 'operator has no PIN')"
}

@test "the login name needs no PIN; \$USER and \$LOGNAME are not read" {
	me=$(id -un)
	staff
	hire "$me" cashier boss
	run env -u JIFEN_OPERATOR points adjust M0000001 +1 --reason x
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs a manager; operator \"$me\" is a cashier"* ]]
	run env -u JIFEN_OPERATOR USER=mgr LOGNAME=mgr points adjust \
	    M0000001 +1 --reason x
	[ "$status" -eq 77 ]
	[[ "$output" == *"operator \"$me\" is a cashier"* ]]
	JIFEN_OPERATOR=$me run detached sale list
	[ "$status" -eq 0 ]
	# not registered, the login is refused like anyone else
	as boss member operator remove "$me"
	run env -u JIFEN_OPERATOR sale list
	[ "$status" -eq 77 ]
	eq 1 "$(refusals "$me" 'operator not registered')"
}

@test "a shop with no operators works as before: no PIN, anyone is anyone" {
	run detached points --operator anyone adjust M0000001 +5 --reason x
	[ "$status" -eq 0 ]
	JIFEN_OPERATOR=boss run detached points adjust M0000001 +5 --reason x
	[ "$status" -eq 0 ]
	eq "anyone boss" "$(sql 'SELECT operator FROM ledger ORDER BY id' | xargs)"
	eq 0 "$(sql 'SELECT count(*) FROM audit WHERE refused IS NOT NULL')"
	# a --pin-fd given is not read while nobody needs to sign in
	run points --operator anyone --pin-fd 0 adjust - +1 --reason x \
	    <<<$'code\nM0000001'
	[ "$status" -eq 0 ]
	eq 11 "$(sql 'SELECT balance FROM member')"
}

@test "--pin-fd: the PINs on their own fd, the rows on stdin" {
	staff
	run points --operator mgr --pin-fd 3 adjust - +3 --reason x \
	    <<<$'code\nM0000001' 3<<<"$(pin_of mgr)"
	[ "$status" -eq 0 ]
	eq 3 "$(sql 'SELECT balance FROM member')"
	run --separate-stderr points --pin-fd 99 list
	[ "$status" -eq 64 ]
	[[ "$stderr" == "points: --pin-fd: not an open file descriptor: \"99\""* ]]
}

@test "the PIN on the terminal, without echo" {
	command -v script >/dev/null || skip "util-linux script not installed"
	staff
	run script -qec "points --operator mgr adjust M0000001 +7 --reason tty" \
	    /dev/null < <(sleep 0.5; pin_of mgr; sleep 2)
	[ "$status" -eq 0 ]
	[[ "$output" == *"PIN for mgr:"* ]]
	[[ "$output" != *"$(pin_of mgr)"* ]]
	eq 7 "$(sql 'SELECT balance FROM member')"
	# a new PIN is asked twice, and must be typed the same both times
	run script -qec "member --operator mgr operator pin mgr" /dev/null \
	    < <(sleep 0.5; pin_of mgr; sleep 0.3; echo 7777; sleep 0.3;
	    echo 7778; sleep 2)
	[ "$status" -eq 64 ]
	[[ "$output" == *"the PINs differ"* ]]
}

@test "member show masks the phone and email to a cashier, not to a manager" {
	member update M0000001 --email ann@example.com >/dev/null
	staff
	run as tester member show M0000001 -o json
	[ "$status" -eq 0 ]
	eq "138****0001|a***@example.com" "$(jq -r '"\(.phone)|\(.email)"' <<<"$output")"
	n=$(sql "SELECT count(*) FROM audit")
	run as mgr member show M0000001 -o json
	eq "13800000001|ann@example.com" "$(jq -r '"\(.phone)|\(.email)"' <<<"$output")"
	run as2 tester mgr member show M0000001 -o json
	eq "13800000001" "$(jq -r .phone <<<"$output")"
	# shown whole, the reads are on the record; masked, not
	eq $((n + 2)) "$(sql "SELECT count(*) FROM audit")"
	eq '["member","show","-o","json","M0000001"]|tester|mgr' \
	    "$(sql "SELECT args, operator, approver FROM audit ORDER BY id DESC LIMIT 1")"
	run as tester member show M0000001
	eq $((n + 2)) "$(sql "SELECT count(*) FROM audit")"
}

@test "expire remind is a manager's, and a dry run of it is on the record too" {
	JIFEN_NOW="2024-11-20 09:00:00" points adjust M0000001 +50 --reason x >/dev/null
	staff
	run as tester expire remind -o csv
	[ "$status" -eq 77 ]
	[[ "$output" != *13800000001* ]]
	n=$(sql "SELECT count(*) FROM audit")
	run as mgr expire remind -n -o csv
	[ "$status" -eq 0 ]
	[[ "$output" == *13800000001* ]]
	eq $((n + 1)) "$(sql "SELECT count(*) FROM audit")"
	eq '["expire","remind","-n","-o","csv"]' \
	    "$(sql "SELECT args FROM audit ORDER BY id DESC LIMIT 1")"
	eq 0 "$(sql "SELECT count(*) FROM lot WHERE reminded IS NOT NULL")"
}

@test "what a role refuses is on the record, as a refusal row of its own" {
	staff
	run --separate-stderr as tester points adjust M0000001 +5000 --reason x
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"needs a manager; operator \"tester\" is a cashier"* ]]
	eq 1 "$(sql "SELECT count(*) FROM audit WHERE operator = 'tester'
	    AND refused LIKE '% needs a manager'")"
	eq 0 "$(sql 'SELECT count(*) FROM ledger WHERE delta = 5000')"
	# a reader's refusal too, and a dry run's
	run as tester member list --unmask
	[ "$status" -eq 77 ]
	run as tester member export --unmask -n
	[ "$status" -eq 77 ]
	eq 2 "$(refusals tester '--unmask needs a manager')"
	[[ "$(sql "SELECT args FROM audit ORDER BY id DESC LIMIT 1")" == '["member","export","--unmask","-n"]' ]]
}

@test "member list and export --unmask are reads on the record, dry run or not" {
	staff
	n=$(sql "SELECT count(*) FROM audit")
	run as mgr member list -o csv
	[ "$status" -eq 0 ]
	[[ "$output" != *13800000001* ]]
	eq "$n" "$(sql "SELECT count(*) FROM audit")"
	run as mgr member list --unmask -o csv
	[[ "$output" == *13800000001* ]]
	run as mgr member export --unmask -n
	[[ "$output" == *13800000001* ]]
	eq $((n + 2)) "$(sql "SELECT count(*) FROM audit")"
	eq '["member","list","--unmask","-o","csv"]|mgr|' \
	    "$(sql "SELECT args, operator, refused FROM audit WHERE id = $((n + 1))")"
}
