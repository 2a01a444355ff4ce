#!/usr/bin/env bats
# man-zh: every man page has its Simplified Chinese translation under
# share/man/zh_CN (issue 12), and the translation keeps what scripts and
# man itself rely on: it lints clean, its SYNOPSIS is the English one
# byte for byte, and it names every option the English page names.

load helper
bats_require_minimum_version 1.5.0

# pages: each English page, relative to share/man ("man1/member.1").
pages() {
	(cd "$TOP/share/man" && ls man1/*.1 man7/*.7)
}

# synopsis FILE: the source of the SYNOPSIS section, through the .Sh line
# after it (empty for a page without one).
synopsis() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh/p' "$1"
}

# flags FILE: the arguments of every Fl macro of FILE's macro lines, one
# a line, sorted and unique: an Fl's arguments run to the next macro
# (Ar, Ns, No, Cm ...), delimiters such as "," and "|" left out.
flags() {
	awk '
	/^\.Bd/ && /-literal/ { lit = 1 }
	/^\.Ed/ { lit = 0; next }
	lit || !/^\./ { next }
	{
		n = split(substr($0, 2), w, /[ \t]+/)
		fl = 0
		for (i = 1; i <= n; i++) {
			if (w[i] == "Fl")
				fl = 1
			else if (w[i] ~ /^[A-Z][a-z][a-z]?$/)
				fl = 0
			else if (fl && w[i] != "" && w[i] !~ /^[][(),.:;|!?]$/)
				print w[i]
		}
	}' "$1" | LC_ALL=C sort -u
}

@test "every man page has a zh_CN translation, with a Chinese NAME line" {
	bad=
	for p in $(pages); do
		zh=$TOP/share/man/zh_CN/$p
		if [ ! -f "$zh" ]; then
			bad="$bad $p(missing)"
		elif ! grep '^\.Nd ' "$zh" | LC_ALL=C grep -q '[^ -~]'; then
			bad="$bad $p(.Nd not translated)"
		fi
	done
	[ -z "$bad" ] || { echo "share/man/zh_CN:$bad"; return 1; }
}

@test "zh_CN man pages: mandoc -Tlint -Wwarning says nothing" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	bad=
	for p in $(pages); do
		zh=$TOP/share/man/zh_CN/$p
		[ -f "$zh" ] || { bad="$bad $p(missing)"; continue; }
		if ! lint=$(mandoc -Tlint -Wwarning "$zh" 2>&1) || [ -n "$lint" ]; then
			echo "$lint"
			bad="$bad $p"
		fi
	done
	[ -z "$bad" ] || { echo "not lint-clean:$bad"; return 1; }
}

@test "zh_CN man pages: SYNOPSIS is the English one, byte for byte" {
	bad=
	for p in $(pages); do
		zh=$TOP/share/man/zh_CN/$p
		[ -f "$zh" ] || { bad="$bad $p(missing)"; continue; }
		if ! diff <(synopsis "$TOP/share/man/$p") <(synopsis "$zh"); then
			bad="$bad $p"
		fi
	done
	[ -z "$bad" ] || { echo "SYNOPSIS differs:$bad"; return 1; }
}

@test "zh_CN man pages: the same options (.Fl) as the English page" {
	bad=
	for p in $(pages); do
		zh=$TOP/share/man/zh_CN/$p
		[ -f "$zh" ] || { bad="$bad $p(missing)"; continue; }
		if ! diff <(flags "$TOP/share/man/$p") <(flags "$zh"); then
			bad="$bad $p"
		fi
	done
	[ -z "$bad" ] || { echo "options differ (< English, > zh_CN):$bad"; return 1; }
}
