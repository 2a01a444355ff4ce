#!/usr/bin/env bats
# The seeded simulation of issue 9 (tests/sim/sim.py): random operations
# run through the built tools and checked, step by step, against a model
# of DESIGN.md section 4.  Four seeds, 15 s each; `make sim SEED=... STEPS=...`
# runs longer.  A failure prints the seed and the shortest sequence of
# operations that reproduces it.  The features of issue 9 are on by default
# (sim.py --help); `make sim FEATURES=-name` turns one off.

load helper

@test "sim: four seeds agree with the model of the points book" {
	command -v python3 >/dev/null || skip "python3 not installed"
	run python3 "$TOP/tests/sim/sim.py" --seeds 1,2,3,4 --seconds 15 \
		--shrink-seconds 60 --keep "$BATS_TEST_TMPDIR"
	echo "$output"
	[ "$status" -eq 0 ]
}

# Runs the long runs once found wrong, replayed as they were.
@test "sim: the cases long runs found replay clean" {
	command -v python3 >/dev/null || skip "python3 not installed"
	for f in "$TOP"/tests/sim/cases/*.jsonl; do
		run python3 "$TOP/tests/sim/sim.py" --replay "$f" \
			--shrink-seconds 0
		[ "$status" -eq 0 ] || { echo "$f"; echo "$output" | tail -20; return 1; }
	done
}
