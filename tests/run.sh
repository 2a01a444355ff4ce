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
for b in tests/*.bats; do
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
pass=$(grep -c '^ok ' "$out")
fail=$(grep -c '^not ok ' "$out")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$status" -eq 0 ]
