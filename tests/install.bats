#!/usr/bin/env bats
# install: make install puts jifen in bin/ and the seven tools, whose
# names are too common for bin/, in libexec/jifen, with bin/ links
# unless BINLINKS=no; make uninstall takes all of it away (issue 12).

load helper
bats_require_minimum_version 1.5.0

inst() {
	make -s -C "$TOP" O="$O" DESTDIR="$BATS_TEST_TMPDIR/root" "$@" >/dev/null
}

@test "make install: jifen in bin, the tools in libexec/jifen, linked from bin" {
	inst install
	r=$BATS_TEST_TMPDIR/root/usr/local
	[ -x "$r/bin/jifen" ] && [ ! -L "$r/bin/jifen" ]
	for t in member stock sale points redeem expire report; do
		[ -x "$r/libexec/jifen/$t" ]
		eq "/usr/local/libexec/jifen/$t" "$(readlink "$r/bin/$t")"
		[ -f "$r/share/man/man1/$t.1" ]
		[ -f "$r/share/man/zh_CN/man1/$t.1" ]
	done
	[ -f "$r/share/locale/zh_CN/LC_MESSAGES/jifen.mo" ]
	[ -f "$r/share/bash-completion/completions/jifen" ]
	# jifen runs them from there
	JIFEN_EXEC_PATH=$r/libexec/jifen run "$r/bin/jifen" member add --phone 13800000001 -o csv
	[ "$status" -eq 0 ]
	[[ "$output" == *M0000001* ]]
	# and make uninstall leaves nothing behind
	inst uninstall
	eq "" "$(find "$BATS_TEST_TMPDIR/root" ! -type d)"
}

@test "make install BINLINKS=no: only jifen in bin" {
	inst install BINLINKS=no
	r=$BATS_TEST_TMPDIR/root/usr/local
	eq jifen "$(ls "$r/bin")"
	[ -x "$r/libexec/jifen/report" ]
	inst uninstall
	eq "" "$(find "$BATS_TEST_TMPDIR/root" ! -type d)"
}
