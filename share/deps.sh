#!/bin/sh
# Installs the Debian packages jifen builds and tests with, when run as
# root; otherwise prints the apt-get line and fails.  `deps.sh fuzz`: the
# optional list make fuzz needs instead (clang and its libFuzzer).
# gettext compiles the message catalogs (msgfmt) and checks them against
# the code (xgettext); the zh_CN.UTF-8 locale, which the tests run the
# tools in, is generated when missing (as root; else the command is
# printed and the script fails).  chromium and fonts-noto-cjk:
# tests/html.bats draws the report pages in headless Chromium, Chinese
# text in a CJK font.  libpq-dev links the PostgreSQL engine; postgresql
# is the server make check-pg starts a throwaway cluster of.
pkgs="gcc make libsqlite3-dev sqlite3 libpq-dev postgresql libcsv-dev libjansson-dev libsodium-dev nettle-dev libcrypt-dev bats jq mandoc time python3 zsh fish gettext locales chromium fonts-noto-cjk"
[ "${1:-}" = fuzz ] && pkgs="clang libclang-rt-dev libsqlite3-dev libcsv-dev libjansson-dev libsodium-dev nettle-dev libcrypt-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "missing Debian packages; run as root:" >&2
		echo "  apt-get install -y$missing" >&2
		exit 1
	fi
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null ||
		{ echo "apt-get install$missing failed" >&2; exit 1; }
fi
[ "${1:-}" = fuzz ] && exit 0
locale -a 2>/dev/null | grep -qix 'zh_CN\.utf-\{0,1\}8' && exit 0
# Debian's locale-gen builds what /etc/locale.gen lists (and only that)
if [ -f /etc/locale.gen ] && command -v locale-gen >/dev/null 2>&1; then
	gen="sed -i 's/^# *zh_CN.UTF-8 UTF-8/zh_CN.UTF-8 UTF-8/' /etc/locale.gen && locale-gen"
else
	gen="localedef -i zh_CN -f UTF-8 zh_CN.UTF-8"
fi
if [ "$(id -u)" != 0 ]; then
	echo "the zh_CN.UTF-8 locale is missing; run as root:" >&2
	echo "  $gen" >&2
	exit 1
fi
echo "generating the zh_CN.UTF-8 locale" >&2
sh -c "$gen" >/dev/null && locale -a | grep -qix 'zh_CN\.utf-\{0,1\}8' ||
	{ echo "$gen: no zh_CN.UTF-8 locale made" >&2; exit 1; }
