# Loaded by the suites that share them (after helper.bash): the fixtures
# of the points book, one meaning each.

# new_member PHONE [NAME [EMAIL]]: a member who joined on $JOINED
# (a suite sets it; 2024-01-01 by default), booked at 09:00 that day.
new_member() {
	local day=${JOINED:-2024-01-01}

	JIFEN_NOW="$day 09:00:00" member add --phone "$1" --joined "$day" \
	    ${2:+--name "$2"} ${3:+--email "$3"} >/dev/null
}

# give ID N DAY: N points to the member by adjustment, on DAY at 09:00.
give() {
	JIFEN_NOW="$3 09:00:00" points adjust "$1" "+$2" --reason test >/dev/null
}

# staff: boss (admin), mgr (manager) and tester (a cashier: the suites
# run as tester, JIFEN_OPERATOR in helper.bash), each with a PIN (pin_of).
# Once they exist, acting as one of them takes its PIN: see as.
staff() {
	hire boss admin boss
	hire mgr manager boss
	hire tester cashier boss
}

# snapshot: every table of the book but the audit log (a suite that
# sets SNAPSHOT_AUDIT=1 gets that too), row by row: what a refused
# command must leave as it was.
snapshot() {
	local t q="SELECT name FROM sqlite_master WHERE type = 'table'
	    AND name NOT LIKE 'sqlite_%' ORDER BY name"

	if on_pg; then
		q="SELECT tablename FROM pg_tables WHERE schemaname = 'public'
		    ORDER BY tablename"
	fi
	for t in $(sql "$q"); do
		[ "$t" != audit ] || [ -n "${SNAPSHOT_AUDIT:-}" ] || continue
		echo "== $t"
		sql "SELECT * FROM \"$t\""
	done
}

# invariants: the book's sums straight from the database, mid-test
# (report audit checks them all again after every test).
invariants() {
	run sql "SELECT count(*) FROM member m
	    WHERE m.balance <> (SELECT coalesce(sum(delta), 0) FROM ledger
	        WHERE member_id = m.id)
	    OR m.balance <> (SELECT coalesce(sum(remaining), 0) FROM lot
	        WHERE member_id = m.id) - m.debt"
	eq 0 "$output"
	run sql "SELECT count(*) FROM lot WHERE remaining < 0 OR remaining > amount"
	eq 0 "$output"
	run sql "SELECT CASE WHEN (SELECT coalesce(sum(delta), 0) FROM ledger) =
	    (SELECT coalesce(sum(balance), 0) FROM member) THEN 1 ELSE 0 END"
	eq 1 "$output"
	# no lot past its last valid day keeps points once expire ran for the day
	run sql "SELECT count(*) FROM lot WHERE remaining > 0 AND expires_on <
	    (SELECT max(day) FROM expire_run)"
	eq 0 "$output"
	run sql "SELECT count(*) FROM product p WHERE coalesce((SELECT sum(on_hand)
	    FROM stock WHERE product_id = p.id), 0) <>
	    coalesce((SELECT sum(qty) FROM move WHERE product_id = p.id), 0)"
	eq 0 "$output"
}

# kill_import PID N: once the book holds N sales, the import PID (still
# running: it must not have ended) killed with -9, mid-way.
kill_import() {
	local n st=0

	for _ in $(seq 1 1200); do
		n=$(sql "SELECT count(*) FROM sale" 2>/dev/null || echo 0)
		[ "${n:-0}" -ge "$2" ] && break
		sleep 0.05
	done
	kill -0 "$1"			# still running
	kill -9 "$1"
	wait "$1" || st=$?
	eq 137 "$st"			# killed, not ended
}
