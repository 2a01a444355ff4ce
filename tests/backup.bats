#!/usr/bin/env bats
# backup: jifen backup and restore (issue 11): a copy of the book taken
# while it is in use, that a tool can read and put back.

load helper
load fixtures
bats_require_minimum_version 1.5.0

day() {
	stock add --sku TEA --name Tea --price 120 >/dev/null
	member add --phone 13800000001 --name Ann >/dev/null
	sale add --member M0000001 --receipt R1 TEA:1 >/dev/null
}

@test "jifen backup FILE: a book of its own, 0600, that report audit passes" {
	skip_pg "a backup file"
	day
	run jifen backup copy.db
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	eq 600 "$(stat -c %a copy.db)"
	run env JIFEN_DB=copy.db report audit
	[ "$status" -eq 0 ]
	eq "$(sql "SELECT code, balance FROM member")" \
	    "$(JIFEN_DB=copy.db member list -o csv --unmask | sed 1d | cut -d, -f1,10 | tr , '|')"
	# on the record: a backup is a read of every customer's data
	[[ "$(sql "SELECT args FROM audit ORDER BY id DESC LIMIT 1")" == '["jifen","backup","copy.db"]' ]]
}

@test "jifen backup - writes the book to a pipe, never to a terminal" {
	skip_pg "a backup file"
	day
	jifen backup - | cat >piped.db
	eq 1 "$(sqlite3 piped.db "SELECT count(*) FROM sale")"
	run env JIFEN_DB=piped.db report audit
	[ "$status" -eq 0 ]
	run script -qec "jifen backup" /dev/null
	[[ "$output" == *"backup - to a terminal"* ]] || skip "no script(1)"
}

@test "jifen backup refuses the book's own files and a book that is not there" {
	skip_pg "the book's own files"
	run --separate-stderr jifen backup b.db
	[ "$status" -eq 66 ]
	[[ "$stderr" == *"no book here"* ]]
	[ ! -e "$JIFEN_DB" ]
	[ ! -e b.db ]
	day
	before=$(snapshot)
	for f in "$JIFEN_DB" "$JIFEN_DB-wal"; do
		run --separate-stderr jifen backup "$f"
		[ "$status" -eq 64 ]
		[[ "$stderr" == *"name another file"* ]]
	done
	eq "$before" "$(snapshot)"
	run jifen backup -n b.db
	[ "$status" -eq 0 ]
	[ ! -e b.db ]
}

@test "jifen restore puts a backup back: what came after is gone, the restore is on record" {
	skip_pg "a backup file"
	day
	jifen backup monday.db
	member add --phone 13800000002 >/dev/null
	sale add --member M0000002 --receipt R2 TEA:2 >/dev/null
	run jifen restore monday.db
	[ "$status" -eq 0 ]
	eq 1 "$(sql "SELECT count(*) FROM member")"
	eq R1 "$(sql "SELECT group_concat(receipt) FROM sale")"
	[[ "$(sql "SELECT args FROM audit ORDER BY id DESC LIMIT 1")" == '["jifen","restore","monday.db"]' ]]
	run report audit
	[ "$status" -eq 0 ]
	# from a pipe too
	member add --phone 13800000003 >/dev/null
	jifen backup - | jifen restore -
	eq 2 "$(sql "SELECT count(*) FROM member")"
}

@test "jifen restore refuses what is not a book, leaving the book as it was" {
	skip_pg "a backup file"
	day
	before=$(snapshot)
	printf 'phone\n13800000001\n' >members.csv
	run --separate-stderr jifen restore members.csv
	[ "$status" -eq 65 ]
	eq "jifen: members.csv: not a jifen book" "$stderr"
	sqlite3 other.db "CREATE TABLE t (x)"
	run jifen restore other.db
	[ "$status" -eq 65 ]
	jifen backup newer.db
	sqlite3 newer.db "PRAGMA user_version = 99"
	run --separate-stderr jifen restore newer.db
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"made by a newer jifen (schema 99)"* ]]
	run --separate-stderr jifen restore missing.db
	[ "$status" -eq 66 ]
	eq "$before" "$(snapshot)"
}

@test "jifen restore is an admin's once staff are registered" {
	skip_pg "a backup file"
	day
	jifen backup monday.db
	staff
	before=$(snapshot)
	run as tester jifen restore monday.db
	[[ "$output" == *"needs an admin"* ]]
	[ "$status" -eq 77 ]
	eq "$before" "$(snapshot)"
}

@test "a PostgreSQL book: backup and restore refuse, naming pg_dump and pg_restore" {
	on_pg || skip "a PostgreSQL book's"
	day
	before=$(sql "SELECT code, balance FROM member ORDER BY code;
	    SELECT receipt FROM sale ORDER BY receipt")
	run --separate-stderr jifen backup copy.db
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"a PostgreSQL book is backed up with pg_dump"* ]]
	[ ! -e copy.db ]
	run --separate-stderr jifen backup -
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"with pg_dump"* ]]
	[ -z "$output" ]
	printf 'not a book\n' >monday.db
	run --separate-stderr jifen restore monday.db
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"a PostgreSQL book is restored with pg_restore"* ]]
	run --separate-stderr jifen restore - <monday.db
	[ "$status" -eq 64 ]
	[[ "$stderr" == *"with pg_restore"* ]]
	# an admin's, even to be told so
	staff
	run as tester jifen restore monday.db
	[ "$status" -eq 77 ]
	[[ "$output" == *"needs an admin"* ]]
	eq "$before" "$(sql "SELECT code, balance FROM member ORDER BY code;
	    SELECT receipt FROM sale ORDER BY receipt")"
}
