#!/bin/sh
# make fuzz: runs each harness named for $FUZZ_SECONDS, one after the
# other, and ends with a line per harness: executions, executions per
# second, coverage, and any crash.  Exit status 1 if one crashed.
#
# Corpora grow in $F/corpus/NAME across runs; the seeds are rebuilt each
# time from share/demo, share/rules.json and tests/fuzz/seeds.  A crash,
# leak or failed property leaves $F/artifacts/NAME-crash-*; replay it
# with `$F/NAME FILE` (the importers want JIFEN_FUZZ_DB=$F/demo/jifen.db).
set -eu
F=${F:-build-fuzz}
S=${FUZZ_SECONDS:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
sd=tests/fuzz/seeds
demo=share/demo

# The book the importers start from: the demo's day, with plain tools.
rm -rf "$F/demo"
JIFEN_DEMO_DIR=$top/$F/demo O=$F/tools sh share/demo.sh >"$F/demo.log" 2>&1 ||
	{ echo "fuzz: share/demo.sh failed, see $F/demo.log" >&2; exit 1; }
export JIFEN_FUZZ_DB="$top/$F/demo/jifen.db"

# Bytes from octal escapes, for the earning formula's binary seeds.
bytes() { printf "$@"; }

seed() {
	name=$1; shift
	rm -rf "$F/seeds/$name"
	mkdir -p "$F/seeds/$name" "$F/corpus/$name"
	for f in "$@"; do cp "$f" "$F/seeds/$name/"; done
}

seed csv $demo/*.csv $sd/counts.csv $sd/sales-more.csv
seed jsonl $sd/jsonl/*.jsonl
seed rules share/rules.json $sd/rules/*.json
seed member-import $demo/members.csv $sd/jsonl/members.jsonl
seed stock-import $demo/products.csv $sd/jsonl/products.jsonl
seed stock-receive $demo/receipts.csv $sd/jsonl/receipts.jsonl
seed stock-count $sd/counts.csv
seed sale-import $demo/sales.csv $sd/sales-more.csv $sd/jsonl/sales.jsonl
seed earn
# a Saturday evening 2026-11-21 19:30, silver, 4 lines, then the rules
hdr='\001\032\012\024\023\036\001\003'
line='\002\002\000\000\000\000\000\000\001\000\000\000\000\000\000\000\000\000\000'
line2='\003\003\002\000\000\000\000\000\000\100\000\000\000\000\000\005\365\341\000'
off='\000\000\000\000\000\000\047\020'
for r in share/rules.json $sd/rules/*.json; do
	b=$(basename "$r" .json)
	{ bytes "$hdr$line$line2$line$line2$off"; cat "$r"; } \
	    >"$F/seeds/earn/$b"
	bytes "$hdr$line$line2$line$line2$off" >"$F/seeds/earn/$b-default"
done

maxlen() {
	case $1 in
	csv|jsonl) echo 140000 ;;	# past a 64 KiB line and libcsv's cap
	sale-import) echo 65536 ;;	# a receipt of 1000 lines
	rules) echo 16384 ;;
	*) echo 4096 ;;
	esac
}

mkdir -p "$F/artifacts" "$F/logs"
status=0
summary=""
for name in "$@"; do
	log=$F/logs/$name.log
	echo "fuzz: $name for ${S}s" >&2
	"$F/$name" -max_total_time="$S" -print_final_stats=1 \
	    -close_fd_mask=3 -timeout=10 -rss_limit_mb=2048 \
	    -max_len="$(maxlen "$name")" \
	    -artifact_prefix="$F/artifacts/$name-" \
	    "$F/corpus/$name" "$F/seeds/$name" >"$log" 2>&1 && rc=0 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	corp=$(ls "$F/corpus/$name" | wc -l)
	if [ "$rc" = 0 ]; then
		res=ok
	else
		status=1
		res="CRASH, see $log; $(grep -o "$F/artifacts/$name-[^ ]*" \
		    "$log" | tail -1)"
	fi
	summary="$summary$(printf '%-14s %10s execs %7s/s  cov %5s  corpus %5s  %s' \
	    "$name" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$corp" "$res")
"
done
printf '%s' "$summary"
exit $status
