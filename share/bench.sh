#!/bin/sh
# make bench: speed, measured against a baseline run in the same go, as
# ratios, because the machines are shared and noisy.  Each part is a
# script in share/bench/; BENCH_MEMBERS sets the member file's size.
set -eu
O=${O:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
case $O in /*) bin=$O/bin ;; *) bin=$top/$O/bin ;; esac
export PATH="$bin:$PATH" O top
for b in "$top"/share/bench/*.sh; do
	[ -f "$b" ] || continue
	[ -n "${BENCH_ONLY:-}" ] && case $b in *"$BENCH_ONLY"*) ;; *) continue ;; esac
	echo "== ${b##*/}"
	sh "$b"
done
