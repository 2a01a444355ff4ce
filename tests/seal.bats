#!/usr/bin/env bats
# seal: members' personal data encrypted at rest (issue 11).  A sealed
# book keeps phones, names, emails and birthdays encrypted under a key
# kept outside it; a stolen file without the key shows none of them.

load helper
load fixtures
bats_require_minimum_version 1.5.0

# a shop's day: two members, a sale found by phone, points to spend
day() {
	stock add --sku TEA --name Tea --price 120 >/dev/null
	member add --phone 13912345678 --name 王小明 --email wxm@example.cn \
	    --birthday 1990-11-02 >/dev/null
	member add --phone 13687654321 --name Alice --email alice@example.org \
	    >/dev/null
	sale add --member 13912345678 --receipt R1 TEA:2 >/dev/null
}

# seal: the book sealed with a new key file at ./key, kept for the rest
# of the test (and report audit after it)
seal() {
	export JIFEN_KEY_FILE=$BATS_TEST_TMPDIR/key
	jifen seal 2>/dev/null
}

# the bytes of the book, its WAL checkpointed into it first (on
# PostgreSQL, all it holds as pg_dump writes it out)
bytes() {
	if on_pg; then
		pg_dump "$JIFEN_DB"
		return
	fi
	sqlite3 "$JIFEN_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	cat "$JIFEN_DB" "$JIFEN_DB-wal" 2>/dev/null
}

@test "jifen seal: a stolen book without its key shows no phone, name or email" {
	day
	export JIFEN_KEY_FILE=$BATS_TEST_TMPDIR/key
	run --separate-stderr jifen seal
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"made key file $JIFEN_KEY_FILE: keep a copy apart"* ]]
	eq 600 "$(stat -c %a key)"
	[[ "$(cat key)" =~ ^[0-9a-f]{64}$ ]]
	# (the audit log keeps phones masked, 139****5678, as in any book)
	for s in 13912345678 13687654321 王小明 Alice wxm@example.cn \
	    alice@example.org 1990-11-02; do
		if bytes | grep -aq -- "$s"; then
			echo "\"$s\" is in the sealed book" >&2
			return 1
		fi
	done
	# a thief's copy, opened without the key: refused, nothing shown (on
	# PostgreSQL, the book itself: a copy is the same database)
	stolen=stolen.db
	if on_pg; then stolen=$JIFEN_DB; else cp "$JIFEN_DB" stolen.db; fi
	unset JIFEN_KEY_FILE
	for cmd in "member list" "member show M0000001" "report daily" \
	    "expire remind -n"; do
		run --separate-stderr env JIFEN_DB="$stolen" $cmd
		[ "$status" -eq 77 ]
		eq "${cmd%% *}: $stolen is sealed: set JIFEN_KEY_FILE to its key file" "$stderr"
		[ -z "$output" ]
	done
	export JIFEN_KEY_FILE=$BATS_TEST_TMPDIR/key
}

@test "with its key a sealed book works as before: lookups by phone, lists, exports" {
	day
	seal
	run member show 13912345678 -o csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"M0000001,13912345678,王小明,wxm@example.cn,1990-11-02,"* ]]
	run sale add --member 13687654321 --receipt R2 TEA:1 -o csv
	[ "$status" -eq 0 ]
	eq 2 "$(sql "SELECT member_id FROM sale WHERE receipt = 'R2'")"
	run member list --query 小明 -o csv
	[ "$status" -eq 0 ]
	eq 2 "${#lines[@]}"
	[[ "${lines[1]}" == M0000001,* ]]
	run member list --query ALICE@ -o csv
	[[ "${lines[1]}" == M0000002,* ]]
	eq 2 "${#lines[@]}"
	run member list --birthday-month 11 -o csv
	eq 2 "${#lines[@]}"
	# a phone is unique by its blind index, as in a book not sealed
	run member add --phone 13912345678
	[ "$status" -eq 1 ]
	[[ "$output" == *"phone 13912345678 belongs to a member already"* ]]
	# the register round-trips, whole, through export and import
	member export --unmask > all.csv
	[[ "$(cat all.csv)" == *"M0000001,13912345678,王小明,wxm@example.cn,1990-11-02,"* ]]
	printf 'phone,name\n13500000003,Li Lei\n' | member import -q
	run member show 13500000003 -o csv
	[[ "$output" == *"M0000003,13500000003,Li Lei,"* ]]
	! bytes | grep -aq "Li Lei"
	member update M0000003 --phone 13500000004 --name "Li Lei Jr" >/dev/null
	run member show 13500000004 -o csv
	[[ "$output" == *"Li Lei Jr"* ]]
	run member show 13500000003
	[ "$status" -eq 1 ]
	run report leaderboard -o csv
	[[ "$output" == *"M0000001,王小明,"* ]]
}

@test "a sealed book's reminders, and a forgotten member, as before" {
	day
	seal
	run expire remind --days 36500 -o csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"M0000001,王小明,13912345678,wxm@example.cn,"* ]]
	member forget M0000002 >/dev/null
	eq "||||" "$(sql "SELECT phone, phone_ix, name, email, birthday FROM member WHERE code = 'M0000002'")"
}

@test "the key file must be the user's own, mode 600, and this book's key" {
	day
	seal
	chmod 644 key
	run --separate-stderr member list
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"key file $JIFEN_KEY_FILE: others may read it (mode 644): it must be yours, mode 600 (chmod 600 $JIFEN_KEY_FILE)"* ]]
	chmod 600 key
	# another book's key
	JIFEN_DB=other.db member add --phone 13000000001 >/dev/null
	JIFEN_DB=other.db JIFEN_KEY_FILE=$PWD/key2 jifen seal 2>/dev/null
	run --separate-stderr env JIFEN_KEY_FILE="$PWD/key2" member list
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"key file $PWD/key2: not the key of $JIFEN_DB" ]]
	printf 'not a key\n' > bad; chmod 600 bad
	run --separate-stderr env JIFEN_KEY_FILE="$PWD/bad" member list
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"not a key (64 hex digits, as jifen seal makes)" ]]
	run --separate-stderr env JIFEN_KEY_FILE="$PWD/none" member list
	[ "$status" -eq 77 ]
	[[ "$stderr" == *"key file $PWD/none: No such file or directory" ]]
}

@test "a sealed field moved behind the tools' back does not open" {
	day
	seal
	SKIP_AUDIT=1
	sql "UPDATE member SET email = name WHERE code = 'M0000001'"
	run --separate-stderr member show M0000001
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"a member's email does not open with the book's key"* ]]
}

@test "jifen unseal opens the book for good; seal and unseal are an admin's" {
	day
	staff
	export JIFEN_KEY_FILE=$BATS_TEST_TMPDIR/key
	run --separate-stderr as mgr jifen seal
	[ "$status" -eq 77 ]
	[ ! -e key ]
	eq 0 "$(sql "SELECT count(*) FROM seal")"
	as boss jifen seal 2>/dev/null
	eq 1 "$(sql "SELECT count(*) FROM seal")"
	run --separate-stderr as boss jifen seal
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"is sealed already" ]]
	# a dry run changes nothing
	as boss jifen unseal -n
	eq 1 "$(sql "SELECT count(*) FROM seal")"
	as boss jifen unseal
	eq 0 "$(sql "SELECT count(*) FROM seal")"
	eq "13912345678|13912345678|王小明" \
	    "$(sql "SELECT phone, phone_ix, name FROM member WHERE code = 'M0000001'")"
	unset JIFEN_KEY_FILE
	run as tester member show 13912345678 -o csv
	[ "$status" -eq 0 ]
	run jifen seal
	[ "$status" -eq 64 ]
	[[ "$output" == *"set JIFEN_KEY_FILE to the key file"* ]]
}

@test "a sealed book's backup is sealed, and restores with its key" {
	skip_pg "a backup file"
	day
	seal
	jifen backup copy.db
	! grep -aq 13912345678 copy.db
	run env JIFEN_DB=copy.db JIFEN_KEY_FILE= member list
	[ "$status" -eq 77 ]
	run env JIFEN_DB=copy.db member show 13912345678 -o csv
	[ "$status" -eq 0 ]
	[[ "$output" == *"王小明"* ]]
}

# the entries of index member_phone_ix (SQLite's dbstat; PostgreSQL has
# no count of an index's entries to read, so there it is the rows the
# index's predicate takes)
ix_entries() {
	if on_pg; then
		sql "SELECT count(*) FROM member WHERE phone_ix <> phone"
		return
	fi
	sql "SELECT coalesce(sum(ncell), 0) FROM dbstat
	    WHERE name = 'member_phone_ix' AND pagetype = 'leaf'"
}

@test "a phone is unique and found sealed or not; member_phone_ix holds only sealed keys" {
	day
	eq 0 "$(ix_entries)"
	run --separate-stderr member add --phone 139-1234-5678 --name 又一个
	[ "$status" -eq 1 ]
	eq "member: phone 13912345678 belongs to a member already" "$stderr"
	seal
	eq 2 "$(ix_entries)"
	run --separate-stderr member add --phone '+86 13912345678'
	[ "$status" -eq 1 ]
	eq "member: phone 13912345678 belongs to a member already" "$stderr"
	printf 'code,phone\nX1,13687654321\n' > dup.csv
	run --separate-stderr member import dup.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"dup.csv:2: phone: phone 13687654321 belongs to another member"* ]]
	eq 2 "$(sql "SELECT count(*) FROM member")"
	run points balance 13687654321 -o csv
	[ "$status" -eq 0 ]
	jifen unseal 2>/dev/null
	eq 0 "$(ix_entries)"
	run --separate-stderr member add --phone 13687654321
	[ "$status" -eq 1 ]
	eq M0000002 "$(member show 13687654321 -o csv | sed -n '2s/,.*//p')"
}

@test "a book of schema 11 takes step 12: member_phone_ix keeps only sealed keys" {
	day
	if on_pg; then
		sql "DROP INDEX member_phone_ix;
		    CREATE UNIQUE INDEX member_phone_ix ON member(phone_ix);
		    UPDATE jf_schema SET version = 11" >/dev/null
	else
		sql "DROP INDEX member_phone_ix;
		    CREATE UNIQUE INDEX member_phone_ix ON member(phone_ix);
		    PRAGMA user_version = 11"
		eq 2 "$(ix_entries)"
	fi
	run member show 13912345678 -o csv
	[ "$status" -eq 0 ]
	[[ "$output" == *M0000001* ]]
	if on_pg; then
		eq "$SCHEMA" "$(sql "SELECT max(version) FROM jf_schema")"
		[[ "$(sql "SELECT indexdef FROM pg_indexes
		    WHERE indexname = 'member_phone_ix'")" == *WHERE* ]]
	else
		eq "$SCHEMA" "$(sql "PRAGMA user_version")"
		eq 0 "$(ix_entries)"
	fi
	run --separate-stderr member add --phone 13912345678
	[ "$status" -eq 1 ]
	report audit
}
