#!/usr/bin/env bats
# input: what a spreadsheet on a Chinese PC saves, read as its owner
# wrote it: GB18030 refused with the way to read it, then read with
# --encoding; ';' and tab delimiters; headers in any case and in
# Chinese; days and times as people write them; phones with spaces,
# dashes and +86; a control character in a field refused with its
# file, row and column.

load helper
load fixtures
bats_require_minimum_version 1.5.0

HINT="not UTF-8 but GB18030, as a spreadsheet on a Chinese PC saves CSV: convert it with 'iconv -f GB18030 -t UTF-8"

# --- encoding ---------------------------------------------------------

@test "member import: a GB18030 file is refused with the iconv line, then read with --encoding gb18030" {
	printf 'code,phone,name\nC1,13700000001,张三\nC2,13700000002,李四\n' |
	    iconv -f UTF-8 -t GB18030 >m.csv
	run --separate-stderr member import m.csv
	[ "$status" -eq 65 ]
	eq "member: m.csv:2: name: $HINT m.csv' or give --encoding gb18030" \
	    "$stderr"
	eq 0 "$(sql 'SELECT count(*) FROM member')"
	run --separate-stderr member import --encoding gb18030 m.csv
	[ "$status" -eq 0 ]
	eq "member: 2 added, 0 updated, 0 unchanged, 0 rejected" "$stderr"
	eq "C1|张三
C2|李四" "$(sql 'SELECT code, name FROM member ORDER BY code')"
	# gbk reads it the same, and again changes nothing
	run --separate-stderr member import --encoding gbk m.csv
	eq "member: 0 added, 0 updated, 2 unchanged, 0 rejected" "$stderr"
}

@test "a GB18030 header is refused naming its column; on stdin the hint says FILE" {
	printf '会员号,手机号,姓名\nC1,13700000001,张三\n' |
	    iconv -f UTF-8 -t GB18030 >m.csv
	run --separate-stderr member import m.csv
	[ "$status" -eq 65 ]
	eq "member: m.csv:1: column 1: $HINT m.csv' or give --encoding gb18030" \
	    "$stderr"
	run --separate-stderr member import - <m.csv
	[ "$status" -eq 65 ]
	eq "member: stdin:1: column 1: $HINT FILE' or give --encoding gb18030" \
	    "$stderr"
	run --separate-stderr member import --encoding gb18030 - <m.csv
	[ "$status" -eq 0 ]
	eq "C1|13700000001|张三" "$(sql 'SELECT code, phone, name FROM member')"
}

@test "stock and sale imports read GB18030 with --encoding, rejects in UTF-8" {
	printf '商品编码,名称,单价\nTEA,乌龙茶,25\nCUP,杯子,x\n' |
	    iconv -f UTF-8 -t GB18030 >p.csv
	run --separate-stderr stock import p.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"p.csv:1: column 1: $HINT p.csv' or give --encoding gb18030" ]]
	[ ! -e "$JIFEN_DB" ]
	run --separate-stderr stock import --encoding gb18030 p.csv
	[ "$status" -eq 65 ]
	eq "TEA|乌龙茶|2500" "$(sql 'SELECT sku, name, price FROM product')"
	eq 'sku,name,price,error
CUP,杯子,x,"p.csv:3: price: not an amount (yuan, at most two decimals: 12.50): ""x"""' \
	    "$(sed -n '1,2p' <<<"$stderr")"
	stock receive --sku TEA --qty 10 --cost 10 >/dev/null
	printf '小票号,时间,条码,数量\nR1,2026/11/18 9:12,TEA,2\n' |
	    iconv -f UTF-8 -t GB18030 >s.csv
	run --separate-stderr sale import --encoding gb18030 s.csv
	[ "$status" -eq 0 ]
	eq "R1|2026-11-18 09:12:00" "$(sql 'SELECT receipt, at FROM sale')"
}

@test "a UTF-8 BOM is skipped; bad UTF-8 that is not GB18030 is a rejected row" {
	printf '\xef\xbb\xbfcode,phone,name\nC1,13700000001,甲\n' >m.csv
	printf 'C2,13700000002,\xff\xff\n' >>m.csv
	run --separate-stderr member import m.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *"m.csv:3: name: invalid UTF-8"* ]]
	eq "C1|甲" "$(sql 'SELECT code, name FROM member')"
}

@test "--encoding and --delimiter refuse what they do not know (exit 64)" {
	run --separate-stderr member import --encoding latin1 m.csv
	[ "$status" -eq 64 ]
	eq 'member: --encoding: utf-8, gbk or gb18030, not "latin1"' \
	    "${stderr_lines[0]}"
	run --separate-stderr stock import --delimiter '|' p.csv
	[ "$status" -eq 64 ]
	eq "stock: --delimiter: ',', ';' or tab, not \"|\"" "${stderr_lines[0]}"
}

# --- delimiters -------------------------------------------------------

@test "--delimiter ';' and tab, on imports and on a stream of members" {
	printf 'code;phone;name\nC1;13700000001;"王;五"\nC2;13700000002;赵六\n' \
	    >m.csv
	run --separate-stderr member import --delimiter ';' m.csv
	[ "$status" -eq 0 ]
	eq "C1|王;五" "$(sql "SELECT code, name FROM member WHERE code = 'C1'")"
	printf 'sku\tname\tprice\nTEA\t乌龙茶\t25.50\n' >p.tsv
	run --separate-stderr stock import --delimiter tab p.tsv
	[ "$status" -eq 0 ]
	eq "TEA|乌龙茶|2550" "$(sql 'SELECT sku, name, price FROM product')"
	printf 'code;name\nC1;x\nC2;y\n' |
	    points award - --kind share --delimiter ';' -q >/dev/null
	printf 'phone\tname\n137 0000 0001\tx\n' |
	    points adjust - +5 --reason test --delimiter tab >/dev/null
	eq "C1|55
C2|50" "$(sql 'SELECT code, balance FROM member ORDER BY code')"
	printf 'code;phone\nC2;13700000002\n' |
	    member update - --status frozen --delimiter ';' >/dev/null
	eq frozen "$(sql "SELECT status FROM member WHERE code = 'C2'")"
}

# --- headers ----------------------------------------------------------

@test "headers in any case, with spaces around them, or in Chinese" {
	printf ' CODE ,Phone,NAME,EMAIL,Birthday\nC1,13700000001,甲,a@example.com,1990-01-02\n' \
	    >m.csv
	run --separate-stderr member import m.csv
	[ "$status" -eq 0 ]
	printf '会员号,手机号,姓名,邮箱,生日,推荐人\nC2,13700000002,乙,b@example.com,1991-02-03,C1\n' \
	    >zh.csv
	printf '卡号,电话,姓名\nC3,13700000003,丙\n' >>zh2.csv
	run --separate-stderr member import zh.csv
	[ "$status" -eq 0 ]
	run --separate-stderr member import zh2.csv
	[ "$status" -eq 0 ]
	eq "C1|13700000001|甲|a@example.com|1990-01-02|
C2|13700000002|乙|b@example.com|1991-02-03|C1
C3|13700000003|丙|||" "$(sql 'SELECT m.code, m.phone, m.name, m.email,
	    m.birthday, r.code FROM member m LEFT JOIN member r
	    ON r.id = m.referrer_id ORDER BY m.code')"
	# the output keeps the English names
	eq "code,phone,name,email,birthday,joined,referrer,tier,status,balance" \
	    "$(member list -o csv | head -1)"
	printf '手机号,姓名,鞋码\n13700000004,丁,42\n' >u.csv
	run --separate-stderr member import u.csv
	[ "$status" -eq 65 ]
	eq "member: u.csv:1: 鞋码: unknown column (see --ignore-unknown)" \
	    "$stderr"
}

@test "Chinese headers of stock import, receive, count and sale import" {
	printf '商品编码,品名,类别,售价,进价,补货线\nTEA,乌龙茶,茶,25,10,5\n' >p.csv
	stock import p.csv 2>/dev/null
	eq "TEA|乌龙茶|茶|2500|1000|5" "$(sql 'SELECT sku, name, category, price,
	    cost, reorder_level FROM product')"
	printf '入库单号,供应商,货号,数量,进价,日期\nPO1,茶厂,TEA,10,10,2026年11月17日\n' \
	    >r.csv
	stock receive r.csv 2>/dev/null
	eq "PO1|10|2026-11-17 00:00:00" "$(sql "SELECT ref, qty, at FROM move
	    WHERE kind = 'receive'")"
	new_member 13700000001
	printf '小票号,时间,会员号,条码,数量,单价\nR1,2026-11-18 9:05,M0000001,TEA,2,24\n' \
	    >s.csv
	run --separate-stderr sale import s.csv
	[ "$status" -eq 0 ]
	eq "R1|2026-11-18 09:05:00|4800" "$(sql 'SELECT receipt, at, gross
	    FROM sale')"
	printf '条码,盘点数\nTEA,7\n' >c.csv
	stock count c.csv 2>/dev/null
	eq 7 "$(sql 'SELECT sum(on_hand) FROM stock')"
}

# --- days and times ---------------------------------------------------

@test "days and times as people write them, in an import's rows" {
	printf 'code,phone,birthday,joined\n' >m.csv
	printf 'C1,13700000001,1990/1/2,2026/11/01\n' >>m.csv
	printf 'C2,13700000002,1990-1-2,2026-11-1\n' >>m.csv
	printf 'C3,13700000003,1990年1月2日,2026年11月1日\n' >>m.csv
	printf 'C4,13700000004,1990.01.02,yesterday\n' >>m.csv
	printf 'C5,13700000005,1990-02-30,\n' >>m.csv
	run --separate-stderr member import m.csv
	[ "$status" -eq 65 ]
	eq "1990-01-02|2026-11-01
1990-01-02|2026-11-01
1990-01-02|2026-11-01
1990-01-02|2026-11-17" "$(sql 'SELECT birthday, joined FROM member
	    ORDER BY code')"
	[[ "$stderr" == *'m.csv:6: birthday: not a date (2026-11-21, 2026/11/21, 2026年11月21日, today or yesterday): ""1990-02-30"""'* ]]
	stock add --sku TEA --name 茶 --price 25 >/dev/null
	printf 'ref,sku,qty,cost,at\n' >r.csv
	printf 'P1,TEA,1,1,2026/11/17 9:12\n' >>r.csv
	printf 'P2,TEA,1,1,2026-11-17 9:12\n' >>r.csv
	printf 'P3,TEA,1,1,2026-11-17 09:12:05\n' >>r.csv
	printf 'P4,TEA,1,1,2026年11月17日 9:12\n' >>r.csv
	printf 'P5,TEA,1,1,2026年11月17日\n' >>r.csv
	printf 'P6,TEA,1,1,11/17/2026\n' >>r.csv
	run --separate-stderr stock receive r.csv
	[ "$status" -eq 65 ]
	eq "P1|2026-11-17 09:12:00
P2|2026-11-17 09:12:00
P3|2026-11-17 09:12:05
P4|2026-11-17 09:12:00
P5|2026-11-17 00:00:00" "$(sql "SELECT ref, at FROM move
	    WHERE kind = 'receive' ORDER BY ref")"
	[[ "$stderr" == *'r.csv:7: at: not a time (2026-11-21 09:12:05, 2026/11/21 9:12, 2026年11月21日 9:12, a date alone, today or yesterday): ""11/17/2026"""'* ]]
}

@test "days, times and months in options: --at, --since, --until, --date, --birthday" {
	new_member 13700000001
	run points adjust M0000001 +5 --reason x --at '2026/11/17 8:30'
	[ "$status" -eq 0 ]
	run points adjust M0000001 +5 --reason x --at '2026年11月16日 8:30'
	[ "$status" -eq 0 ]
	run points adjust M0000001 +5 --reason x --at yesterday
	[ "$status" -eq 0 ]
	eq "2026-11-16 08:30:00
2026-11-17 00:00:00
2026-11-17 08:30:00" "$(sql "SELECT at FROM ledger ORDER BY at")"
	# 2026-11 as a whole month, today
	eq 3 "$(points history M0000001 --since 2026-11 -o csv | tail -n +2 |
	    wc -l)"
	eq 0 "$(points history M0000001 --since today -o csv | tail -n +2 |
	    wc -l)"
	eq 2 "$(points history M0000001 --since 2026/11/17 -o csv |
	    tail -n +2 | wc -l)"
	member update M0000001 --birthday '1990年11月2日' >/dev/null
	eq 1990-11-02 "$(sql 'SELECT birthday FROM member')"
	stock add --sku TEA --name 茶 --price 25 >/dev/null
	stock receive --sku TEA --qty 9 --cost 1 --at '2026/10/31 23:00' \
	    >/dev/null
	stock receive --sku TEA --qty 5 --cost 1 --at '2026-11-01 0:00' \
	    >/dev/null
	eq 1 "$(stock moves --since 2026-11 --until 2026年11月 -o json |
	    jq length)"
	eq 1 "$(stock moves --until 2026-10 -o json | jq length)"
	run --separate-stderr report daily --date 2026/11/17 -o csv
	[ "$status" -eq 0 ]
	run --separate-stderr report daily --date 11/17
	[ "$status" -eq 64 ]
	eq 'report: --date: not a date (2026-11-21, 2026/11/21, 2026年11月21日, today or yesterday): "11/17"' \
	    "${stderr_lines[0]}"
	run --separate-stderr points adjust M0000001 +1 --reason x --at 9:12
	[ "$status" -eq 64 ]
	eq 'points: --at: not a time (2026-11-21 09:12:05, 2026/11/21 9:12, 2026年11月21日 9:12, a date alone, today or yesterday): "9:12"' \
	    "${stderr_lines[0]}"
	run --separate-stderr sale list --since 2026-13
	[ "$status" -eq 64 ]
	[[ "${stderr_lines[0]}" == *'or a month (2026-11): "2026-13"' ]]
}

@test "--until a month is its last day; February knows its length" {
	export JIFEN_NOW="2024-03-01 10:00:00"
	stock add --sku TEA --name 茶 --price 25 >/dev/null
	stock receive --sku TEA --qty 1 --cost 1 --at '2024/1/31 23:59' \
	    >/dev/null
	stock receive --sku TEA --qty 2 --cost 1 --at '2024/2/29 23:59' \
	    >/dev/null
	stock receive --sku TEA --qty 3 --cost 1 --at '2024/3/1 0:00' \
	    >/dev/null
	eq 2 "$(stock moves --since 2024-02 --until 2024-02 -o json |
	    jq '.[].qty')"
	eq 2 "$(stock moves --since 2024年2月 --until 2024年2月 -o json |
	    jq '.[].qty')"
	run --separate-stderr report daily --date 2025-02-29
	[ "$status" -eq 64 ]
}

# --- phones -----------------------------------------------------------

@test "phones with spaces, dashes, +86 or 0086 are one number; another country's + stays" {
	member add --phone '138 0013 8000' --name 甲 >/dev/null
	member add --phone '+86 138-0013-8001' >/dev/null
	member add --phone 008613800138002 >/dev/null
	member add --phone '+44 20 7946 0958' >/dev/null
	eq "13800138000
13800138001
13800138002
+442079460958" "$(sql 'SELECT phone FROM member ORDER BY id')"
	# a member named by the phone however written
	run member show '138-0013-8000' -o csv
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == M0000001,* ]]
	run points adjust '+86 138 0013 8000' +5 --reason x
	[ "$status" -eq 0 ]
	# the same number written otherwise is the same member
	run --separate-stderr member add --phone '138-0013-8000'
	[ "$status" -eq 1 ]
	eq 'member: phone 13800138000 belongs to a member already' "$stderr"
	printf 'phone,name\n138 0013 8003,乙\n+86 138-0013-8003,丙\n' >m.csv
	run --separate-stderr member import --update m.csv
	[ "$status" -eq 0 ]
	eq "13800138003|丙" "$(sql "SELECT phone, name FROM member
	    WHERE phone = '13800138003'")"
	# the audit log masks a phone written with spaces too
	eq '["points","adjust","--reason","x","138****8000","+5"]' \
	    "$(sql "SELECT args FROM audit WHERE args LIKE '%adjust%'")"
	run --separate-stderr member add --phone '138 0013 800x'
	[ "$status" -eq 64 ]
}

@test "a sale names its member by a phone with spaces or +86" {
	stock add --sku TEA --name 茶 --price 10 >/dev/null
	stock receive --sku TEA --qty 10 --cost 1 >/dev/null
	member add --phone 13800138000 >/dev/null
	run --separate-stderr sale add --member '+86 138 0013 8000' TEA:1
	[ "$status" -eq 0 ]
	printf 'receipt,member,sku,qty\nR9,138-0013-8000,TEA,1\n' >s.csv
	run --separate-stderr sale import s.csv
	[ "$status" -eq 0 ]
	eq 2 "$(sql 'SELECT count(*) FROM sale WHERE member_id = 1')"
}

# --- control characters -----------------------------------------------

@test "a control character in a field (newline, tab, ESC) is a rejected row naming file, row and column" {
	printf 'code,phone,name\n' >m.csv
	printf 'C1,13700000001,"两行\n名字"\n' >>m.csv
	printf 'C2,13700000002,"a\tb"\n' >>m.csv
	printf 'C3,13700000003,"\033[2Jx"\n' >>m.csv
	printf 'C4,13700000004,好\n' >>m.csv
	run --separate-stderr member import --rejects rej.csv m.csv
	[ "$status" -eq 65 ]
	eq "member: 1 added, 0 updated, 0 unchanged, 3 rejected" "$stderr"
	eq 'code,phone,name,error
C1,13700000001,,m.csv:2: name: a control character (\x0a) in the field
C2,13700000002,,m.csv:3: name: a control character (\x09) in the field
C3,13700000003,,m.csv:4: name: a control character (\x1b) in the field' \
	    "$(cat rej.csv)"
	eq "C4|好" "$(sql 'SELECT code, name FROM member')"
	printf 'sku,name,price\nTEA,"茶\r",1\n' >p.csv
	run --separate-stderr stock import p.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'p.csv:2: name: a control character (\x0d) in the field'* ]]
	printf '{"sku":"CUP","name":"杯\\n子","price":"1"}\n' >p.jsonl
	run --separate-stderr stock import --input jsonl p.jsonl
	[ "$status" -eq 65 ]
	eq 'p.jsonl:1: name: a control character (\x0a) in the field' \
	    "$(head -1 <<<"$stderr" | jq -r .error)"
	eq 0 "$(sql 'SELECT count(*) FROM product')"
}
