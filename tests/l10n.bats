#!/usr/bin/env bats
# l10n: the tools in Chinese.  po/zh_CN.po translates every message the
# code marks (a fresh extraction, held to the catalog as msgmerge would
# merge it), msgfmt --check passes it, and under LANG=zh_CN.UTF-8 the
# tools speak Chinese: messages, --help, a table's header and titles,
# the HTML page; while CSV and JSON, which scripts read, keep their
# English column names and keys, byte for byte as in the C locale.
#
# helper.bash points JIFEN_LOCALEDIR at the build's catalogs and sets
# LC_MESSAGES=C for every suite; zh runs a tool as a Chinese shop would.

load helper
load fixtures
bats_require_minimum_version 1.5.0

# zh TOOL ARGS...: TOOL under LANG=zh_CN.UTF-8, nothing overriding it.
zh() {
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$@"
}

# The locale the zh tests need: share/deps.sh makes it.
need_zh() {
	if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\{0,1\}8'; then
		echo "no zh_CN.UTF-8 locale: run share/deps.sh as root" >&2
		return 1
	fi
}

# A tea shop's morning: a member, a product short of stock, a sale.
shop() {
	member add --phone 13800000001 --name 张三 >/dev/null
	stock add --sku TEA01 --name 龙井 --category 茶叶 --price 120 \
	    --cost 60 --reorder 5 >/dev/null
	stock receive --sku TEA01 --qty 6 --cost 60 --ref PO1 \
	    --at "2026-11-18 09:00:00" >/dev/null
	sale add --member M0000001 --receipt R1 TEA01:2 >/dev/null
}

# --- the catalog ------------------------------------------------------

@test "po/zh_CN.po translates every message a fresh extraction finds, none fuzzy" {
	local t=$BATS_TEST_TMPDIR

	run sh "$TOP/po/xgettext.sh" "$t/jifen.pot"
	[ "$status" -eq 0 ]
	grep -q '^msgid "' "$t/jifen.pot"
	run msgmerge --quiet -o "$t/merged.po" "$TOP/po/zh_CN.po" "$t/jifen.pot"
	[ "$status" -eq 0 ]
	run msgattrib --untranslated --no-obsolete "$t/merged.po"
	[ "$status" -eq 0 ]
	if [ -n "$output" ]; then
		echo "untranslated in po/zh_CN.po (make pot; translate them):" >&2
		echo "$output" | grep '^msgid\|^msgctxt' >&2
		return 1
	fi
	run msgattrib --only-fuzzy --no-obsolete "$t/merged.po"
	[ "$status" -eq 0 ]
	if [ -n "$output" ]; then
		echo "fuzzy in po/zh_CN.po against the code's messages:" >&2
		echo "$output" | grep '^msgid\|^msgctxt\|^#|' >&2
		return 1
	fi
}

@test "msgfmt --check passes po/zh_CN.po: formats, headers, newlines" {
	run msgfmt --check --statistics -o "$BATS_TEST_TMPDIR/zh.mo" \
	    "$TOP/po/zh_CN.po"
	[ "$status" -eq 0 ]
	[[ "$output" == *"translated messages."* ]]
	[[ "$output" != *"untranslated"* && "$output" != *fuzzy* ]]
}

@test "the build's catalog is where JIFEN_LOCALEDIR points the tests" {
	[ -f "$JIFEN_LOCALEDIR/zh_CN/LC_MESSAGES/jifen.mo" ]
	need_zh
	# elsewhere, no catalog: the tools speak English, whatever LANG says
	JIFEN_LOCALEDIR=$BATS_TEST_TMPDIR run --separate-stderr zh member bogus
	[ "$status" -eq 64 ]
	eq "member: unknown command \"bogus\"" "${stderr_lines[0]}"
}

# --- messages -----------------------------------------------------------

@test "a usage error in Chinese: one line and where to read more" {
	need_zh
	run --separate-stderr zh member bogus
	[ "$status" -eq 64 ]
	[ -z "$output" ]
	eq 'member: 未知的命令 "bogus"' "${stderr_lines[0]}"
	eq "请试试 'member --help'" "${stderr_lines[1]}"
	run --separate-stderr zh member add --phone
	[ "$status" -eq 64 ]
	eq "member: --phone: 未知的选项，或缺少选项的值" "${stderr_lines[0]}"
	eq "请试试 'member add --help'" "${stderr_lines[1]}"
	run --separate-stderr zh member show
	[ "$status" -eq 64 ]
	eq "member: show 需要指定一位会员" "${stderr_lines[0]}"
	[ ! -e "$JIFEN_DB" ]
}

@test "a member not found is said in Chinese, with the same exit status" {
	need_zh
	shop
	run --separate-stderr member show M0000009
	local c=$status
	[ "$c" -ne 0 ]
	eq 'member: no member "M0000009"' "$stderr"
	run --separate-stderr zh member show M0000009
	[ "$status" -eq "$c" ]
	[ -z "$output" ]
	eq 'member: 没有会员 "M0000009"' "$stderr"
	run --separate-stderr zh report daily -d "$BATS_TEST_TMPDIR/nowhere.db"
	[ "$status" -eq 66 ]
	[[ "$stderr" == "report: $BATS_TEST_TMPDIR/nowhere.db: 这里没有账本"* ]]
}

@test "member add --help in Chinese; option names and the synopsis as typed" {
	need_zh
	run --separate-stderr zh member add --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == *"member add --phone P [--code C] [--name N]"* ]]
	eq "添加会员并打印会员资料" "${lines[3]}"
	[[ "$output" == *$'\n      --phone P '*' 手机号'$'\n'* ]]
	[[ "$output" == *$'\n      --joined DATE '*' 入会日期（默认今天）'$'\n'* ]]
	[[ "$output" == *$'\n'"通用选项: 见 'member --help'" ]]
	run zh member operator add --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--role cashier|manager|admin"*"操作员的角色"* ]]
}

@test "TOOL --help in Chinese: 用法 and 通用 lead the lines, the rest aligned under them" {
	need_zh
	run --separate-stderr zh member --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "用法： member add --phone P "* ]]
	# a continuation starts under "member": 用法： is 6 columns wide
	[[ "${lines[1]}" == "                  [--birthday"* ]]
	[[ "$output" == *$'\n'"       member update "* ]]
	[[ "$output" == *$'\n'"通用： [-d PATH] [-o table|csv|tsv|json|jsonl] "* ]]
	run --separate-stderr zh member add --help
	[[ "${lines[0]}" == "用法： member add --phone P "* ]]
}

@test "a PIN refused in Chinese names the operator as 操作员" {
	need_zh
	staff
	run --separate-stderr zh member --operator nobody list
	[ "$status" -eq 77 ]
	[[ "$stderr" == *'操作员 "nobody"'* ]]
	[[ "$stderr" != *'operator "nobody"'* ]]
}

@test "member --help in Chinese lists the same synopses as in English" {
	need_zh
	# the synopses are the interface: words as typed, whatever the label
	words() {
		tr -s ' \n' '  ' |
		    sed 's/^[^ ]* //; s/ [^ ]*\(:\|：\) \[-d PATH\]/ [-d PATH]/'
	}
	run --separate-stderr member --help
	[ "$status" -eq 0 ]
	local c=$(words <<<"$output")
	run --separate-stderr zh member --help
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	eq "$c" "$(words <<<"$output")"
	[[ "$c" == "member add --phone P "*"member operator remove NAME "* ]]
}

# --- what a report shows ------------------------------------------------

@test "report daily -o table: title, headers and metrics in Chinese" {
	need_zh
	shop
	run --separate-stderr zh report daily -o table
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	eq "营业日报 2026-11-18（全部门店）" "${lines[0]}"
	[[ "${lines[1]}" =~ ^项目\ +数值$ ]]
	[[ "$output" =~ $'\n'小票数\ +1$'\n' ]]
	[[ "$output" =~ $'\n'实收\ +240\.00$'\n' ]]
	[[ "$output" == *$'\n畅销商品\n'* ]]
	[[ "$output" =~ $'\n'商品编码\ +品名\ +数量\ +销售额$'\n'TEA01\ +龙井\ +2\ +240\.00 ]]
	[[ "$output" == *$'\n库存不足与负库存\n'* ]]
	[[ "$output" =~ $'\n'门店\ +商品编码\ +品名\ +库存\ +补货点\ +状态$'\n' ]]
	[[ "$output" != *metric* && "$output" != *receipts* ]]
	# values the tools take stay as they are typed
	[[ "$output" =~ main\ +TEA01\ +龙井\ +4\ +5\ +low ]]
}

@test "report daily -o html: the page's title, headings and headers in Chinese" {
	need_zh
	shop
	run --separate-stderr zh report daily -o html
	[ "$status" -eq 0 ]
	[[ "$output" == *'<html lang="zh-CN">'* ]]
	[[ "$output" == *"<title>营业日报 2026-11-18</title>"* ]]
	[[ "$output" == *"<h2>概要</h2>"* ]]
	[[ "$output" == *"<tr><th>项目</th><th>数值</th></tr>"* ]]
	[[ "$output" == *"<td>实收</td>"* ]]
	[[ "$output" == *"<th>商品编码</th><th>品名</th>"* ]]
	[[ "$output" != *"<th>sku</th>"* && "$output" != *"Summary"* ]]
}

@test "CSV and JSON keep their English names, byte for byte as in the C locale" {
	need_zh
	shop
	local cmd f
	while read -r cmd; do
		for f in csv json jsonl; do
			run --separate-stderr $cmd -o $f
			[ "$status" -eq 0 ] || { echo "$cmd -o $f: $stderr" >&2; return 1; }
			local c=$output
			run --separate-stderr zh $cmd -o $f
			[ "$status" -eq 0 ]
			eq "$c" "$output" || { echo "differs: $cmd -o $f" >&2; return 1; }
		done
	done <<-'EOF'
	report daily
	report sales --by product
	report points
	report stock
	member list
	stock list
	sale list
	points history M0000001
	EOF
	run zh report daily -o csv
	eq "metric,value" "${lines[0]}"
	eq "receipts,1" "${lines[1]}"
	run zh member list -o csv
	eq "code,phone,name,email,birthday,joined,referrer,tier,status,balance" \
	    "${lines[0]}"
	run zh report daily -o json
	[ "$(jq -r '.summary.paid, .top_products[0].sku' <<<"$output")" = \
	    $'240.00\nTEA01' ]
}

@test "member list -o table: a member's name is 姓名, a product's 品名" {
	member add --phone 13800000001 --name 王小明 >/dev/null
	stock add --sku TEA --name 龙井 --price 100 >/dev/null
	run zh member list -o table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 会员号*姓名* ]]
	[[ "${lines[0]}" != *品名* ]]
	run zh member list -o csv
	eq "code,phone,name,email,birthday,joined,referrer,tier,status,balance" "${lines[0]}"
}
