#!/bin/sh
# Runs the C unit tests and every bats suite as TAP, and ends with the
# line "N passed, N failed" that CI reads.  Exit status 1 on a failure.
O=${O:-build}
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
for t in "$O"/unit/*; do
	[ -x "$t" ] || continue
	echo "# unit: ${t##*/}"
	"$t" | tee -a "$out" || status=1
done
# SUITES="member sale" runs only those bats suites
suites=tests/*.bats
if [ -n "${SUITES:-}" ]; then
	suites=$(for s in $SUITES; do printf 'tests/%s.bats ' "$s"; done)
fi
for b in $suites; do
	[ -f "$b" ] || continue
	echo "# bats: $b"
	O="$O" bats --tap "$b" | tee -a "$out" || status=1
done
if command -v mandoc >/dev/null 2>&1; then
	for m in share/man/man1/*.1 share/man/man7/*.7; do
		[ -f "$m" ] || continue
		if lint=$(mandoc -Tlint -Wwarning "$m" 2>&1) && [ -z "$lint" ]; then
			echo "ok - mandoc -Tlint $m" | tee -a "$out"
		else
			echo "not ok - mandoc -Tlint $m" | tee -a "$out"
			echo "$lint" | sed 's/^/# /'
			status=1
		fi
	done
fi
# every tool's completions parse in each shell that is installed
for t in member stock sale points redeem expire report jifen; do
	for sh in bash zsh fish; do
		case $sh in
		bash) f=completions/bash/$t ;;
		zsh) f=completions/zsh/_$t ;;
		fish) f=completions/fish/$t.fish ;;
		esac
		command -v $sh >/dev/null 2>&1 || continue
		if [ -f "$f" ] && $sh -n "$f" 2>/dev/null; then
			echo "ok - $sh -n $f" | tee -a "$out"
		else
			echo "not ok - $sh -n $f" | tee -a "$out"
			status=1
		fi
	done
done
pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
