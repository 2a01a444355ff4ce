#!/usr/bin/env bats
# front: jifen TOOL [ARG ...] runs the tool, git-style (issue 12), so an
# install may keep the seven tools out of PATH in libexec/jifen.

load helper
bats_require_minimum_version 1.5.0

@test "jifen TOOL runs the tool with its arguments: the same output, the same book" {
	jifen member add --phone 13800000001 --name Ann >/dev/null
	eq M0000001 "$(sql "SELECT code FROM member")"
	eq "$(member list -o csv)" "$(jifen member list -o csv)"
	eq "$(report daily -o json)" "$(jifen report daily -o json)"
	# the tool is who the audit log names
	eq member "$(sql "SELECT tool FROM audit ORDER BY id LIMIT 1")"
	# an exit status is the tool's
	run jifen member show M0000009
	[ "$status" -eq 1 ]
}

@test "jifen: common options before TOOL go to it" {
	jifen -d other.db member add --phone 13800000002 >/dev/null
	eq M0000001 "$(sqlite3 other.db "SELECT code FROM member")"
	[ ! -e "$JIFEN_DB" ]
	eq "$(member -d other.db list -o csv)" \
	    "$(jifen -d other.db -o csv member list)"
	run --separate-stderr jifen --store east -d other.db report -h
	[ "$status" -eq 0 ]
	[[ "$output" == "usage: report "* ]]
}

@test "jifen: the tools from \$JIFEN_EXEC_PATH; one that cannot run is 127" {
	mkdir -p tools
	printf '#!/bin/sh\necho "fake report: $*"\n' > tools/report
	chmod +x tools/report
	run env JIFEN_EXEC_PATH="$PWD/tools" jifen -d x.db report daily --date 2026-11-18
	[ "$status" -eq 0 ]
	eq "fake report: -d x.db daily --date 2026-11-18" "$output"
	run -127 --separate-stderr env JIFEN_EXEC_PATH="$PWD/tools" jifen member list
	[ "$status" -eq 127 ]
	eq "jifen: $PWD/tools/member: No such file or directory" "$stderr"
}

@test "jifen -h names TOOL; an unknown one is a usage error" {
	run jifen -h
	[[ "$output" == *"       jifen TOOL [ARG ...]"* ]]
	run --separate-stderr jifen repot daily
	[ "$status" -eq 64 ]
	eq "jifen: unknown command \"repot\"
try 'jifen --help'" "$stderr"
}
