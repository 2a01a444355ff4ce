#!/bin/sh
# Installs the Debian packages jifen builds and tests with, when run as
# root; otherwise prints the apt-get line and fails.  `deps.sh fuzz`: the
# optional list make fuzz needs instead (clang and its libFuzzer).
pkgs="gcc make libsqlite3-dev sqlite3 libcsv-dev libjansson-dev libsodium-dev libcrypt-dev bats jq mandoc time python3 zsh fish"
[ "${1:-}" = fuzz ] && pkgs="clang libclang-rt-dev libsqlite3-dev libcsv-dev libjansson-dev libsodium-dev libcrypt-dev"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
	echo "installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null ||
		{ echo "apt-get install$missing failed" >&2; exit 1; }
	exit 0
fi
echo "missing Debian packages; run as root:" >&2
echo "  apt-get install -y$missing" >&2
exit 1
