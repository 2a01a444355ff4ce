#!/usr/bin/env bats
# day-zh: a Chinese shop's day, in the order README.zh_CN.md's 「店里的一天」
# gives it, under LANG=zh_CN.UTF-8 and from the files a Chinese PC makes:
# the staff, the members' sheet saved as GB18030 with Chinese headers,
# products and a delivery, a sale at the till, the till's GBK export with
# dates as people write them, a balance, a gift, the night's expiry, the
# daily report and the audit, a backup restored.  Each step is checked
# as the owner would: what is said, in Chinese, and what the book holds.

load helper
load fixtures
bats_require_minimum_version 1.5.0

zh() {
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$@"
}

local_setup() {
	locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\{0,1\}8' || {
		echo "no zh_CN.UTF-8 locale: run share/deps.sh as root" >&2
		return 1
	}
	export JIFEN_NOW="2026-11-21 20:00:00"
	cd "$BATS_TEST_TMPDIR" || return 1
}

# zas NAME TOOL ARGS...: as NAME (helper.bash), in Chinese.
zas() {
	local who=$1 tool=$2

	shift 2
	zh "$tool" --operator "$who" --pin-fd 3 "$@" 3<<<"$(pin_of "$who")"
}

# gbk FILE: stdin saved as a Chinese PC's spreadsheet saves CSV.
gbk() {
	iconv -f UTF-8 -t GB18030 >"$1"
}

@test "a Chinese shop's day from the README, in Chinese, from GBK sheets" {
	# 2. staff: the owner, a manager, the cashier the suite runs as
	staff

	# 2. members from the old system's sheet: GB18030, Chinese headers,
	# phones and birthdays as typed
	printf '%s\n' '会员号,手机号,姓名,生日' \
	    'M0000001,138 0000 0001,张三,1990/11/02' \
	    'M0000002,+86 138-0000-0002,李四,' | gbk 会员.csv
	run --separate-stderr zh member import 会员.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"会员.csv:1:"*"GB18030"*"iconv -f GB18030 -t UTF-8 会员.csv"*"--encoding gb18030"* ]]
	eq 0 "$(sql "SELECT count(*) FROM member")"
	run --separate-stderr zas mgr member import --encoding gb18030 会员.csv

	[ "$status" -eq 0 ]
	eq "member: 新增 2，更新 0，未变 0，被拒 0" "$stderr"
	eq "13800000001|张三|1990-11-02
13800000002|李四|" "$(sql "SELECT phone, name, birthday FROM member
	    ORDER BY code")"

	# 3. products and the morning's delivery (进)
	printf '%s\n' '商品编码,品名,分类,售价,进价,兑换积分' \
	    'TEA01,龙井,茶叶,120,60,' 'CUP01,茶杯,茶具,35,12,500' | gbk 商品.csv
	run --separate-stderr zas mgr stock import --encoding gbk 商品.csv
	[ "$status" -eq 0 ]
	eq "stock: 商品.csv: 新增 2，更新 0，未变 0，被拒 0" "$stderr"
	printf '%s\n' '商品编码,数量,进价,送货单号' 'TEA01,20,60,PO-1121' \
	    'CUP01,10,12,PO-1121' >入库.csv
	run --separate-stderr zas mgr stock receive 入库.csv
	[ "$status" -eq 0 ]
	eq "stock: 入库.csv: 入账 2，此前已入账 0，被拒 0" "$stderr"

	# 4. a sale at the till, by the member's phone
	run zas tester sale add --member 13800000001 TEA01:2 -o table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 小票号*会员*实收* ]]
	[[ "${lines[1]}" == *M0000001*240.00*360* ]]

	# 4. the till's export at close: GBK, Chinese headers, its times
	printf '%s\n' '小票号,时间,会员,商品编码,数量,单价' \
	    'T001,2026/11/21 9:12,13800000002,TEA01,1,' \
	    'T001,2026/11/21 9:12,13800000002,CUP01,2,' \
	    'T002,2026年11月21日 10:05,,TEA01,1,' | gbk 收银.csv
	run --separate-stderr zas tester sale import --encoding gbk 收银.csv
	[ "$status" -eq 0 ]
	eq "sale: 记录小票 2 张（3 行），此前已记录 0 张，被拒 0 张" "$stderr"
	run --separate-stderr zas tester sale import --encoding gbk 收银.csv
	[ "$status" -eq 0 ]
	eq "sale: 记录小票 0 张（0 行），此前已记录 2 张，被拒 0 张" "$stderr"
	eq "T001|2026-11-21 09:12:00|19000
T002|2026-11-21 10:05:00|12000" "$(sql "SELECT receipt, at, gross
	    FROM sale WHERE receipt LIKE 'T%' ORDER BY receipt")"

	# 5. a member asks for their points
	run zas tester points balance 13800000002 -o table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 会员*积分余额* ]]

	# 6. a gift for points
	run zas tester redeem gift M0000001 CUP01 -o table
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == 兑换单号*会员*积分余额* ]]
	[[ "${lines[1]}" == R0000001*M0000001*CUP01*500* ]]

	# 7. the night's cron: nothing has lapsed yet
	run zas boss expire -o csv
	[ "$status" -eq 0 ]
	eq "member,points,expired_on" "$output"

	# 8. the daily report, in Chinese, its figures the book's
	run zas mgr report daily -o table
	[ "$status" -eq 0 ]
	eq "营业日报 2026-11-21（全部门店）" "${lines[0]}"
	[[ "$output" == *$'\n'"小票数 "*" 3"$'\n'* ]]
	[[ "$output" == *$'\n'"销售额 "*" 550.00"$'\n'* ]]
	[[ "$output" == *$'\n'"畅销商品"$'\n'* ]]
	[[ "$output" == *$'\n'"TEA01 "*"龙井 "*" 4 "*"480.00"* ]]
	run --separate-stderr zas mgr report audit
	[ "$status" -eq 0 ]

	# 9. a backup; a mistake after it; the backup put back, by the owner:
	# SQLite's file (a PostgreSQL book is backed up with pg_dump)
	on_pg && return 0
	run --separate-stderr zas mgr jifen backup 备份.db
	[ "$status" -eq 0 ]
	zas tester sale add --member M0000002 TEA01:9 >/dev/null
	eq 4 "$(sql "SELECT count(*) FROM sale")"
	run --separate-stderr zas mgr jifen restore 备份.db
	[ "$status" -eq 77 ]
	[[ "$stderr" == *恢复账本需要*mgr* ]]
	run --separate-stderr zas boss jifen restore 备份.db
	[ "$status" -eq 0 ]
	eq 3 "$(sql "SELECT count(*) FROM sale")"
	run --separate-stderr zas mgr report audit
	[ "$status" -eq 0 ]
}
