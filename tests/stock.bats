#!/usr/bin/env bats
# stock: products and the stock book.

load helper
load fixtures
bats_require_minimum_version 1.5.0

# on_hand = the sum of the book, per store and product (DESIGN.md 5.4):
# prints the number of (store, product) pairs where they disagree.
book_breaches() {
	sql "SELECT count(*) FROM (
	  SELECT store, product_id FROM stock
	  UNION SELECT store, product_id FROM move) k
	  WHERE coalesce((SELECT on_hand FROM stock s
	    WHERE s.store = k.store AND s.product_id = k.product_id), 0)
	    <> (SELECT coalesce(sum(qty), 0) FROM move m
	    WHERE m.store = k.store AND m.product_id = k.product_id)"
}

on_hand() {	# SKU [STORE]
	sql "SELECT on_hand FROM stock JOIN product p ON p.id = product_id
	  WHERE sku = '$1' AND store = '${2:-main}'"
}

avg_cost() {	# SKU [STORE]
	sql "SELECT avg_cost FROM stock JOIN product p ON p.id = product_id
	  WHERE sku = '$1' AND store = '${2:-main}'"
}

tea() {
	stock add --sku TEA --name 龙井 --price 120 --cost 50 --category tea \
	    --reorder 5 >/dev/null
}

# --- help, usage ------------------------------------------------------

@test "stock -h prints the usage, stock SUB -h its own help, to stdout" {
	run --separate-stderr stock -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: stock add --sku S --name N --price P"* ]]
	[[ "$output" == *"stock moves [--sku S]"* ]]
	[ -z "$stderr" ]
	# a subcommand's -h: its synopsis (both forms of receive), what it
	# does, a line per option
	run --separate-stderr stock receive -h
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "${lines[0]}" == "usage: stock receive --sku S --qty N --cost C"* ]]
	[[ "$output" == *$'\n       stock receive [FILE|-] [--delimiter ,|;|tab]'* ]]
	[[ "$output" == *$'\n      --ref PO '* ]]
	[[ "$output" == *$'\n      --strict '* ]]
	[[ "$output" != *"stock moves"* ]]
}

@test "stock --version names the tool and jifen" {
	run stock --version
	[ "$status" -eq 0 ]
	[[ "$output" == "stock (jifen) "* ]]
}

@test "stock with no command, an unknown command or option is a usage error" {
	run stock
	[ "$status" -eq 64 ]
	run stock frobnicate
	[ "$status" -eq 64 ]
	[[ "$output" == *'unknown command "frobnicate"'* ]]
	run stock list --bogus
	[ "$status" -eq 64 ]
	run stock add --sku A --name a --price 1 --qty 3
	[ "$status" -eq 64 ]
	[[ "$output" == *"--qty: option not allowed here"* ]]
}

# --- add --------------------------------------------------------------

@test "stock add prints the product and books it" {
	run --separate-stderr stock add --sku TEA --name 龙井 --price 120 \
	    --cost 50.5 --category tea --reorder 5
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "sku,name,category,price,cost,reorder_level,no_points,gift_points,gift_limit,gift_from,gift_to" ]
	[ "${lines[1]}" = "TEA,龙井,tea,120.00,50.50,5,0,,,," ]
	eq "TEA|龙井|tea|12000|5050|5|0|" "$(sql 'SELECT sku, name, category,
	    price, cost, reorder_level, no_points, gift_points FROM product')"
	eq 1 "$(sql "SELECT count(*) FROM product p JOIN audit a
	    ON a.id = p.audit_id WHERE a.tool = 'stock'")"
}

@test "stock add --no-points --gift-points, as JSON" {
	run stock add --sku CUP --name Cup --price 80 --no-points \
	    --gift-points 800 -o json
	[ "$status" -eq 0 ]
	eq '"80.00"' "$(jq '.price' <<<"$output")"
	eq 1 "$(jq '.no_points' <<<"$output")"
	eq 800 "$(jq '.gift_points' <<<"$output")"
	eq null "$(jq '.category' <<<"$output")"
	eq "0.00" "$(jq -r '.cost' <<<"$output")"
}

@test "stock add of a SKU that exists is refused (exit 1)" {
	tea
	run stock add --sku TEA --name Other --price 1
	[ "$status" -eq 1 ]
	[ "$output" = 'stock: product "TEA" exists already' ]
	eq 龙井 "$(sql 'SELECT name FROM product')"
}

@test "stock add needs --sku, --name and --price (exit 64)" {
	empty_book
	run stock add --sku A --name a
	[ "$status" -eq 64 ]
	eq "stock: add needs --price
try 'stock add --help'" "$output"
	run stock add --name a --price 1
	[ "$status" -eq 64 ]
	run stock add --sku A --price 1
	[ "$status" -eq 64 ]
	run stock add --sku A --name a --price 1 extra
	[ "$status" -eq 64 ]
	eq 0 "$(sql 'SELECT count(*) FROM product')"
}

@test "stock add: a bad amount, SKU or number is a usage error (exit 64)" {
	run stock add --sku A --name a --price 1.234
	[ "$status" -eq 64 ]
	[ "${lines[0]}" = 'stock: --price: not an amount (yuan, at most two decimals: 12.50): "1.234"' ]
	run stock add --sku A --name a --price -1
	[ "$status" -eq 64 ]
	[[ "${lines[0]}" == *"--price: negative amount"* ]]
	run stock add --sku A --name a --price 1 --cost 1e3
	[ "$status" -eq 64 ]
	run stock add --sku A:1 --name a --price 1
	[ "$status" -eq 64 ]
	[[ "${lines[0]}" == *'not a SKU'* ]]
	run stock add --sku "A B" --name a --price 1
	[ "$status" -eq 64 ]
	run stock add --sku "A,B" --name a --price 1
	[ "$status" -eq 64 ]
	run stock add --sku A --name "" --price 1
	[ "$status" -eq 64 ]
	run stock add --sku A --name a --price 1 --reorder -1
	[ "$status" -eq 64 ]
	run stock add --sku A --name a --price 1 --gift-points 0
	[ "$status" -eq 64 ]
	run stock add --sku A --name a --price 1 --gift-points x
	[ "$status" -eq 64 ]
	[ ! -f "$JIFEN_DB" ] || eq 0 "$(sql 'SELECT count(*) FROM product')"
}

@test "stock add -n prints the product and books nothing" {
	run stock add -n --sku A --name a --price 1
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "A,a,,1.00,0.00,0,0,,,," ]
	eq 0 "$(sql 'SELECT count(*) FROM product')"
	eq 0 "$(sql 'SELECT count(*) FROM audit')"
}

# --- update -----------------------------------------------------------

@test "stock update changes the fields given and prints the product" {
	tea
	run stock update TEA --price 130.5 --name "West Lake" --reorder 2
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "TEA,West Lake,tea,130.50,50.00,2,0,,,," ]
	eq "13050|West Lake|2|5000" "$(sql 'SELECT price, name,
	    reorder_level, cost FROM product')"
}

@test "stock update --no-points, then --points" {
	tea
	run stock update TEA --no-points
	[ "$status" -eq 0 ]
	eq 1 "$(sql 'SELECT no_points FROM product')"
	run stock update TEA --points
	[ "$status" -eq 0 ]
	eq 0 "$(sql 'SELECT no_points FROM product')"
}

@test "stock update --gift-points puts it in the catalog, --no-gift takes it out" {
	tea
	run stock update TEA --gift-points 1200 -o jsonl
	[ "$status" -eq 0 ]
	eq 1200 "$(jq '.gift_points' <<<"$output")"
	eq 1200 "$(sql 'SELECT gift_points FROM product')"
	run stock update TEA --no-gift -o jsonl
	[ "$status" -eq 0 ]
	eq null "$(jq '.gift_points' <<<"$output")"
	eq 1 "$(sql 'SELECT CASE WHEN gift_points IS NULL THEN 1 ELSE 0 END
	    FROM product')"
}

@test "stock update --category '' clears the category" {
	tea
	run stock update TEA --category ""
	[ "$status" -eq 0 ]
	eq 1 "$(sql 'SELECT CASE WHEN category IS NULL THEN 1 ELSE 0 END
	    FROM product')"
}

@test "stock update --sku renames; to a SKU that exists is refused" {
	tea
	stock add --sku CUP --name Cup --price 80 >/dev/null
	stock receive --sku TEA --qty 3 --cost 40 >/dev/null
	run stock update TEA --sku TEA-LJ
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "TEA-LJ,龙井,"* ]]
	eq 3 "$(on_hand TEA-LJ)"
	run stock update TEA-LJ --sku CUP
	[ "$status" -eq 1 ]
	[ "$output" = 'stock: product "CUP" exists already' ]
	eq "CUP TEA-LJ" "$(sql 'SELECT sku FROM product ORDER BY sku' | xargs)"
}

@test "stock update of an unknown SKU is refused (exit 1)" {
	run stock update NOPE --price 1
	[ "$status" -eq 1 ]
	[ "$output" = 'stock: no product "NOPE"' ]
}

@test "stock update needs one SKU and something to change (exit 64)" {
	tea
	run stock update TEA
	[ "$status" -eq 64 ]
	[[ "${lines[0]}" == "stock: update needs something to change" ]]
	run stock update --price 1
	[ "$status" -eq 64 ]
	run stock update TEA --points --no-points
	[ "$status" -eq 64 ]
	run stock update TEA --gift-points 5 --no-gift
	[ "$status" -eq 64 ]
	run stock update TEA --price x
	[ "$status" -eq 64 ]
}

@test "stock update -n prints the change and books nothing" {
	tea
	run stock update -n TEA --price 1
	[ "$status" -eq 0 ]
	[[ "${lines[1]}" == "TEA,龙井,tea,1.00,"* ]]
	eq 12000 "$(sql 'SELECT price FROM product')"
}

# --- import -----------------------------------------------------------

products() {
	cat >products.csv <<-'EOF'
	sku,name,category,price,cost,reorder_level,gift_points,no_points
	TEA,龙井,tea,120.00,50.00,5,,0
	CUP,"Cup, white",ware,80,30,2,800,1
	BAG,Bag,,0.5,,,,
	EOF
}

@test "stock import adds the products and reports on stderr" {
	products
	run --separate-stderr stock import products.csv
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$stderr" = "stock: products.csv: 3 added, 0 updated, 0 unchanged, 0 rejected" ]
	eq "BAG|Bag||50|0|0|0|
CUP|Cup, white|ware|8000|3000|2|1|800
TEA|龙井|tea|12000|5000|5|0|" "$(sql 'SELECT sku, name, category, price,
	    cost, reorder_level, no_points, gift_points FROM product ORDER BY sku')"
}

@test "stock import twice changes nothing the second time" {
	products
	stock import -q products.csv
	before=$(sql 'SELECT * FROM product ORDER BY id')
	run --separate-stderr stock import products.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "stock: products.csv: 0 added, 0 updated, 3 unchanged, 0 rejected" ]
	eq "$before" "$(sql 'SELECT * FROM product ORDER BY id')"
}

@test "stock import updates by SKU the columns it has; an empty cell keeps the value" {
	products
	stock import -q products.csv
	printf 'sku,price,cost\nTEA,125,\nCUP,80,30\n' >prices.csv
	run --separate-stderr stock import prices.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "stock: prices.csv: 0 added, 1 updated, 1 unchanged, 0 rejected" ]
	eq "12500|5000|龙井|tea" "$(sql "SELECT price, cost, name, category
	    FROM product WHERE sku = 'TEA'")"
}

@test "stock import: gift_points 0 and no_points no take them back" {
	products
	stock import -q products.csv
	printf 'sku,gift_points,no_points\nCUP,0,no\n' | stock import -q -
	eq "|0" "$(sql "SELECT gift_points, no_points FROM product
	    WHERE sku = 'CUP'")"
}

@test "stock import: bad rows go to --rejects with an error column, good rows are booked (exit 65)" {
	cat >p.csv <<-'EOF'
	sku,name,price,no_points
	A,Apple,1.50,
	B,,2,
	C,Cake,1.234,
	D,Date,-1,
	E,Egg,1,maybe
	F:1,Fig,1,
	G,Grape,3,1
	EOF
	run --separate-stderr stock import p.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	[ "$stderr" = "stock: p.csv: 2 added, 0 updated, 0 unchanged, 5 rejected" ]
	eq 'sku,name,price,no_points,error
B,,2,,p.csv:3: name: needed for a new product
C,Cake,1.234,,"p.csv:4: price: not an amount (yuan, at most two decimals: 12.50): ""1.234"""
D,Date,-1,,"p.csv:5: price: negative amount: ""-1"""
E,Egg,1,maybe,"p.csv:6: no_points: not 0 or 1: ""maybe"""
F:1,Fig,1,,"p.csv:7: sku: not a SKU (no spaces, '"'"','"'"', '"'"'""'"'"', '"'"':'"'"' or '"'"'@'"'"'): ""F:1"""' \
	    "$(cat rej.csv)"
	eq "A G" "$(sql 'SELECT sku FROM product ORDER BY sku' | xargs)"
}

@test "stock import: the rejects go to stderr by default" {
	printf 'sku,name,price\nA,Apple,x\n' >p.csv
	run --separate-stderr stock import p.csv
	[ "$status" -eq 65 ]
	[[ "$stderr" == *'A,Apple,x,"p.csv:2: price: not an amount (yuan, at most two decimals: 12.50): ""x"""'* ]]
	[[ "$stderr" == *"sku,name,price,error"* ]]
}

@test "stock import: a rejects file, corrected, imports as it is" {
	printf 'sku,name,price\nA,Apple,x\n' >p.csv
	run stock import -q p.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	sed -i 's/,x,/,2.5,/' rej.csv
	run stock import -q rej.csv
	[ "$status" -eq 0 ]
	eq 250 "$(sql 'SELECT price FROM product')"
}

@test "stock import --strict books nothing when a row is bad (exit 65)" {
	printf 'sku,name,price\nA,Apple,1\nB,Bad,x\n' >p.csv
	run stock import --strict p.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	[[ "$output" == *"1 rows rejected: nothing booked (--strict)"* ]]
	eq 0 "$(sql 'SELECT count(*) FROM product')"
	eq 2 "$(wc -l <rej.csv)"
	printf 'sku,name,price\nA,Apple,1\n' >ok.csv
	run stock import --strict -q ok.csv
	[ "$status" -eq 0 ]
	eq 1 "$(sql 'SELECT count(*) FROM product')"
}

@test "stock import: an unknown column is an error unless --ignore-unknown" {
	printf 'sku,name,price,colour\nA,Apple,1,red\n' >p.csv
	empty_book
	run stock import p.csv
	[ "$status" -eq 65 ]
	[ "$output" = "stock: p.csv:1: colour: unknown column (see --ignore-unknown)" ]
	eq 0 "$(sql 'SELECT count(*) FROM product')"
	run stock import -q --ignore-unknown p.csv
	[ "$status" -eq 0 ]
	eq 1 "$(sql 'SELECT count(*) FROM product')"
}

@test "stock import needs a sku column" {
	printf 'name,price\nApple,1\n' >p.csv
	run stock import p.csv
	[ "$status" -eq 65 ]
	[ "$output" = "stock: p.csv:1: sku: column needed" ]
}

@test "stock import of a missing file exits 66" {
	run stock import nosuch.csv
	[ "$status" -eq 66 ]
	[[ "$output" == "stock: nosuch.csv: "* ]]
	run stock import a.csv b.csv
	[ "$status" -eq 64 ]
}

@test "stock import reads stdin, with or without -, BOM and CRLF" {
	printf '\xef\xbb\xbfsku,name,price\r\nA,Apple,1\r\n' | stock import -q
	printf 'sku,name,price\nB,Bun,2\n' | stock import -q -
	eq "A|Apple|100 B|Bun|200" "$(sql 'SELECT sku, name, price FROM product
	    ORDER BY sku' | xargs)"
}

@test "stock import --input jsonl" {
	printf '%s\n' '{"sku":"A","name":"Apple","price":"1.50","reorder_level":3}' \
	    '{"sku":"B","name":"Bun","price":"x"}' >p.jsonl
	run --separate-stderr stock import --input jsonl p.jsonl --rejects rej.jsonl
	[ "$status" -eq 65 ]
	eq "A|150|3" "$(sql 'SELECT sku, price, reorder_level FROM product')"
	eq 'p.jsonl:2: price: not an amount (yuan, at most two decimals: 12.50): "x"' "$(jq -r .error rej.jsonl)"
	run stock import --input xml p.jsonl
	[ "$status" -eq 64 ]
}

@test "stock import: input that breaks off books the lines before it (exit 65)" {
	printf 'sku,name,price\nA,Apple,1\nB,"Bun,2\nC,Cake,3\n' >p.csv
	run --separate-stderr stock import p.csv
	[ "$status" -eq 65 ]
	# the broken row goes to the rejects (stderr) whole, with its fault
	[ "${stderr_lines[0]}" = "sku,name,price,error" ]
	[[ "$stderr" == *'B,"Bun,2'* ]]
	[[ "$stderr" == *"p.csv:3: unclosed quote"* ]]
	[ "${stderr_lines[-1]}" = "stock: p.csv: 1 added, 0 updated, 0 unchanged, 1 rejected" ]
	eq A "$(sql 'SELECT sku FROM product')"
}

@test "stock import -n reports and books nothing" {
	products
	run --separate-stderr stock import -n products.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "stock: dry run: products.csv: 3 added, 0 updated, 0 unchanged, 0 rejected" ]
	eq 0 "$(sql 'SELECT count(*) FROM product')"
}

# --- receive ----------------------------------------------------------

@test "stock receive: the moving weighted average cost, by hand" {
	tea
	run stock receive --sku TEA --qty 10 --cost 5.00 --supplier Acme --ref PO1
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "at,store,sku,kind,qty,cost,on_hand,avg_cost" ]
	[ "${lines[1]}" = "2026-11-18 10:00:00,main,TEA,receive,10,5.00,10,5.00" ]
	run stock receive --sku TEA --qty 10 --cost 7.00 --ref PO2
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "2026-11-18 10:00:00,main,TEA,receive,10,7.00,20,6.00" ]
	# (20 x 6.00 + 5 x 6.50) / 25 = 6.10
	stock receive --sku TEA --qty 5 --cost 6.50 >/dev/null
	eq 610 "$(avg_cost TEA)"
	eq 25 "$(on_hand TEA)"
	eq "PO1|Acme|500|tester" "$(sql "SELECT ref, supplier, cost, operator
	    FROM move ORDER BY id LIMIT 1")"
	eq 0 "$(book_breaches)"
}

@test "stock receive rounds the average half up to the fen" {
	stock add --sku A --name a --price 1 >/dev/null
	stock receive --sku A --qty 1 --cost 0.01 >/dev/null
	stock receive --sku A --qty 1 --cost 0.02 >/dev/null	# 1.5 fen
	eq 2 "$(avg_cost A)"
	stock receive --sku A --qty 1 --cost 0.00 >/dev/null	# 4/3 fen
	eq 1 "$(avg_cost A)"
}

@test "stock receive onto nothing (or less) on hand takes the receipt's cost" {
	tea
	stock receive --sku TEA --qty 2 --cost 5 >/dev/null
	stock adjust --sku TEA --qty -6 --reason lost >/dev/null
	eq -4 "$(on_hand TEA)"
	stock receive --sku TEA --qty 10 --cost 9 >/dev/null
	eq "6|900" "$(sql 'SELECT on_hand, avg_cost FROM stock')"
}

@test "stock receive of a ref booked already is refused and books nothing" {
	tea
	stock receive --sku TEA --qty 10 --cost 5 --ref PO1 >/dev/null
	run stock receive --sku TEA --qty 10 --cost 5 --ref PO1
	[ "$status" -eq 1 ]
	[ "$output" = 'stock: receipt "PO1" of "TEA" is booked already in store "main"' ]
	eq 1 "$(sql 'SELECT count(*) FROM move')"
	eq 10 "$(on_hand TEA)"
	# the same PO in another store is another receipt
	run stock receive --store east --sku TEA --qty 4 --cost 5 --ref PO1
	[ "$status" -eq 0 ]
	eq 4 "$(on_hand TEA east)"
}

@test "stock receive without --ref books every time" {
	tea
	stock receive --sku TEA --qty 1 --cost 5 >/dev/null
	stock receive --sku TEA --qty 1 --cost 5 >/dev/null
	eq 2 "$(on_hand TEA)"
	eq 2 "$(sql 'SELECT count(*) FROM move WHERE ref IS NULL')"
}

@test "stock receive --at dates the move" {
	tea
	run stock receive --sku TEA --qty 1 --cost 5 --at "2026-11-01 08:30"
	[ "$status" -eq 0 ]
	eq "2026-11-01 08:30:00" "$(sql 'SELECT at FROM move')"
	run stock receive --sku TEA --qty 1 --cost 5 --at soon
	[ "$status" -eq 64 ]
}

@test "stock receive: bad or missing values are usage errors (exit 64)" {
	tea
	run stock receive --sku TEA --qty 0 --cost 5
	[ "$status" -eq 64 ]
	run stock receive --sku TEA --qty -2 --cost 5
	[ "$status" -eq 64 ]
	run stock receive --sku TEA --qty 2
	[ "$status" -eq 64 ]
	eq "stock: receive needs --cost
try 'stock receive --help'" "$output"
	run stock receive --sku TEA --qty 2 --cost 5.001
	[ "$status" -eq 64 ]
	[ "${lines[0]}" = 'stock: --cost: not an amount (yuan, at most two decimals: 12.50): "5.001"' ]
	run stock receive --sku TEA --qty two --cost 5
	[ "$status" -eq 64 ]
	run stock receive --qty 2 --cost 5
	[ "$status" -eq 64 ]
	run stock receive --sku TEA --qty 2 --cost 5 r.csv
	[ "$status" -eq 64 ]
	run stock receive --sku TEA --qty 2 --cost 5 --strict
	[ "$status" -eq 64 ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

@test "stock receive of an unknown SKU is refused (exit 1)" {
	run stock receive --sku NOPE --qty 1 --cost 1
	[ "$status" -eq 1 ]
	[ "$output" = 'stock: no product "NOPE"' ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

@test "stock receive -n prints the move and books nothing" {
	tea
	run stock receive -n --sku TEA --qty 3 --cost 5
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "2026-11-18 10:00:00,main,TEA,receive,3,5.00,3,5.00" ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
	eq 0 "$(sql 'SELECT count(*) FROM stock')"
}

receipts() {
	cat >receipts.csv <<-'EOF'
	ref,supplier,sku,qty,cost,at
	PO1,Acme,TEA,10,5.00,2026-11-10
	PO1,Acme,CUP,4,30,2026-11-10
	PO2,Best,TEA,10,7.00,
	EOF
}

@test "stock receive FILE books each line, and twice books nothing more" {
	tea
	stock add --sku CUP --name Cup --price 80 >/dev/null
	receipts
	run --separate-stderr stock receive receipts.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "stock: receipts.csv: 3 booked, 0 booked already, 0 rejected" ]
	eq "20|600" "$(sql "SELECT on_hand, avg_cost FROM stock
	    JOIN product p ON p.id = product_id WHERE sku = 'TEA'")"
	eq "2026-11-10 00:00:00 2026-11-18 10:00:00" \
	    "$(sql "SELECT DISTINCT at FROM move ORDER BY at" | xargs -d '\n')"
	before=$(sql 'SELECT * FROM move; SELECT * FROM stock')
	run --separate-stderr stock receive - <receipts.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "stock: stdin: 0 booked, 3 booked already, 0 rejected" ]
	eq "$before" "$(sql 'SELECT * FROM move; SELECT * FROM stock')"
	eq 0 "$(book_breaches)"
}

@test "stock receive FILE: bad lines are rejected, the good ones booked (exit 65)" {
	tea
	cat >r.csv <<-'EOF'
	ref,supplier,sku,qty,cost
	PO1,Acme,TEA,10,5
	,Acme,TEA,1,5
	PO2,Acme,NOPE,1,5
	PO3,Acme,TEA,0,5
	PO4,Acme,TEA,1,5.5.5
	PO5,Acme,TEA,1,
	EOF
	run --separate-stderr stock receive r.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	[ "$stderr" = "stock: r.csv: 1 booked, 0 booked already, 5 rejected" ]
	eq 'ref,supplier,sku,qty,cost,error
,Acme,TEA,1,5,r.csv:3: ref: empty: a receipt needs its number to be booked once
PO2,Acme,NOPE,1,5,"r.csv:4: sku: no product ""NOPE"""
PO3,Acme,TEA,0,5,"r.csv:5: qty: not a whole number from 1 to 1000000000: ""0"""
PO4,Acme,TEA,1,5.5.5,"r.csv:6: cost: not an amount (yuan, at most two decimals: 12.50): ""5.5.5"""
PO5,Acme,TEA,1,,r.csv:7: cost: empty' "$(cat rej.csv)"
	eq 10 "$(on_hand TEA)"
	eq 0 "$(book_breaches)"
}

@test "stock receive FILE --strict books nothing when a line is bad" {
	tea
	printf 'ref,sku,qty,cost\nPO1,TEA,1,5\nPO2,TEA,x,5\n' >r.csv
	run stock receive --strict -q r.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

@test "stock receive FILE needs ref, sku, qty and cost columns" {
	printf 'sku,qty,cost\nTEA,1,5\n' >r.csv
	run stock receive r.csv
	[ "$status" -eq 65 ]
	[ "$output" = "stock: r.csv:1: ref: column needed" ]
	run stock receive missing.csv
	[ "$status" -eq 66 ]
	run stock receive --qty 3 r.csv
	[ "$status" -eq 64 ]
}

@test "stock receive FILE --at dates the lines without an at" {
	tea
	printf 'ref,sku,qty,cost,at,note\nPO1,TEA,1,5,,x\nPO2,TEA,1,5,2026-11-02 09:00,y\n' >r.csv
	run stock receive --ignore-unknown -q --at 2026-11-01 r.csv
	[ "$status" -eq 0 ]
	eq "2026-11-01 00:00:00 2026-11-02 09:00:00" \
	    "$(sql 'SELECT at FROM move ORDER BY at' | xargs -d '\n')"
}

@test "stock receive --input jsonl" {
	tea
	printf '%s\n' '{"ref":"PO1","sku":"TEA","qty":3,"cost":"4.50"}' \
	    '{"ref":"PO2","sku":"TEA","qty":"x","cost":"4.50"}' >r.jsonl
	run --separate-stderr stock receive --input jsonl r.jsonl --rejects rej.jsonl
	[ "$status" -eq 65 ]
	eq "3|450" "$(sql 'SELECT on_hand, avg_cost FROM stock')"
	eq "PO2" "$(jq -r .ref rej.jsonl)"
	[[ "$(jq -r .error rej.jsonl)" == 'r.jsonl:2: qty: not a whole number'* ]]
}

@test "stock receive FILE -n reports and books nothing" {
	tea
	stock add --sku CUP --name Cup --price 80 >/dev/null
	receipts
	run --separate-stderr stock receive -n receipts.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = "stock: dry run: receipts.csv: 3 booked, 0 booked already, 0 rejected" ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

# --- adjust -----------------------------------------------------------

@test "stock adjust books the change with its reason" {
	tea
	stock receive --sku TEA --qty 10 --cost 5 >/dev/null
	run stock adjust --sku TEA --qty -3 --reason "broken in transit"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "2026-11-18 10:00:00,main,TEA,adjust,-3,,7,5.00" ]
	run stock adjust --sku TEA --qty +1 --reason found --at 2026-11-17
	[ "$status" -eq 0 ]
	eq 8 "$(on_hand TEA)"
	# every move carries its unit cost: an adjustment's is the average
	eq "adjust|-3|500|broken in transit
adjust|1|500|found" "$(sql "SELECT kind, qty, cost, reason FROM move
	    WHERE kind = 'adjust' ORDER BY id")"
	eq 500 "$(avg_cost TEA)"
	eq 0 "$(book_breaches)"
}

@test "stock adjust may take on hand below zero" {
	tea
	run stock adjust --sku TEA --qty -2 --reason lost
	[ "$status" -eq 0 ]
	eq -2 "$(on_hand TEA)"
}

@test "stock adjust needs --sku, a non-zero --qty and a --reason (exit 64)" {
	tea
	run stock adjust --sku TEA --qty -3
	[ "$status" -eq 64 ]
	eq "stock: adjust needs --reason
try 'stock adjust --help'" "$output"
	run stock adjust --sku TEA --qty 0 --reason x
	[ "$status" -eq 64 ]
	run stock adjust --sku TEA --qty 1 --reason "  "
	[ "$status" -eq 64 ]
	run stock adjust --sku TEA --qty 1.5 --reason x
	[ "$status" -eq 64 ]
	run stock adjust --sku NOPE --qty 1 --reason x
	[ "$status" -eq 1 ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

@test "stock adjust and count are for a manager once staff are registered" {
	tea
	staff
	printf 'sku,counted\nTEA,3\n' >count.csv
	run as tester stock adjust --sku TEA --qty 1 --reason found
	[ "$status" -eq 77 ]
	[ "$output" = 'stock: stock adjust needs a manager; operator "tester" is a cashier' ]
	run as tester stock count count.csv
	[ "$status" -eq 77 ]
	[ "$output" = 'stock: stock count needs a manager; operator "tester" is a cashier' ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
	run stock --operator nobody list
	[ "$status" -eq 77 ]
	# a cashier receives goods; a manager adjusts and counts
	run as tester stock receive --sku TEA --qty 1 --cost 5
	[ "$status" -eq 0 ]
	run as mgr stock adjust --sku TEA --qty 1 --reason found
	[ "$status" -eq 0 ]
	run as boss stock count -q count.csv
	[ "$status" -eq 0 ]
	eq "tester mgr boss" "$(sql 'SELECT operator FROM move ORDER BY id' | xargs)"
	eq 3 "$(on_hand TEA)"
}

@test "stock adjust -n prints and books nothing" {
	tea
	run stock adjust -n --sku TEA --qty 5 --reason found
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "2026-11-18 10:00:00,main,TEA,adjust,5,,5,50.00" ]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

# --- count ------------------------------------------------------------

@test "stock count books the differences and prints them" {
	tea
	stock add --sku CUP --name Cup --price 80 >/dev/null
	stock add --sku BAG --name Bag --price 1 >/dev/null
	stock receive --sku TEA --qty 10 --cost 5 >/dev/null
	stock receive --sku CUP --qty 4 --cost 30 >/dev/null
	printf 'sku,counted\nTEA,8\nCUP,4\nBAG,2\n' >count.csv
	run --separate-stderr stock count count.csv
	[ "$status" -eq 0 ]
	eq "sku,on_hand,counted,difference
TEA,10,8,-2
CUP,4,4,0
BAG,0,2,2" "$output"
	[ "$stderr" = "stock: count.csv: 3 counted, 2 differences booked, 0 rejected" ]
	eq "TEA|-2|stocktake
BAG|2|stocktake" "$(sql "SELECT sku, qty, reason FROM move JOIN product p
	    ON p.id = product_id WHERE kind = 'count' ORDER BY move.id")"
	eq 8 "$(on_hand TEA)"
	eq 0 "$(book_breaches)"
	# the same count again books nothing
	run stock count -q count.csv
	[ "$status" -eq 0 ]
	eq 2 "$(sql "SELECT count(*) FROM move WHERE kind = 'count'")"
}

@test "stock count: a SKU on two rows is counted as their sum" {
	tea
	stock receive --sku TEA --qty 10 --cost 5 >/dev/null
	printf 'sku,counted\nTEA,4\nTEA,3\n' >count.csv
	run --separate-stderr stock count count.csv
	[ "$status" -eq 0 ]
	eq "sku,on_hand,counted,difference
TEA,10,4,-6
TEA,4,7,3" "$output"
	eq 7 "$(on_hand TEA)"
}

@test "stock count: bad rows rejected, good ones booked (exit 65); --strict books none" {
	tea
	printf 'sku,counted\nTEA,3\nNOPE,1\nTEA,-1\nTEA,\n' >count.csv
	run --separate-stderr stock count count.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	[ "$output" = "sku,on_hand,counted,difference
TEA,0,3,3" ]
	eq 'sku,counted,error
NOPE,1,"count.csv:3: sku: no product ""NOPE"""
TEA,-1,"count.csv:4: counted: not a whole number from 0 to 1000000000: ""-1"""
TEA,,count.csv:5: counted: empty' "$(cat rej.csv)"
	eq 3 "$(on_hand TEA)"
	printf 'sku,counted\nTEA,9\nNOPE,1\n' >count2.csv
	run stock count --strict count2.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	eq 3 "$(on_hand TEA)"
}

@test "stock count needs sku and counted columns; --store counts that store" {
	tea
	printf 'sku\nTEA\n' >count.csv
	run stock count count.csv
	[ "$status" -eq 65 ]
	[ "$output" = "stock: count.csv:1: counted: column needed" ]
	printf 'sku,counted\nTEA,5\n' | stock count -q --store east - >/dev/null
	eq 5 "$(on_hand TEA east)"
	eq "" "$(on_hand TEA main)"
}

@test "stock count -n prints the differences and books nothing" {
	tea
	printf 'sku,counted\nTEA,5\n' >count.csv
	run --separate-stderr stock count -n count.csv
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "TEA,0,5,5" ]
	[[ "$stderr" == "stock: dry run: "* ]]
	eq 0 "$(sql 'SELECT count(*) FROM move')"
}

# --- list -------------------------------------------------------------

shop() {	# two stores, one product short, one negative, one untouched
	tea
	stock add --sku CUP --name Cup --price 80 --cost 30 --category ware \
	    --reorder 2 >/dev/null
	stock add --sku BAG --name Bag --price 1 --cost 0.2 --reorder 0 >/dev/null
	stock receive --sku TEA --qty 10 --cost 5 >/dev/null
	stock receive --sku CUP --qty 2 --cost 30 >/dev/null
	stock receive --store east --sku TEA --qty 3 --cost 6 >/dev/null
	stock adjust --store east --sku CUP --qty -1 --reason broken >/dev/null
}

@test "stock list: one row per store and SKU, valued at average cost, with price and list cost" {
	shop
	run stock list
	[ "$status" -eq 0 ]
	eq "store,sku,name,category,on_hand,reorder_level,avg_cost,value,price,cost,no_points,gift_points
east,BAG,Bag,,0,0,0.20,0.00,1.00,0.20,0,
east,CUP,Cup,ware,-1,2,30.00,-30.00,80.00,30.00,0,
east,TEA,龙井,tea,3,5,6.00,18.00,120.00,50.00,0,
main,BAG,Bag,,0,0,0.20,0.00,1.00,0.20,0,
main,CUP,Cup,ware,2,2,30.00,60.00,80.00,30.00,0,
main,TEA,龙井,tea,10,5,5.00,50.00,120.00,50.00,0," "$output"
	eq 0 "$(book_breaches)"
}

@test "stock list --store and \$JIFEN_STORE narrow to one store" {
	shop
	run stock list --store east
	[ "$status" -eq 0 ]
	eq 4 "${#lines[@]}"
	[ "${lines[3]}" = "east,TEA,龙井,tea,3,5,6.00,18.00,120.00,50.00,0," ]
	JIFEN_STORE=main run stock list
	eq 4 "${#lines[@]}"
	[ "${lines[3]}" = "main,TEA,龙井,tea,10,5,5.00,50.00,120.00,50.00,0," ]
	run stock list --store west
	[ "${lines[1]}" = "west,BAG,Bag,,0,0,0.20,0.00,1.00,0.20,0," ]
}

@test "stock list --low, --negative, --category" {
	shop
	run stock list --low
	eq "store,sku,name,category,on_hand,reorder_level,avg_cost,value,price,cost,no_points,gift_points
east,BAG,Bag,,0,0,0.20,0.00,1.00,0.20,0,
east,CUP,Cup,ware,-1,2,30.00,-30.00,80.00,30.00,0,
east,TEA,龙井,tea,3,5,6.00,18.00,120.00,50.00,0,
main,BAG,Bag,,0,0,0.20,0.00,1.00,0.20,0,
main,CUP,Cup,ware,2,2,30.00,60.00,80.00,30.00,0," "$output"
	run stock list --negative
	eq "store,sku,name,category,on_hand,reorder_level,avg_cost,value,price,cost,no_points,gift_points
east,CUP,Cup,ware,-1,2,30.00,-30.00,80.00,30.00,0," "$output"
	run stock list --category tea --store main
	eq "store,sku,name,category,on_hand,reorder_level,avg_cost,value,price,cost,no_points,gift_points
main,TEA,龙井,tea,10,5,5.00,50.00,120.00,50.00,0," "$output"
	run stock list --low --negative --category ware --store east
	eq 2 "${#lines[@]}"
	run stock list --category none
	eq 1 "${#lines[@]}"
	run stock list extra
	[ "$status" -eq 64 ]
}

@test "stock list as JSON: money as strings, counts as numbers" {
	shop
	run stock list --store main --category tea -o json
	[ "$status" -eq 0 ]
	eq '[{"store":"main","sku":"TEA","name":"龙井","category":"tea","on_hand":10,"reorder_level":5,"avg_cost":"5.00","value":"50.00","price":"120.00","cost":"50.00","no_points":0,"gift_points":null}]' \
	    "$(jq -c . <<<"$output")"
}

@test "stock list on an empty book prints the header only" {
	empty_book
	run stock list
	[ "$status" -eq 0 ]
	[ "$output" = "store,sku,name,category,on_hand,reorder_level,avg_cost,value,price,cost,no_points,gift_points" ]
}

# what a book holds of its products, for two books to agree on
products_of() {	# [DB]: another book is an SQLite file
	local q="SELECT sku, name,
	  coalesce(category, '-'), price, cost, reorder_level, no_points,
	  coalesce(CAST(gift_points AS TEXT), '-') FROM product ORDER BY sku"

	if [ $# -eq 0 ]; then
		sql "$q"
	else
		sqlite3 -batch -noheader "$1" "$q"
	fi
}

@test "stock list -o csv | stock import carries every product, price and all, to another book" {
	shop
	stock add --sku MUG --name 'Mug, "big"' --price 5.5 --no-points \
	    --gift-points 300 >/dev/null
	# a row per store and SKU: each product twice, the second unchanged
	stock list -o csv >list.csv
	run --separate-stderr stock -d b.db import list.csv
	[ "$status" -eq 0 ]
	eq "stock: list.csv: 4 added, 0 updated, 4 unchanged, 0 rejected" "$stderr"
	eq "$(products_of)" "$(products_of b.db)"
	eq "MUG|Mug, \"big\"|-|550|0|0|1|300" "$(products_of b.db | grep ^MUG)"
	# products, not stock: the other book's stock moves by its own book
	eq 0 "$(sqlite3 b.db 'SELECT count(*) FROM move')"
	run stock -d b.db list --store main -o csv
	eq "main,TEA,龙井,tea,0,5,50.00,0.00,120.00,50.00,0," "${lines[4]}"
	# again, or back into the book it came from: nothing changes
	run --separate-stderr stock -d b.db import list.csv
	eq "stock: list.csv: 0 added, 0 updated, 8 unchanged, 0 rejected" "$stderr"
	run --separate-stderr stock import list.csv
	[ "$status" -eq 0 ]
	eq "stock: list.csv: 0 added, 0 updated, 8 unchanged, 0 rejected" "$stderr"
	# JSON Lines, and a pipe
	stock list -o jsonl --store main | stock -d c.db import -q --input jsonl
	eq "$(products_of)" "$(products_of c.db)"
	stock list -o csv | stock -d d.db import -q -
	eq "$(products_of)" "$(products_of d.db)"
}

@test "stock import of a list with prices changed updates those prices" {
	shop
	stock list --store main -o csv >list.csv
	stock -d b.db import -q list.csv
	sed -i 's/,120\.00,50\.00,/,128.00,52.50,/' list.csv
	run --separate-stderr stock -d b.db import list.csv
	[ "$status" -eq 0 ]
	eq "stock: list.csv: 0 added, 1 updated, 2 unchanged, 0 rejected" "$stderr"
	eq "12800|5250" "$(sqlite3 b.db "SELECT price, cost FROM product
	    WHERE sku = 'TEA'")"
	# on_hand and value are not read: the stock is the book's
	sed -i 's/^main,TEA,龙井,tea,10,/main,TEA,龙井,tea,99,/' list.csv
	stock import -q list.csv
	eq 10 "$(on_hand TEA)"
}

# --- show -------------------------------------------------------------

@test "stock show: the product, its stock and value in the store, its last receipt and sale" {
	shop
	JIFEN_NOW="2026-11-19 09:30:00" stock receive --sku TEA --qty 10 \
	    --cost 7 >/dev/null
	JIFEN_NOW="2026-11-20 16:05:00" sale add TEA:3 >/dev/null
	run --separate-stderr stock show TEA
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	eq "sku,name,category,price,cost,reorder_level,no_points,gift_points,store,on_hand,avg_cost,value,last_received,last_sale,gift_limit,gift_from,gift_to
TEA,龙井,tea,120.00,50.00,5,0,,main,17,6.00,102.00,2026-11-19 09:30:00,2026-11-20 16:05:00,,," "$output"
	# value is on hand x average cost, in fen, as stock list has it
	eq "$(stock list --store main -o jsonl | jq -r 'select(.sku == "TEA") | .value')" \
	    "$(stock show TEA -o jsonl | jq -r .value)"
	# never received nor sold: empty dates; on hand below zero, valued so
	run stock show --store east CUP
	eq "CUP,Cup,ware,80.00,30.00,2,0,,east,-1,30.00,-30.00,,,,," "${lines[1]}"
}

@test "stock show --store and \$JIFEN_STORE: that store's stock; where it never moved, 0 at list cost" {
	shop
	run stock show --store east TEA
	eq "TEA,龙井,tea,120.00,50.00,5,0,,east,3,6.00,18.00,2026-11-18 10:00:00,,,," "${lines[1]}"
	JIFEN_STORE=east run stock show TEA
	eq "TEA,龙井,tea,120.00,50.00,5,0,,east,3,6.00,18.00,2026-11-18 10:00:00,,,," "${lines[1]}"
	run stock show --store west TEA
	eq "TEA,龙井,tea,120.00,50.00,5,0,,west,0,50.00,0.00,,,,," "${lines[1]}"
}

@test "stock show -o json is one object; jsonl one line; a gift shows its points and goes out as a sale" {
	shop
	stock add --sku MUG --name Mug --price 5 --no-points --gift-points 300 \
	    >/dev/null
	stock receive --sku MUG --qty 4 --cost 2.5 --at 2026-11-02 >/dev/null
	# a gift given goes out as a sale does
	member add --phone 13800000001 >/dev/null
	points adjust M0000001 +500 --reason welcome >/dev/null
	redeem gift M0000001 MUG >/dev/null
	run --separate-stderr stock show -o json MUG
	[ "$status" -eq 0 ]
	eq '{"sku":"MUG","name":"Mug","category":null,"price":"5.00","cost":"0.00","reorder_level":0,"no_points":1,"gift_points":300,"store":"main","on_hand":3,"avg_cost":"2.50","value":"7.50","last_received":"2026-11-02 00:00:00","last_sale":"2026-11-18 10:00:00","gift_limit":null,"gift_from":null,"gift_to":null}' \
	    "$(jq -c . <<<"$output")"
	run stock show -o jsonl TEA
	eq 1 "${#lines[@]}"
	eq "main 10 50.00" "$(jq -r '"\(.store) \(.on_hand) \(.value)"' <<<"$output")"
	run stock show -o table TEA
	eq 2 "${#lines[@]}"
	[[ "${lines[0]}" == "sku "*" last_sale  gift_limit  gift_from  gift_to" ]]
}

@test "stock show: an unknown SKU exits 1 and prints nothing; no or two SKUs exit 64" {
	shop
	run --separate-stderr stock show NOPE
	[ "$status" -eq 1 ]
	eq 'stock: no product "NOPE"' "$stderr"
	[ -z "$output" ]
	run --separate-stderr stock show -o json NOPE
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	run --separate-stderr stock show
	[ "$status" -eq 64 ]
	eq "stock: show needs SKU" "${stderr%%$'\n'*}"
	run stock show TEA CUP
	[ "$status" -eq 64 ]
	run stock show --low TEA
	[ "$status" -eq 64 ]
}

@test "stock show on a missing book exits 66 and makes none" {
	run --separate-stderr stock -d nowhere.db show TEA
	[ "$status" -eq 66 ]
	[ ! -e nowhere.db ]
}

@test "stock show -o csv | stock import copies one product to another book" {
	shop
	stock show -o csv CUP | stock -d b.db import -q
	eq "$(products_of | grep '^CUP|')" "$(products_of b.db)"
}

# --- moves ------------------------------------------------------------

@test "stock moves: every movement, in time order" {
	shop
	stock receive --sku TEA --qty 1 --cost 5 --ref PO9 --supplier Acme \
	    --at "2026-11-01 09:00" >/dev/null
	run stock moves
	[ "$status" -eq 0 ]
	eq "at,store,sku,kind,qty,cost,ref,supplier,reason,operator
2026-11-01 09:00:00,main,TEA,receive,1,5.00,PO9,Acme,,tester
2026-11-18 10:00:00,main,TEA,receive,10,5.00,,,,tester
2026-11-18 10:00:00,main,CUP,receive,2,30.00,,,,tester
2026-11-18 10:00:00,east,TEA,receive,3,6.00,,,,tester
2026-11-18 10:00:00,east,CUP,adjust,-1,30.00,,,broken,tester" "$output"
}

@test "stock moves --sku, --kind, --since, --until, --store" {
	shop
	stock receive --sku TEA --qty 1 --cost 5 --at "2026-11-01 09:00" >/dev/null
	run stock moves --sku CUP
	eq 3 "${#lines[@]}"
	run stock moves --kind adjust
	eq 2 "${#lines[@]}"
	[[ "${lines[1]}" == *",east,CUP,adjust,-1,"* ]]
	run stock moves --since 2026-11-02
	eq 5 "${#lines[@]}"
	run stock moves --until 2026-11-01
	eq 2 "${#lines[@]}"
	run stock moves --since 2026-11-18 --until 2026-11-18 --sku TEA --store main
	eq 2 "${#lines[@]}"
	run stock moves --store east -o jsonl
	eq 2 "${#lines[@]}"
	eq '"6.00"
"30.00"' "$(jq -c .cost <<<"$output")"
}

@test "stock moves: an unknown SKU is refused, a bad kind or date is a usage error" {
	empty_book
	run stock moves --sku NOPE
	[ "$status" -eq 1 ]
	[ "$output" = 'stock: no product "NOPE"' ]
	run stock moves --kind theft
	[ "$status" -eq 64 ]
	[[ "${lines[0]}" == *'--kind: receive, sale, return, redeem, adjust or count, not "theft"' ]]
	run stock moves --since 2026-13-01
	[ "$status" -eq 64 ]
	run stock moves x
	[ "$status" -eq 64 ]
}

# --- the invariant ----------------------------------------------------

@test "on hand is the sum of the stock book after a day of everything" {
	shop
	products
	stock import -q products.csv
	receipts
	stock receive -q receipts.csv
	stock adjust --sku BAG --qty -7 --reason mice >/dev/null
	printf 'sku,counted\nTEA,12\nCUP,1\nBAG,0\n' | stock count -q - >/dev/null
	printf 'sku,counted\nTEA,1\n' | stock count -q --store east - >/dev/null
	eq 0 "$(book_breaches)"
	eq "$(sql 'SELECT sum(qty) FROM move')" "$(sql 'SELECT sum(on_hand) FROM stock')"
	eq 0 "$(sql "SELECT count(*) FROM move WHERE audit_id NOT IN
	    (SELECT id FROM audit)")"
	# PostgreSQL checks its keys as it writes: SQLite's file, its own
	if ! on_pg; then
		eq "ok" "$(sql 'PRAGMA integrity_check')"
		eq "" "$(sql 'PRAGMA foreign_key_check')"
	fi
}

# Issue 17: split deliveries, and the rejects of stock's batches.

@test "stock receive: the lines of one SKU on one purchase order are summed; a re-import books nothing twice" {
	stock add --sku A --name Apple --price 2 >/dev/null
	stock add --sku B --name Bean --price 3 >/dev/null
	printf 'ref,supplier,sku,qty,cost\nPO1,S,A,5,1.00\nPO1,S,B,1,2.00\nPO1,S,A,3,1.00\nPO2,S,A,2,1.20\n' >r.csv
	run --separate-stderr stock receive r.csv
	[ "$status" -eq 0 ]
	eq "stock: r.csv: 4 booked, 0 booked already, 0 rejected" "$stderr"
	eq "A|PO1|8|100
A|PO2|2|120
B|PO1|1|200" "$(sql "SELECT p.sku, m.ref, m.qty, m.cost FROM move m
	    JOIN product p ON p.id = m.product_id ORDER BY p.sku, m.ref")"
	eq 10 "$(sql "SELECT on_hand FROM stock JOIN product p ON p.id = product_id WHERE p.sku = 'A'")"
	run --separate-stderr stock receive r.csv
	[ "$status" -eq 0 ]
	eq "stock: r.csv: 0 booked, 4 booked already, 0 rejected" "$stderr"
	eq 10 "$(sql "SELECT on_hand FROM stock JOIN product p ON p.id = product_id WHERE p.sku = 'A'")"
}

@test "stock receive: a second line of a purchase order at another cost is rejected, never dropped" {
	stock add --sku A --name Apple --price 2 >/dev/null
	printf 'ref,supplier,sku,qty,cost\nPO1,S,A,5,1.00\nPO1,S,A,3,1.50\n' >r.csv
	run --separate-stderr stock receive r.csv --rejects rej.csv
	[ "$status" -eq 65 ]
	eq 'PO1,S,A,3,1.50,"r.csv:3: receipt ""PO1"" of ""A"" has a line at 1.00 in this file: a line at 1.50 needs a ref of its own"' "$(sed -n 2p rej.csv)"
	eq 5 "$(sql 'SELECT sum(qty) FROM move')"
}

@test "stock import and receive: --rejects naming the book or the input is refused; a full disk is an error" {
	empty_book
	printf 'sku,name,price\nA,Apple,1\nB,,1\n' >p.csv
	run --separate-stderr stock import p.csv --rejects "$JIFEN_DB"
	[ "$status" -eq 64 ]
	eq "stock: --rejects: $JIFEN_DB: is the book; name another file
try 'stock import --help'" "$stderr"
	printf 'ref,supplier,sku,qty,cost\nPO1,S,A,5,1.00\n' >r.csv
	run --separate-stderr stock receive r.csv --rejects r.csv
	[ "$status" -eq 64 ]
	eq "stock: --rejects: r.csv: is the input; name another file
try 'stock receive --help'" "$stderr"
	eq 0 "$(sql 'SELECT count(*) FROM product')"
	run --separate-stderr stock import p.csv --rejects /dev/full
	[ "$status" -eq 70 ]
	[[ "$stderr" == *"stock: /dev/full: rejects not written: No space left on device"* ]]
}
