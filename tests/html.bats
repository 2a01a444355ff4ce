#!/usr/bin/env bats
# html: the report pages as an owner reads them (report daily, sales and
# points -o html).  Every figure a chart draws is read back from the page
# (each bar's data-label, data-series and data-value) and held to the
# table beside it; a totals row is the sum of the rows above it; products
# and members go by name as well as by SKU and code, and no phone is on
# a page; under zh_CN the page is Chinese.  Then a real browser, headless
# Chromium with a CJK font (share/deps.sh installs both), draws each page
# to a picture and reads its text back.
#
# shop: a tea shop (names Chinese, messages in English as helper.bash
# sets them), JIFEN_NOW 2026-11-18 20:00:
#   R1 2026-10-05 16:00 张三 TEA01:2                 256.00
#   R2 09:10 张三 TEA01:1 CUP01:2                    200.00
#   R3 10:20 anonymous CUP01:1                        36.00
#   R4 14:05 李四 (joined today) TEA01:1 GIFT1:1     148.00
#   R5 14:40 张三 CUP01:6 with 200 points            216.00, offset 20.00
#   15:00 张三 redeems GIFT1 for 100 points
# In all 5 receipts, 14 items, gross 856.00, paid 836.00; the day 4, 12
# items, 600.00.  Points: earned 256 + 544, signup bonuses 100 + 100,
# redeemed 200 + 100: 700 outstanding, worth 70.00.

load helper
bats_require_minimum_version 1.5.0

shop() {
	export JIFEN_NOW="2026-11-18 20:00:00"
	member add --phone 13800000001 --name 张三 --joined 2026-01-01 >/dev/null
	member add --phone 13800000002 --name 李四 >/dev/null
	stock add --sku TEA01 --name 西湖龙井 --category 茶叶 --price 128 \
	    --cost 60 --reorder 2 >/dev/null
	stock add --sku CUP01 --name "青瓷茶杯 & 托" --category 茶具 --price 36 \
	    --cost 12 --reorder 2 >/dev/null
	stock add --sku GIFT1 --name 茶巾 --price 20 --cost 8 \
	    --gift-points 100 >/dev/null
	for s in TEA01:20:60 CUP01:20:12 GIFT1:5:8; do
		IFS=: read -r sku qty cost <<<"$s"
		stock receive --sku "$sku" --qty "$qty" --cost "$cost" --ref PO1 \
		    --at "2026-01-01 09:00:00" >/dev/null
	done
	sale add --member M0000001 --receipt R1 --at "2026-10-05 16:00:00" \
	    TEA01:2 >/dev/null
	sale add --member M0000001 --receipt R2 --at "2026-11-18 09:10:00" \
	    TEA01:1 CUP01:2 >/dev/null
	sale add --receipt R3 --at "2026-11-18 10:20:00" CUP01:1 >/dev/null
	sale add --member M0000002 --receipt R4 --at "2026-11-18 14:05:00" \
	    TEA01:1 GIFT1:1 >/dev/null
	sale add --member M0000001 --receipt R5 --use-points 200 \
	    --at "2026-11-18 14:40:00" CUP01:6 >/dev/null
	JIFEN_NOW="2026-11-18 15:00:00" redeem gift M0000001 GIFT1 >/dev/null
}

# zh TOOL ARGS...: TOOL under LANG=zh_CN.UTF-8, nothing overriding it.
zh() {
	env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=zh_CN.UTF-8 "$@"
}

# bars PAGE [HEADING]: the bars of the charts (of the one under HEADING),
# a line each: label|series|value.
bars() {
	awk -v t="${2:-}" '
	/<h2>/ { h = $0; gsub(/<\/?h2>/, "", h) }
	{
		s = $0
		while (match(s, /data-label="[^"]*" data-series="[^"]*" data-value="[^"]*"/)) {
			m = substr(s, RSTART, RLENGTH)
			s = substr(s, RSTART + RLENGTH)
			split(m, f, "\"")
			if (t == "" || h == t)
				print f[2] "|" f[4] "|" f[6]
		}
	}' "$1"
}

# rows PAGE: the table with a totals row, its header first, a line a row,
# cells split by |.
rows() {
	awk '/^<div class="totals">/ { on = 1; next }
	/^<\/div>/ { on = 0 }
	on && /^<tr>/ {
		s = $0
		gsub(/<\/t[dh]><t[dh][^>]*>/, "|", s)
		gsub(/<[^>]*>/, "", s)
		print s
	}' "$1"
}

# summary PAGE LABEL: the daily summary's value of the row LABEL.
summary() {
	sed -n "s|^<tr><td>$2</td><td class=\"n\">\([^<]*\)</td></tr>\$|\1|p" "$1"
}

# charted PAGE KEYCOL [HEADING]: each bar's value is the cell of the table
# in the row whose column KEYCOL (or first column) holds the bar's label,
# under the column headed as the bar's series; prints how many bars were
# checked, fails on a difference or on none.
charted() {
	bars "$1" "${3:-}" > bars.txt
	rows "$1" > rows.txt
	awk -F'|' -v kc="$2" '
	FILENAME == ARGV[1] { bar[++nb] = $0; next }
	FNR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
	{
		for (h in col) {
			val[$1, h] = $(col[h])
			if (kc in col && $(col[kc]) != "")
				val[$(col[kc]), h] = $(col[h])
		}
	}
	END {
		bad = 0
		for (i = 1; i <= nb; i++) {
			split(bar[i], b, "|")
			if (!((b[1] SUBSEP b[2]) in val) || val[b[1], b[2]] != b[3]) {
				print "chart: " bar[i] ", table: " val[b[1], b[2]] > "/dev/stderr"
				bad = 1
			}
		}
		print nb
		exit bad || nb == 0
	}' bars.txt rows.txt
}

# totalled PAGE: the last row of the table is "Total" (or 合计) and each of
# its figures the sum of the column above; money summed in fen.  The
# margin as a percentage (margin_pct, 毛利率%) is no sum: the totals
# row has its own, and the tests hold it to the figure worked by hand.
totalled() {
	rows "$1" | awk -F'|' '
	NR == 1 { for (i = 1; i <= NF; i++) if ($i == "margin_pct" ||
	    $i == "毛利率%") pct = i; next }
	{ for (i = 1; i <= NF; i++) c[NR, i] = $i; n = NR; nf = NF }
	END {
		if (c[n, 1] != "Total" && c[n, 1] != "合计") {
			print "no totals row" > "/dev/stderr"
			exit 1
		}
		for (i = 2; i <= nf; i++) {
			if (c[n, i] == "" || i == pct)
				continue
			sum = 0
			for (r = 2; r < n; r++) {
				x = c[r, i]
				gsub(/\./, "", x)
				sum += x
			}
			t = c[n, i]
			gsub(/\./, "", t)
			if (t + 0 != sum) {
				print "column " i ": total " c[n, i] ", sum " sum > "/dev/stderr"
				exit 1
			}
			checked++
		}
		exit checked == 0
	}'
}

# --- daily ------------------------------------------------------------

@test "report daily -o html: the charts draw the summary's and the table's figures, earned and bonus apart" {
	shop
	report daily -o html > daily.html
	# points: a bar for each of the summary's points rows, its value
	run bars daily.html "Points earned, redeemed and expired"
	eq "points_earned|points|544
points_bonus|points|100
points_redeemed|points|300
points_expired|points|0" "$output"
	while IFS='|' read -r label series value; do
		eq "$(summary daily.html "$label")" "$value"
	done <<<"$output"
	# by the hour: paid and offset stacked, adding up to the day's
	run bars daily.html "Sales by hour: paid and points offset"
	[ "${#lines[@]}" -eq 48 ]
	[[ "$output" == *$'\n09|paid|200.00\n'* ]]
	[[ "$output" == *$'\n14|paid|344.00\n'* ]]
	[[ "$output" == *$'\n14|offset|20.00\n'* ]]
	eq "$(summary daily.html paid | tr -d .)" \
	    "$(awk -F'|' '$2 == "paid" { gsub(/\./, "", $3); s += $3 } END { print s }' <<<"$output")"
	eq "$(summary daily.html offset | tr -d .)" \
	    "$(awk -F'|' '$2 == "offset" { gsub(/\./, "", $3); s += $3 } END { print s }' <<<"$output")"
	# the best sellers by name, as the table has them, and their total
	run charted daily.html name "Top products (gross)"
	[ "$status" -eq 0 ]
	eq 3 "$output"
	grep -q '<tr><td>CUP01</td><td>青瓷茶杯 &amp; 托</td><td class="n">9</td><td class="n">324.00</td></tr>' daily.html
	grep -q 'data-label="青瓷茶杯 &amp; 托" data-series="gross" data-value="324.00"' daily.html
	totalled daily.html
	eq "Total||12|600.00" "$(rows daily.html | tail -n 1)"
	eq 600.00 "$(summary daily.html gross)"
	# nothing low: said so, not an empty table
	grep -q '<h2>Low and negative stock</h2>' daily.html
	grep -q '<p class="note">None.</p>' daily.html
}

# --- sales ------------------------------------------------------------

@test "report sales -o html: each grouping's chart stacks paid and offset as the rows have them, with totals" {
	shop
	local by
	for by in day month year product category member; do
		report sales --by $by -o html > $by.html
		run charted $by.html name
		[ "$status" -eq 0 ] || { echo "--by $by" >&2; return 1; }
		# two bars a row, the table's rows less its totals
		eq $(( 2 * ($(rows $by.html | wc -l) - 2) )) "$output"
		totalled $by.html || { echo "--by $by" >&2; return 1; }
		eq "856.00|20.00|836.00|356.00|480.00|57.42" \
		    "$(rows $by.html | tail -n 1 | awk -F'|' '{ OFS = "|"
		    print $(NF-5), $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }')"
	done
	eq "day|receipts|qty|gross|offset|paid|cost|margin|margin_pct" \
	    "$(rows day.html | head -n 1)"
	eq "Total|5|14|856.00|20.00|836.00|356.00|480.00|57.42" "$(rows day.html | tail -n 1)"
	eq "2026-11-18|paid|580.00" "$(bars day.html | grep '^2026-11-18|paid')"
	# a receipt of several products counts under each: no total receipts
	eq "Total|||14|856.00|20.00|836.00|356.00|480.00|57.42" "$(rows product.html | tail -n 1)"
	eq "Total||14|856.00|20.00|836.00|356.00|480.00|57.42" "$(rows category.html | tail -n 1)"
	eq "(no category)|1|1|20.00|0.00|20.00|8.00|12.00|60.00" "$(rows category.html | grep '^(no')"
	eq "Total||5|14|856.00|20.00|836.00|356.00|480.00|57.42" "$(rows member.html | tail -n 1)"
}

@test "report sales -o html: products and members by name, SKU and code beside, no phone" {
	shop
	report sales --by product -o html > product.html
	eq "sku|name|receipts|qty|gross|offset|paid|cost|margin|margin_pct" \
	    "$(rows product.html | head -n 1)"
	eq "TEA01|西湖龙井|3|4|512.00|0.00|512.00|240.00|272.00|53.13" \
	    "$(rows product.html | sed -n 2p)"
	grep -q 'data-label="西湖龙井" data-series="paid" data-value="512.00"' product.html
	report sales --by member -o html > member.html
	eq "member|name|receipts|qty|gross|offset|paid|cost|margin|margin_pct
M0000001|张三|3|11|672.00|20.00|652.00|276.00|376.00|57.67
M0000002|李四|1|2|148.00|0.00|148.00|68.00|80.00|54.05
(not a member)||1|1|36.00|0.00|36.00|12.00|24.00|66.67" "$(rows member.html | sed '$d')"
	grep -q 'data-label="张三" data-series="offset" data-value="20.00"' member.html
	grep -q 'data-label="(not a member)" data-series="paid" data-value="36.00"' member.html
	# a page shows no more of a member than member list does: no phone
	run grep -c '1380000\|138\*' member.html
	eq 0 "$output"
	# the names are the page's only: CSV keeps its columns
	eq "key,receipts,qty,gross,offset,paid,cost,margin,margin_pct" "$(report sales --by member -o csv | head -n 1)"
}

# --- points -----------------------------------------------------------

@test "report points -o html: a bar for each moving column, the table's cells, and their totals" {
	shop
	report points --by month -o html > points.html
	grep -q '<p>outstanding points <b>700</b> &nbsp; liability (yuan) <b>70.00</b></p>' points.html
	run charted points.html period
	[ "$status" -eq 0 ]
	eq 6 "$output"		# earned, bonus and redeemed, two months
	eq "2026-10|earned|256
2026-10|bonus|100
2026-10|redeemed|0
2026-11|earned|544
2026-11|bonus|100
2026-11|redeemed|300" "$(bars points.html)"
	totalled points.html
	eq "Total|800|200|0|0|300|0|0|0" "$(rows points.html | tail -n 1)"
}

@test "report points -o csv, tsv and jsonl carry the outstanding points and the liability" {
	shop
	run report points -o csv
	eq "period,earned,bonus,awarded,adjusted,redeemed,expired,reversed,restored,outstanding,liability
all,800,200,0,0,300,0,0,0,700,70.00" "$output"
	run report points --by month -o tsv
	eq "2026-10	256	100	0	0	0	0	0	0	700	70.00" "${lines[1]}"
	run report points --by month -o jsonl
	eq '700 "70.00" 700 "70.00"' \
	    "$(jq -c '.outstanding, .liability' <<<"$output" | tr '\n' ' ' | sed 's/ $//')"
	# the same figures as the JSON object and the table head
	run report points -o json
	eq 700 "$(jq .outstanding <<<"$output")"
	eq '"70.00"' "$(jq .liability <<<"$output")"
	# a range without movement still says what is outstanding
	run report points --since 2027-01-01 -o csv
	eq "all,0,0,0,0,0,0,0,0,700,70.00" "${lines[1]}"
	[ "${#lines[@]}" -eq 2 ]
	run report points --since 2027-01-01 -o json
	eq '[]' "$(jq -c .periods <<<"$output")"
}

# --- Chinese ----------------------------------------------------------

@test "report -o html under zh_CN: lang zh-CN, Chinese headings, columns and totals; English under C" {
	if ! locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\{0,1\}8'; then
		echo "no zh_CN.UTF-8 locale: run share/deps.sh as root" >&2
		return 1
	fi
	shop
	report daily -o html > en.html
	grep -q '^<html lang="en">$' en.html
	zh report daily -o html > daily.html
	grep -q '^<html lang="zh-CN">$' daily.html
	grep -q '<h2>分时段销售额：实收与积分抵现</h2>' daily.html
	grep -q '<span><i style="background:#c0392b"></i>实收</span>' daily.html
	grep -q 'data-label="消费积分" data-series="积分" data-value="544"' daily.html
	grep -q 'data-label="奖励积分" data-series="积分" data-value="100"' daily.html
	grep -q '<h2>库存不足与负库存</h2>' daily.html
	grep -q '<p class="note">无。</p>' daily.html
	eq "合计||12|600.00" "$(rows daily.html | tail -n 1)"
	zh report sales --by member -o html > member.html
	grep -q '<title>按会员销售</title>' member.html
	eq "会员|姓名|小票数|数量|销售额|积分抵现|实收|成本|毛利|毛利率%" \
	    "$(rows member.html | head -n 1)"
	eq "（非会员）||1|1|36.00|0.00|36.00|12.00|24.00|66.67" \
	    "$(rows member.html | sed -n 4p)"
	grep -q '<h2>销售额：实收与积分抵现</h2>' member.html
	zh report sales --by month -o html > month.html
	eq "月份|小票数|数量|销售额|积分抵现|实收|成本|毛利|毛利率%" \
	    "$(rows month.html | head -n 1)"
	zh report points -o html > points.html
	grep -q '<th>期间</th><th>消费积分</th><th>奖励积分</th>' points.html
	eq "合计|800|200|0|0|300|0|0|0" "$(rows points.html | tail -n 1)"
	run charted points.html 期间
	[ "$status" -eq 0 ]
	# no English left on a Chinese page
	for f in daily member month points; do
		run grep -E '>(Total|Sales|Points|Summary|None\.|paid|gross)<|Gross|Top products' $f.html
		[ "$status" -eq 1 ] || { echo "$f.html: $output" >&2; return 1; }
	done
}

# --- in a browser -----------------------------------------------------

@test "each report's page renders in headless Chromium with its Chinese text" {
	if ! command -v chromium >/dev/null; then
		echo "chromium is missing: run share/deps.sh as root" >&2
		return 1
	fi
	shop
	zh report daily -o html > daily.html
	zh report sales --by product -o html > sales.html
	zh report points --by month -o html > points.html
	local page prof
	for page in daily sales points; do
		prof=$(mktemp -d)
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
		    --disable-background-networking --disable-component-update \
		    --disable-sync --no-first-run --user-data-dir="$prof" \
		    --screenshot="$PWD/$page.png" --window-size=1200,1600 \
		    "file://$PWD/$page.html" >/dev/null 2>&1 || true
		timeout 120 chromium --headless --no-sandbox --disable-gpu \
		    --disable-background-networking --disable-component-update \
		    --disable-sync --no-first-run --user-data-dir="$prof" \
		    --dump-dom "file://$PWD/$page.html" > $page.dom 2>/dev/null || true
		rm -rf "$prof"
		# a PNG, \x89 P N G, with more on it than a blank page
		[ "$(head -c 4 "$page.png" | od -An -tx1 | tr -d ' \n')" = 89504e47 ]
		[ "$(wc -c < "$page.png")" -gt 20000 ]
		# the browser read the page: its text is in the DOM it built
		grep -q '<svg' $page.dom
		grep -q '合计' $page.dom
	done
	grep -q '营业日报 2026-11-18' daily.dom
	grep -q '西湖龙井' daily.dom
	grep -q '青瓷茶杯 &amp; 托' sales.dom
	grep -q '积分负债（元）' points.dom
}
