#!/usr/bin/env bats
# completion: each tool's bash, zsh and fish completion, driven in the
# real shell on a small book the tools made: bash through COMP_WORDS and
# COMPREPLY, zsh in a zpty with compadd captured (tests/zsh-complete.zsh),
# fish by complete -C.  A shell that is not installed skips its tests.
# What is checked is what a user sees: the candidates, the book -d or
# $JIFEN_DB names, nothing for a missing or sealed book, and the same
# options as TOOL SUB --help.

load helper
bats_require_minimum_version 1.5.0

TOOLS="member stock sale points redeem expire report jifen"

local_setup() {
	SKIP_AUDIT=1
	# the book $JIFEN_DB names: two members, a sale, two redemptions
	# (one cancelled), two products
	member add --phone 13800000001 --name 张三 >/dev/null
	member add --phone 13800000002 --name 'Li Si' >/dev/null
	stock add --sku TEA --name 'Green tea' --price 10 >/dev/null
	stock add --sku MUG --name Mug --price 5 --gift-points 100 >/dev/null
	stock receive --sku TEA --qty 5 --cost 1 >/dev/null
	stock receive --sku MUG --qty 5 --cost 1 >/dev/null
	sale add --member M0000001 TEA:2 >/dev/null
	points adjust M0000001 +500 --reason gift >/dev/null
	redeem gift M0000001 MUG >/dev/null
	redeem gift M0000001 MUG >/dev/null
	redeem cancel R0000002 >/dev/null
	# another book, named by -d only
	member -d other.db add --phone 13900000009 --code OTHER9 \
	    --name 'Wang Wu' >/dev/null
	stock -d other.db add --sku PEN --name Pen --price 2 >/dev/null
}

need() {
	command -v "$1" >/dev/null || skip "$1 not installed"
}

# comp SHELL LINE: the candidates SHELL offers for LINE, the cursor at
# its end, one a line: "word<TAB>description" (bash shows none).
comp() {
	case $1 in
	bash)
		bash --norc --noprofile -c '
		    t=${1%% *}
		    . "$2/completions/bash/$t" || exit 2
		    read -ra COMP_WORDS <<<"$1"
		    [[ $1 == *" " ]] && COMP_WORDS+=("")
		    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		    COMP_LINE=$1 COMP_POINT=${#1}
		    "_$t"
		    printf "%s\n" "${COMPREPLY[@]}"' _ "$2" "$TOP" ;;
	zsh)
		zsh -f "$TOP/tests/zsh-complete.zsh" "$TOP/completions/zsh" "$2" |
		    sed 's/ -- /\t/' ;;
	fish)
		fish --no-config -c '
		    set fish_complete_path $argv[2]/completions/fish $fish_complete_path
		    set fish_function_path $argv[2]/completions/fish $fish_function_path
		    complete -C $argv[1]' "$2" "$TOP" ;;
	esac
}

# words SHELL LINE: the candidates' words, sorted, one a line; not "-",
# which update and adjust offer for a CSV stream on stdin.
words() {
	comp "$@" | cut -f1 | sed '/^-\{0,1\}$/d' | LC_ALL=C sort -u
}

check_members() {
	need "$1"
	# a member by its code, the name beside it where the shell shows it;
	# no phone, masked or whole
	for line in 'member show ' 'member forget ' 'member update ' \
	    'points balance ' 'points history ' 'points adjust ' \
	    'redeem quote ' 'redeem gift '; do
		eq "M0000001
M0000002" "$(words "$1" "$line")" || { echo "$1: $line"; return 1; }
	done
	eq "M0000001
M0000002" "$(words "$1" 'sale list --member ')"
	run comp "$1" 'member show M'
	[[ "$output" != *138* ]]
	if [ "$1" != bash ]; then
		[[ "$output" == *"M0000001	张三"* ]]
		[[ "$output" == *"M0000002	Li Si"* ]]
	fi
}

check_others() {
	need "$1"
	# a receipt for return, show and explain; SKUs for stock; gifts for
	# redeem gift; the redemption not yet cancelled for cancel
	r=main-20261118-0001
	eq "$r" "$(words "$1" 'sale return ')"
	eq "$r" "$(words "$1" 'sale show ')"
	eq "$r" "$(words "$1" 'points explain ')"
	eq "MUG
TEA" "$(words "$1" 'stock update ')"
	eq "MUG
TEA" "$(words "$1" 'stock moves --sku ')"
	eq "MUG" "$(words "$1" 'redeem gift M0000001 ')"
	eq "R0000001" "$(words "$1" 'redeem cancel ')"
	# after "-" (the stream's form) no member, gift or SKU follows
	eq "" "$(words "$1" 'redeem gift - ' | grep -v '^-')"
	eq "" "$(words "$1" 'sale add - ' | grep -v '^-')"
	eq "" "$(words "$1" 'points balance - ' | grep -v '^-')"
	if [ "$1" != zsh ]; then
		comp "$1" 'redeem gift -' | cut -f1 | grep -qx -- -
		comp "$1" 'sale add -' | cut -f1 | grep -qx -- -
	fi
	if [ "$1" != bash ]; then
		[[ "$(comp "$1" 'stock update T')" == "TEA	Green tea"* ]]
	fi
}

check_book() {
	need "$1"
	# -d (or --db) on the line names the book, before the command or
	# after it; else $JIFEN_DB's
	eq OTHER9 "$(words "$1" 'member -d other.db show ')"
	eq OTHER9 "$(words "$1" 'member show -d other.db ')"
	eq OTHER9 "$(words "$1" 'points --db other.db balance ')"
	eq PEN "$(words "$1" 'stock -d other.db update ')"
	eq OTHER9 "$(words "$1" 'jifen -d other.db member show ')"
	eq "M0000001
M0000002" "$(words "$1" 'jifen member show ')"
	JIFEN_DB=$BATS_TEST_TMPDIR/other.db
	eq OTHER9 "$(words "$1" 'member show ')"
}

check_before() {
	need "$1"
	# the form the man pages use: common options before the command
	run words "$1" 'member -d other.db list --'
	[[ "$output" == *--tier* && "$output" == *--segment* ]]
	run words "$1" 'member -q -o csv list --'
	[[ "$output" == *--unmask* ]]
	run words "$1" 'stock -d other.db -q receive --'
	[[ "$output" == *--supplier* && "$output" == *--encoding* ]]
	run words "$1" 'report -o csv sales --by '
	[[ "$output" == *month* ]]
	run words "$1" 'sale -q '
	[[ "$output" == *return* ]]
}

check_quiet() {
	need "$1"
	# a missing book, a sealed one without its key: nothing offered,
	# nothing said, and no book made
	run --separate-stderr comp "$1" 'member -d nowhere.db show '
	eq "" "$output"
	eq "" "$stderr"
	[ ! -e nowhere.db ]
	export JIFEN_KEY_FILE=$BATS_TEST_TMPDIR/key
	jifen seal 2>/dev/null
	unset JIFEN_KEY_FILE
	run --separate-stderr comp "$1" 'member show '
	eq "" "$output"
	eq "" "$stderr"
	run --separate-stderr comp "$1" 'sale return '
	eq "" "$output"
	eq "" "$stderr"
}

# help_options TOOL SUB: the options TOOL SUB --help and TOOL's common
# line name, both forms of those that have two, sorted.
help_options() {
	{
		$1 $2 --help | awk 'NR > 2' |
		    grep -o -e '^  -., --[a-z-]*' -e '^      --[a-z-]*' |
		    grep -o -e '-[a-z]' -e '--[a-z-]*'
		$1 --help | sed -n '/^common:/,$p' | grep -o -e '\[-[a-z-]*' |
		    tr -d '['
	} | sed 's/^-d$/-d\n--db/; s/^-o$/-o\n--format/; s/^-n$/-n\n--dry-run/;
	    s/^-q$/-q\n--quiet/; s/^-h$/-h\n--help/' | LC_ALL=C sort -u
}

check_options() {
	need "$1"
	for t in $TOOLS; do
		while IFS= read -r s; do
			want=$(help_options "$t" "$s")
			got=$(words "$1" "$t ${s:+$s }-" | grep '^-')
			[ "$want" = "$got" ] || {
				echo "$1: $t $s: completion and --help differ:"
				diff <(echo "$want") <(echo "$got")
				return 1
			}
		done < <(subs "$t")
	done
}

@test "bash: members by code for show, update, forget, balance, history, adjust" { check_members bash; }
@test "zsh: members by code, their names beside, for show, update, forget, balance, history, adjust" { check_members zsh; }
@test "fish: members by code, their names beside, for show, update, forget, balance, history, adjust" { check_members fish; }
@test "bash: receipts, SKUs, gifts and open redemptions where they are taken" { check_others bash; }
@test "zsh: receipts, SKUs, gifts and open redemptions where they are taken" { check_others zsh; }
@test "fish: receipts, SKUs, gifts and open redemptions where they are taken" { check_others fish; }
@test "bash: the book -d names, before or after the command, else \$JIFEN_DB's" { check_book bash; }
@test "zsh: the book -d names, before or after the command, else \$JIFEN_DB's" { check_book zsh; }
@test "fish: the book -d names, before or after the command, else \$JIFEN_DB's" { check_book fish; }
@test "bash: common options before the command, as the man pages write them" { check_before bash; }
@test "zsh: common options before the command, as the man pages write them" { check_before zsh; }
@test "fish: common options before the command, as the man pages write them" { check_before fish; }
@test "bash: a missing or sealed book offers nothing and says nothing" { check_quiet bash; }
@test "zsh: a missing or sealed book offers nothing and says nothing" { check_quiet zsh; }
@test "fish: a missing or sealed book offers nothing and says nothing" { check_quiet fish; }
@test "bash: every option TOOL SUB --help lists is offered, and no other" { check_options bash; }
@test "zsh: every option TOOL SUB --help lists is offered, and no other" { check_options zsh; }
@test "fish: every option TOOL SUB --help lists is offered, and no other" { check_options fish; }

check_stock_show() {
	need "$1"
	# stock show SKU: the SKUs of the book the line names, the product's
	# name beside where the shell shows it; its options are the common ones
	eq "MUG
TEA" "$(words "$1" 'stock show ')"
	eq PEN "$(words "$1" 'stock -d other.db show ')"
	eq PEN "$(words "$1" 'stock show -d other.db ')"
	eq "MUG
TEA" "$(words "$1" 'jifen stock show ')"
	if [ "$1" != bash ]; then
		[[ "$(comp "$1" 'stock show T')" == "TEA	Green tea"* ]]
	fi
	run words "$1" 'stock show --'
	[[ "$output" == *--store* && "$output" != *--sku* ]]
	run words "$1" 'stock '
	[[ "$output" == *show* ]]
}

@test "bash: stock show completes SKUs from the book the line names" { check_stock_show bash; }
@test "zsh: stock show completes SKUs, their names beside, from the book the line names" { check_stock_show zsh; }
@test "fish: stock show completes SKUs, their names beside, from the book the line names" { check_stock_show fish; }
