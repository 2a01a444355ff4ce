#!/bin/sh
# xgettext.sh OUT: the tools' messages extracted into OUT, a .pot.
# `make pot` writes po/jifen.pot with it; tests/l10n.bats extracts
# afresh with it to hold po/*.po to every message the code has.
#
# _() and N_() mark messages, NC_(context, name) a column's name (lib/err.h).
# Locations name the file only, so that an edit elsewhere in a file
# leaves the catalog as it was.
case $1 in
"") echo "usage: xgettext.sh OUT" >&2; exit 64 ;;
/*) out=$1 ;;
*) out=$PWD/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 1
version=$(sed -n 's/^#define JIFEN_VERSION "\(.*\)"$/\1/p' lib/opts.h)
exec xgettext --language=C --from-code=UTF-8 --keyword=_ --keyword=N_ \
    --keyword=NC_:1c,2 --add-comments=TRANSLATORS: --add-location=file \
    --package-name=jifen --package-version="$version" \
    -o "$out" lib/*.c lib/*.h cmd/*.c
