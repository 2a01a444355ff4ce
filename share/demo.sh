#!/bin/sh
# make demo: a demo tea shop's day on a fresh database, told as the shop
# owner would live it: members imported from the old system, goods in,
# a Saturday of sales (one paid partly with points, one returned), a gift
# redeemed, the store-close report, and cron's nightly expire and remind.
set -eu
O=${O:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $O in /*) bin=$O/bin ;; *) bin=$top/$O/bin ;; esac
PATH=$bin:$PATH
demo=$top/share/demo
dir=${JIFEN_DEMO_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/jifen-demo.XXXXXX")}
export JIFEN_DB="$dir/jifen.db" JIFEN_OPERATOR=owner TZ=${TZ:-Asia/Shanghai}
rm -f "$JIFEN_DB" "$JIFEN_DB-wal" "$JIFEN_DB-shm"

say() { printf '\n== %s\n' "$*"; }
day() { export JIFEN_NOW="$1"; }

say "Friday 2026-11-20: setting up the book in $JIFEN_DB"
day "2026-11-20 18:00:00"
member import -q "$demo/members.csv"
stock import -q "$demo/products.csv"
stock receive -q "$demo/receipts.csv"
member list -o table

say "Balances carried over from the old system (one lot bought two years ago)"
day "2024-11-10 12:00:00"
points adjust M0000001 +600 --reason "opening balance, old system" >/dev/null
day "2024-12-15 12:00:00"
points adjust M0000003 +150 --reason "opening balance, old system" >/dev/null
day "2026-11-20 18:30:00"
points balance M0000001 -o table

say "Saturday 2026-11-21: the till's sales imported at close (weekend: 1.5x points)"
day "2026-11-21 19:00:00"
sale import -q "$demo/sales.csv"
sale list --since 2026-11-21 -o table

say "A member pays part of a 336.00 order with 200 points (20.00 yuan)"
day "2026-11-21 19:10:00"
sale add --member M0000001 --receipt R-1121-007 --use-points 200 TEA-PE:2 -o table

say "Chen Jing brings back two cups from R-1121-005"
sale return R-1121-005 CUP-01:2 -o table

say "Li Qiang exchanges 300 points for a tea tin"
redeem gift M0000002 GIFT-TIN -o table
redeem catalog -o table

say "Store close: the daily report"
day "2026-11-21 21:00:00"
report daily --date 2026-11-21 -o table

say "What the day earned: sales by product, at cost and margin"
report sales --by product --since 2026-11-21 --until 2026-11-21 -o table

say "What was bought, from whom (进), and the stock's value reconciled"
report purchases -o table
report stock --since 2026-11-20 --until 2026-11-21 -o table

say "Stock after the day"
stock list -o table

say "Night (cron, 02:00): points past their last valid day expire"
day "2026-11-22 02:00:00"
expire -o table
say "Night (cron): reminders for points expiring within 30 days, for the SMS gateway"
expire remind -o csv

say "Sunday 2026-11-22: the owner plans December's marketing"
day "2026-11-22 10:00:00"
cat > "$dir/marketing.json" <<'EOF'
{ "holidays": ["2026-12-25"],
  "multipliers": [ { "name": "weekend", "days": ["sat", "sun"], "factor": "1.5" },
                   { "name": "christmas", "days": ["holiday"], "factor": "2" } ],
  "thresholds": [ { "name": "december-500", "min_paid": "500.00", "points": 100,
                    "from": "2026-12-01", "to": "2026-12-31" } ],
  "tiers": [ { "name": "normal", "min_points": 0, "factor": "1" },
             { "name": "silver", "min_points": 1000, "factor": "1.2" },
             { "name": "gold", "min_points": 2000, "factor": "1.5",
               "discount": "0.95", "gift_discount": "0.90" } ] }
EOF
points rules load --at "2026-12-01 00:00:00" "$dir/marketing.json" >/dev/null
points rules --at "2026-12-01 00:00:00" -o table
stock update GIFT-TIN --gift-limit 1 -o table

say "Friday 2026-12-25: Christmas (2x), and 满500送100: Wang Fang spends 576.00"
day "2026-12-25 15:00:00"
sale add --member M0000001 --receipt R-1225-001 TEA-PE:2 POT-01:1@240.00 -o table
points explain R-1225-001 -o table

say "Now gold, Wang Fang reserves a tea tin (300 points, 10% off for gold) for next week"
member show M0000001 -o table
redeem reserve M0000001 GIFT-TIN --days 7 -o table
say "A second one is refused: the tin is limited to one a member"
redeem gift M0000001 GIFT-TIN -o table 2>&1 || true
day "2026-12-28 11:00:00"
redeem pickup R0000002 -o table

say "New Year draw (积分抽奖): two tea tins; 100 points a ticket; the seed's hash is published"
# the owner keeps the seed secret until the draw is run
printf '%s\n' "tea shop new year 2027, kept in the safe" > "$dir/newyear.seed"
redeem draw open "New Year" --sku GIFT-TIN --prizes 2 --ticket-points 100 \
    --seed-file "$dir/newyear.seed" -o table
redeem draw ticket D0000001 M0000001 --qty 3 -o table
redeem draw ticket D0000001 M0000002 --qty 2 -o table
redeem draw ticket D0000001 M0000003 --qty 1 -o table
day "2026-12-31 20:00:00"
say "New Year's Eve: the owner runs it with the seed; anyone can recompute the winners"
redeem draw run D0000001 --seed-file "$dir/newyear.seed" -o table
redeem draw tickets D0000001 -o table

say "What to offer Li Qiang, and who bought pu-erh (for a campaign)"
report recommend M0000002 --top 3 -o table
member list --bought TEA-PE -o table

say "The month's staff figures, for the till staff's bonus"
report staff --since 2026-11-01 --until 2026-12-31 -o table

say "Members now"
member list -o table
report audit
echo
echo "The demo book is $JIFEN_DB; try: JIFEN_DB=$JIFEN_DB member show M0000001"
