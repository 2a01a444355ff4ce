#!/bin/sh
# make bench: speed, measured against a baseline run in the same go, as
# ratios, because the machines are shared and noisy.  Each part is a
# script in share/bench/ (BENCH_ONLY=name runs those whose name holds
# it); each prints its figures and RESULT lines (book.inc's result), of
# which this prints one summary table at the end, in the shape of issue
# 15's: work, jifen, baseline, ratio, goal.  Sizes: BENCH_MEMBERS,
# BENCH_PRODUCTS, SALE_LINES, AUDIT_LINES (share/bench/sale.sh), TILL_*
# (till.sh), REPORT_* (report.sh).
set -eu
O=${O:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $O in /*) bin=$O/bin ;; *) bin=$top/$O/bin ;; esac
BENCH_RESULTS=$(mktemp "${TMPDIR:-/tmp}/jifen-bench-results.XXXXXX")
trap 'rm -f "$BENCH_RESULTS"' EXIT
export PATH="$bin:$PATH" O top BENCH_RESULTS
t0=$(date +%s)
failed=
for b in "$top"/share/bench/*.sh; do
	[ -f "$b" ] || continue
	[ -n "${BENCH_ONLY:-}" ] && case ${b##*/} in *"$BENCH_ONLY"*) ;; *) continue ;; esac
	echo "== ${b##*/}"
	sh "$b" || failed="$failed ${b##*/}"
done
secs=$(($(date +%s) - t0))
echo
echo "== summary: $(date +%Y-%m-%d), $(uname -m), $(nproc 2>/dev/null || echo '?') cores," \
    "$(sqlite3 --version | cut -d' ' -f1) sqlite; make bench took $((secs / 60)) min $((secs % 60)) s"
echo
# RESULT name jifen baseline ratio goal work baseline-what, tab-separated;
# the rows in the issue's order, then any others
awk -F '\t' 'BEGIN {
	k = split("sale_essential sale_baseline sale_same sale_again " \
	    "member_full member_noemail member_full_py member_noemail_py " \
	    "member_full_again member_noemail_again till till_procs " \
	    "audit audit_full pg_sqlite pg_copy pg_again", order, " ")
	for (i = 1; i <= k; i++)
		rank[order[i]] = i
}
$1 == "RESULT" {
	base = $4 == "" ? "—" : ($8 == "" ? $4 : $8 ": " $4)
	if ($4 == "none") base = "none"
	r = $2 in rank ? rank[$2] : k + NR
	printf "%06d| %s | %s | %s | %s | %s |\n", r, $7, $3, base,
	    $5 == "" ? "—" : $5, $6 == "" ? "—" : $6
}' "$BENCH_RESULTS" | sort | {
	echo "| work | jifen | baseline | ratio | goal |"
	echo "|---|---|---|---|---|"
	cut -c7-
}
[ -z "$failed" ] || { echo "bench: failed:$failed" >&2; exit 1; }
