# fish: what jifen's completions read from the book.
#
# __jifen_list [-T TOOL] KIND: KIND's candidates (members, receipts,
# redemptions, skus, gifts, categories, tiers, operators, draws), a line each:
# the key, a tab and its description.  They come from the tools
# themselves, as CSV, from the book the command line names (-d PATH,
# --db PATH, --db=PATH), else $JIFEN_DB, else the default: the tool's
# own choice, never another book.  No PIN is ever asked (--pin-fd 0 on
# /dev/null), stderr is silenced and a slow book is cut off, so a
# missing or sealed book, or a refused operator, gives no candidates
# and nothing on the terminal.  Phones are never offered: a member is
# its code.  -T TOOL (jifen, when completing `jifen TOOL`) runs the
# listing; so does $__jifen_via, which jifen's completion sets.  Installed among fish's functions, which loads it when called.

function __jifen_list
    set -l via
    if test "$argv[1]" = -T
        set via $argv[2]
        set -e argv[1..2]
    end
    set -l run
    set -l key
    set -l desc
    set -l cancel 0
    switch $argv[1]
        case members
            set run member list; set key code; set desc name
        case receipts
            set run sale list; set key receipt; set desc 'at member paid'
        case redemptions
            set run redeem list; set key redemption; set desc 'at sku'
            set cancel 1
        case skus
            set run stock list; set key sku; set desc name
        case gifts
            set run redeem catalog; set key sku; set desc 'name gift_points'
        case categories
            set run stock list; set key category
        case tiers
            set run member tiers; set key tier; set desc min_points
        case operators
            set run member operator list; set key name; set desc role
        case draws
            set run redeem draw list; set key draw; set desc 'name ran'
        case '*'
            return 1
    end
    set -q via[1]; or set -q __jifen_via; and set via $__jifen_via
    set -q via[1]; and set run $via $run

    # the book: the last -d or --db before the word being completed
    set -l book
    set -l words (commandline -opc)
    set -l i 2
    while test $i -le (count $words)
        switch $words[$i]
            case --
                break
            case -d --db
                set i (math $i + 1)
                test $i -le (count $words); and set book $words[$i]
            case '--db=*'
                set book (string replace -- --db= '' $words[$i])
            case '-d?*'
                set book (string sub -s 3 -- $words[$i])
        end
        set i (math $i + 1)
    end
    set book (string replace -r -- '^~(?=/|$)' $HOME "$book")
    set -l dopt
    test -n "$book"; and set dopt -d $book

    # The CSV reader, the same program in the bash and zsh helpers: KEY's
    # column, each key once, then DESC's columns as its description; a
    # leading formula guard (') is taken off and control characters become
    # spaces; with cancel=1 a row with a cancelled time (a cancelled
    # redemption, or a lapsed hold) is left out.
    set -l prog '
function csv(s, f,    n, i, c, v, q) {
	n = 1; v = ""; q = 0
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (q && c == "\"" && substr(s, i + 1, 1) == "\"") { v = v c; i++ }
		else if (c == "\"") q = !q
		else if (!q && c == ",") { f[n++] = v; v = "" }
		else v = v c
	}
	f[n] = v
	return n
}
function clean(v) {
	if (v ~ /^\047[-=+@]/) v = substr(v, 2)
	gsub(/[[:cntrl:]]/, " ", v)
	return v
}
{ sub(/\r$/, ""); rec = part ? rec "\n" $0 : $0; t = rec }
gsub(/"/, "", t) % 2 { part = 1; next }
{ part = 0; n = csv(rec, f) }
++nr == 1 { for (i = 1; i <= n; i++) col[f[i]] = i; nd = split(desc, d, " "); next }
{
	k = clean(f[col[key]])
	if (k == "") next
	if (cancel && f[col["cancelled"]] != "") { gone[k] = 1; next }
	if (k in seen) next
	seen[k] = 1
	s = ""
	for (i = 1; i <= nd; i++)
		if ((v = clean(f[col[d[i]]])) != "") s = s (s == "" ? "" : " ") v
	keys[++m] = k; descs[m] = s
}
END { for (i = 1; i <= m; i++) if (!(keys[i] in gone)) print keys[i] "\t" descs[i] }'
    set -l to
    command -q timeout; and set to timeout 2
    $to $run $dopt -o csv --pin-fd 0 </dev/null 2>/dev/null |
        awk -v key=$key -v desc="$desc" -v cancel=$cancel $prog 2>/dev/null
end
