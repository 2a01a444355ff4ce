#!/usr/bin/env bats
# usage: what every tool says about how it is called comes from one
# table per subcommand (lib/opts.h): TOOL -h is the man page's SYNOPSIS
# word for word, TOOL SUB --help has a line per option, and a usage
# error is one line and a pointer to that help.

load helper
bats_require_minimum_version 1.5.0

TOOLS="member stock sale points redeem expire report jifen"

@test "TOOL -h is its man page's SYNOPSIS, word for word" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	for t in $TOOLS; do
		usage=$("$t" -h | sed '/^$/q' | tr -s ' \n' '\n\n' |
		    grep -v -e '^usage:$' -e '^common:$' -e '^$')
		man=$(mandoc -Tutf8 "$TOP/share/man/man1/$t.1" | col -b |
		    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' |
		    tr -s ' \t\n' '\n\n\n' |
		    grep -v -e '^Common$' -e '^options:$' -e '^$')
		[ "$usage" = "$man" ] || {
			echo "$t: -h and SYNOPSIS differ:"
			diff <(echo "$usage") <(echo "$man")
			return 1
		}
	done
}

@test "TOOL SUB --help: its synopsis, what it does, a line per option; no book" {
	for t in $TOOLS; do
		while IFS= read -r s; do
			run --separate-stderr $t $s --help
			[ "$status" -eq 0 ] || { echo "$t $s: $status"; return 1; }
			[ -z "$stderr" ]
			line=$(echo "$t $s" | sed 's/ *$//')
			[[ "${lines[0]}" == "usage: $line"* ]] ||
			    { echo "$t $s: ${lines[0]}"; return 1; }
			[ -n "${lines[1]}" ]		# what it does
			# every option the synopsis shows has its line
			for o in $(printf '%s\n' "${lines[@]}" |
			    awk 'NR > 1 && !/^ +[-[]/ { exit } { print }' |
			    grep -o -e '--[a-z-]*' -e '\[-[a-z]' | tr -d '['); do
				printf '%s\n' "${lines[@]}" |
				    grep -q -e "^  $o[ ,]" -e "^  -., $o " \
				    -e "^      $o " ||
				    { echo "$t $s: no line for $o"; return 1; }
			done
		done < <(subs "$t")
	done
	[ ! -e "$JIFEN_DB" ]
}

@test "a usage error is one line, then where to read more; exit 64" {
	for t in $TOOLS; do
		while IFS= read -r s; do
			run --separate-stderr $t $s --bogus
			[ "$status" -eq 64 ]
			[ -z "$output" ]
			line=$(echo "$t $s" | sed 's/ *$//')
			eq "$t: --bogus: unknown option, or its value is missing
try '$line --help'" "$stderr"
		done < <(subs "$t")
	done
	run --separate-stderr redeem gift M0000001
	eq "redeem: gift needs ID SKU
try 'redeem gift --help'" "$stderr"
	run --separate-stderr redeem quote M0000001
	eq "redeem: quote needs --amount
try 'redeem quote --help'" "$stderr"
	run --separate-stderr redeem catalog --qty 2
	eq "redeem: --qty: option not allowed here
try 'redeem catalog --help'" "$stderr"
	run --separate-stderr expire now
	eq "expire: unknown command \"now\"
try 'expire --help'" "$stderr"
	[ ! -e "$JIFEN_DB" ]
}

@test "options may follow the operands; -- ends them" {
	stock add --sku GIFT --name Gift --price 10 --gift-points 100 >/dev/null
	stock receive --sku GIFT --qty 3 --cost 1 >/dev/null
	member add --phone 13800000001 >/dev/null
	points adjust M0000001 +500 --reason gift >/dev/null
	run redeem gift M0000001 GIFT --qty 2 -o json
	[ "$status" -eq 0 ]
	eq 200 "$(jq -r .points <<<"$output")"
	run redeem gift -o json -- M0000001 GIFT
	[ "$status" -eq 0 ]
	eq 100 "$(jq -r .points <<<"$output")"
}
