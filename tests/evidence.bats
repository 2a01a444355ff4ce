#!/usr/bin/env bats
# evidence: the audit log and the ledger are hash chains (lib/chain.h),
# so a book rewritten behind the tools' back does not pass report audit,
# and the heads report daily prints hold it to its history (issue 11).

load helper
load fixtures
bats_require_minimum_version 1.5.0

# drop_trigger NAME TABLE: the SQL that drops a trigger, in the book's
# engine's terms (PostgreSQL's is its table's).
drop_trigger() {
	if on_pg; then echo "DROP TRIGGER $1 ON $2"; else echo "DROP TRIGGER $1"; fi
}

# refusing_trigger NAME EVENT TABLE MESSAGE: the SQL that puts back a
# trigger refusing EVENT ("BEFORE UPDATE") on TABLE, as the schema makes
# it: SQLite's RAISE(ABORT), PostgreSQL's jf_refuse().
refusing_trigger() {
	if on_pg; then
		echo "CREATE TRIGGER $1 $2 ON $3
		    FOR EACH ROW EXECUTE FUNCTION jf_refuse('$4')"
	else
		echo "CREATE TRIGGER $1 $2 ON $3
		    BEGIN SELECT RAISE(ABORT, '$4'); END"
	fi
}

# A member with a sale's points, an adjustment and a redemption.
day() {
	stock add --sku TEA --name Tea --price 120 >/dev/null
	stock add --sku GIFT --name Gift --price 10 --gift-points 100 >/dev/null
	stock receive --sku GIFT --qty 5 --cost 1 >/dev/null
	member add --phone 13800000001 --name Ann >/dev/null
	sale add --member M0000001 --receipt R1 TEA:1 >/dev/null
	points adjust M0000001 +50 --reason welcome >/dev/null
	redeem gift M0000001 GIFT >/dev/null
}

# sha256 of the text on stdin, in hex.
sha() {
	sha256sum | cut -d' ' -f1
}

# link PREV FIELD...: a row's hash as lib/chain.c makes it: PREV, then
# each field as "\n" LENGTH ":" BYTES ("\n-" for NULL, written "-").
link() {
	local prev=$1 f
	shift
	{
		printf '%s' "$prev"
		for f in "$@"; do
			if [ "$f" = - ]; then printf '\n-'
			else printf '\n%d:%s' "${#f}" "$f"; fi
		done
	} | sha
}

@test "every audit row and ledger entry is a link of its chain; a sound book passes" {
	day
	eq 0 "$(sql "SELECT count(*) FROM audit WHERE hash IS NULL")"
	eq 0 "$(sql "SELECT count(*) FROM ledger WHERE hash IS NULL")"
	# the first audit row, recomputed by hand from its fields
	IFS='|' read -r id at op tool args <<<"$(sql "SELECT id, at, operator,
	    tool, args FROM audit WHERE id = 1")"
	eq "$(link "" "$id" "$at" "$op" "$tool" "$args")" \
	    "$(sql "SELECT hash FROM audit WHERE id = 1")"
	run report audit
	[ "$status" -eq 0 ]
}

@test "the ledger and the audit log refuse updates and deletes" {
	day
	run sql "UPDATE ledger SET delta = 5000 WHERE id = 1"
	[ "$status" -ne 0 ]
	[[ "$output" == *"append-only"* ]]
	run sql "DELETE FROM ledger"
	[ "$status" -ne 0 ]
	run sql "UPDATE audit SET operator = 'boss'"
	[ "$status" -ne 0 ]
}

@test "a forger who drops the triggers, rewrites and deletes, and puts them back, is named" {
	day
	SKIP_AUDIT=1
	# PostgreSQL holds rows to the audit row they name: the forger writes
	# as a replica does, which SQLite's sqlite3 does by default
	lift=""
	if on_pg; then lift="SET session_replication_role = replica;"; fi
	sql "$(drop_trigger audit_append_only_u audit);
	    $(drop_trigger audit_append_only_d audit); $lift
	    UPDATE audit SET operator = 'boss' WHERE id = 2;
	    DELETE FROM audit WHERE id = (SELECT max(id) FROM audit);
	    $(refusing_trigger audit_append_only_u "BEFORE UPDATE" audit \
	    'the audit log is append-only');
	    $(refusing_trigger audit_append_only_d "BEFORE DELETE" audit \
	    'the audit log is append-only');"
	run report audit -o csv
	[ "$status" -eq 1 ]
	[[ "$output" == *$'\n'"audit_chain,audit row 2,"* ]]
	# the deleted row's rows name an audit row that is gone
	[[ "$output" == *$'\n'"audit_row,"* ]]
	[[ "$output" != *"trigger,"* ]]
}

@test "triggers put back that no longer refuse are named" {
	day
	SKIP_AUDIT=1
	if on_pg; then
		sql "DROP TRIGGER ledger_append_only_d ON ledger;
		    CREATE FUNCTION jf_allow() RETURNS trigger LANGUAGE plpgsql
		    AS \$\$ BEGIN RETURN OLD; END \$\$;
		    CREATE TRIGGER ledger_append_only_d BEFORE DELETE ON ledger
		    FOR EACH ROW EXECUTE FUNCTION jf_allow();"
	else
		sql "DROP TRIGGER ledger_append_only_d;
		    CREATE TRIGGER ledger_append_only_d BEFORE DELETE ON ledger
		    BEGIN SELECT 1; END;"
	fi
	run report audit -o csv
	[ "$status" -eq 1 ]
	eq "check,subject,expected,found
trigger,ledger_append_only_d,present,altered" "$output"
}

@test "100,000 points slipped in with their lot and balance, even well chained, are named" {
	day
	SKIP_AUDIT=1
	IFS='|' read -r last prev <<<"$(sql "SELECT id, hash FROM ledger
	    ORDER BY id DESC LIMIT 1")"
	aid=$(sql "SELECT max(id) FROM audit")
	id=$((last + 1))
	at="2026-11-18 10:30:00"
	h=$(link "$prev" "$id" 1 "$at" earn 100000 R1 - - tester - "$aid")
	sql "INSERT INTO ledger (id, member_id, at, kind, delta, ref, operator,
	    audit_id, hash) VALUES ($id, 1, '$at', 'earn', 100000, 'R1',
	    'tester', $aid, '$h');
	    INSERT INTO lot (member_id, entry_id, amount, remaining, gained,
	    expires_on) VALUES (1, $id, 100000, 100000, '2026-11-18',
	    '2028-11-18');
	    UPDATE member SET balance = balance + 100000 WHERE id = 1"
	run report audit -o csv
	[ "$status" -eq 1 ]
	# the chain holds (the forger knew how), the sale does not
	[[ "$output" != *"ledger_chain"* ]]
	[[ "$output" == *$'\n'"earn_sale,M0000001 R1,120,entry $id of 100000"* ]]
}

@test "report daily prints the heads; audit --audit-head holds the book to them" {
	day
	run report daily -o json
	head=$(jq -r .summary.audit_head <<<"$output")
	lhead=$(jq -r .summary.ledger_head <<<"$output")
	[[ "$head" =~ ^[0-9]+:[0-9a-f]{64}$ ]]
	[[ "$lhead" =~ ^[0-9]+:[0-9a-f]{64}$ ]]
	run report audit --audit-head "$head" --ledger-head "$lhead"
	[ "$status" -eq 0 ]
	member add --phone 13800000002 >/dev/null	# history goes on
	run report audit --audit-head "$head" --ledger-head "$lhead"
	[ "$status" -eq 0 ]
	# a forger rewrites row 2 and every hash after it: the chain holds,
	# the head kept from the report does not
	SKIP_AUDIT=1
	n=${head%%:*}
	sql "$(drop_trigger audit_append_only_u audit);
	    UPDATE audit SET operator = 'boss' WHERE id = 2"
	prev=$(sql "SELECT hash FROM audit WHERE id = 1")
	for i in $(seq 2 "$(sql "SELECT max(id) FROM audit")"); do
		IFS='|' read -r id at op tool args <<<"$(sql "SELECT id, at,
		    operator, tool, args FROM audit WHERE id = $i")"
		prev=$(link "$prev" "$id" "$at" "$op" "$tool" "$args")
		sql "UPDATE audit SET hash = '$prev' WHERE id = $i"
	done
	sql "$(refusing_trigger audit_append_only_u "BEFORE UPDATE" audit \
	    'the audit log is append-only');"
	run report audit -o csv
	[ "$status" -eq 0 ]
	run report audit -o csv --audit-head "$head"
	[ "$status" -eq 1 ]
	[[ "$output" == *$'\n'"audit_head,audit row $n,${head#*:},"* ]]
	run --separate-stderr report audit --audit-head 12:nothex
	[ "$status" -eq 64 ]
	[[ "$stderr" == "report: --audit-head: not a head ID:HASH"* ]]
}

@test "a book of schema 2 is given its chains when it is opened" {
	skip_pg "a SQLite book of an older schema, migrated when opened"
	day
	# back to schema 2, as an older jifen left it
	sql "$BACK_TO_9 DROP TRIGGER ledger_append_only_u; DROP TRIGGER ledger_append_only_d;
	    DROP TRIGGER audit_append_only_u; DROP TRIGGER ledger_kind_sign;
	    DROP TRIGGER ledger_kind_fixed_i; DROP TRIGGER ledger_kind_fixed_u;
	    DROP TRIGGER ledger_kind_fixed_d; DROP TABLE ledger_kind;
	    DROP INDEX member_phone_ix; ALTER TABLE member DROP COLUMN phone_ix;
	    ALTER TABLE member DROP COLUMN first_sale;
	    ALTER TABLE move DROP COLUMN value;
	    ALTER TABLE sale_line DROP COLUMN cost;
	    DROP TABLE seal;
	    ALTER TABLE audit DROP COLUMN hash; ALTER TABLE ledger DROP COLUMN hash;
	    ALTER TABLE audit DROP COLUMN approver; ALTER TABLE audit DROP COLUMN refused;
	    ALTER TABLE operator DROP COLUMN pin;
	    ALTER TABLE operator DROP COLUMN pin_failures;
	    ALTER TABLE operator DROP COLUMN locked_until;
	    CREATE TRIGGER audit_append_only_u BEFORE UPDATE ON audit
	    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
	    PRAGMA user_version = 2"
	# the first command to open it updates it, a reader too if it may
	run report audit
	[ "$status" -eq 0 ]
	eq "$SCHEMA" "$(sql "PRAGMA user_version")"
	eq 9 "$(sql "SELECT count(*) FROM ledger_kind")"
	eq 13800000001 "$(sql "SELECT phone_ix FROM member")"
	eq 0 "$(sql "SELECT count(*) FROM ledger WHERE hash IS NULL")"
	eq 0 "$(sql "SELECT count(*) FROM audit WHERE hash IS NULL")"
	points adjust M0000001 +5 --reason later >/dev/null
	run report audit
	[ "$status" -eq 0 ]
}

@test "the kinds of entry and their signs are the book's: a wrong one is refused" {
	day
	id=$(sql "SELECT max(id) FROM audit")
	run sql "INSERT INTO ledger (member_id, at, kind, delta,
	    operator, audit_id) VALUES (1, '2026-11-20 10:00:00', 'earn', -5,
	    'x', $id)"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not a kind of entry, or not its sign"* ]]
	run sql "INSERT INTO ledger (member_id, at, kind, delta,
	    operator, audit_id) VALUES (1, '2026-11-20 10:00:00', 'gift', 5,
	    'x', $id)"
	[ "$status" -ne 0 ]
	run sql "UPDATE ledger_kind SET sign = 1 WHERE kind = 'expire'"
	[ "$status" -ne 0 ]
	[[ "$output" == *"the kinds of entry are fixed"* ]]
	run report audit
	[ "$status" -eq 0 ]
}

@test "report audit: a kind changed behind the tools' back, and an entry it let in" {
	day
	SKIP_AUDIT=1
	id=$(sql "SELECT max(id) FROM audit")
	# the entry's id said: the ledger's are jifen's, PostgreSQL draws none
	sql "$(drop_trigger ledger_kind_fixed_u ledger_kind);
	    $(drop_trigger ledger_kind_sign ledger);
	    UPDATE ledger_kind SET sign = 1 WHERE kind = 'expire';
	    INSERT INTO ledger (id, member_id, at, kind, delta, operator,
	    audit_id) VALUES ((SELECT max(id) + 1 FROM ledger), 1,
	    '2026-11-20 10:00:00', 'expire', 50, 'x', $id)"
	run report audit -o csv
	[ "$status" -eq 1 ]
	[[ "$output" == *"ledger_kind,expire,\"sign -1, earned 0\",\"sign 1, earned 0\""* ]]
	[[ "$output" == *"trigger,ledger_kind_sign,present,missing"* ]]
	[[ "$output" == *"trigger,ledger_kind_fixed_u,present,missing"* ]]
	[[ "$output" == *"entry_sign,M0000001 entry "*",expire < 0,50"* ]]
}

@test "a book of schema 12 takes step 13: the balances by member read ledger_member alone" {
	day
	old="DROP INDEX ledger_member;
	    CREATE INDEX ledger_member ON ledger(member_id, at);"
	if on_pg; then
		sql "$old UPDATE jf_schema SET version = 12" >/dev/null
	else
		sql "$old PRAGMA user_version = 12"
	fi
	run --separate-stderr report audit
	[ "$status" -eq 0 ]
	if on_pg; then
		eq "$SCHEMA" "$(sql "SELECT max(version) FROM jf_schema")"
		[[ "$(sql "SELECT indexdef FROM pg_indexes
		    WHERE indexname = 'ledger_member'")" == *"at, kind, delta)"* ]]
	else
		eq "$SCHEMA" "$(sql "PRAGMA user_version")"
		[[ "$(sql "EXPLAIN QUERY PLAN SELECT member_id, sum(delta)
		    FROM ledger GROUP BY member_id")" == *"COVERING INDEX ledger_member"* ]]
	fi
	eq "$(sql "SELECT sum(delta) FROM ledger")" \
	    "$(points balance M0000001 -o json | jq .balance)"
}

@test "step 13 on a book of 200,000 entries: a statement's journal past memory goes to a file" {
	skip_pg "SQLite's statement journal"
	day
	# entries enough that dropping the index journals some 5 MB
	SKIP_AUDIT=1
	sql "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c
	    WHERE i < 200000) INSERT INTO ledger (member_id, at, kind, delta,
	    operator, audit_id) SELECT 1, '2026-11-18 10:00:00', 'adjust', 1,
	    'test', 1 FROM c;
	    DROP INDEX ledger_member;
	    CREATE INDEX ledger_member ON ledger(member_id, at);
	    PRAGMA user_version = 12"
	run --separate-stderr points balance M0000001
	[ "$status" -eq 0 ]
	eq "$SCHEMA" "$(sql "PRAGMA user_version")"
	eq 4 "$(sql "SELECT count(*) FROM pragma_index_info('ledger_member')")"
}
