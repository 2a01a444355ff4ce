# fish completion for sale(1)
# Members, receipts, redemptions and SKUs are read from the book the line
# names (-d), by __jifen_list (installed among fish's functions): a member
# by its code, its name the description.

set -l cmds add quote import return show list

# SKU:QTY[@PRICE]: the book's SKUs, the colon after them
function __sale_items
    __jifen_list skus | string replace -r '^([^	]*)' '$1:'
end

# How many operands follow the command (options' values not counted).
function __sale_operands
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l n -1
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case -d --db -o --format --operator --pin-fd --approve --store --member --receipt --at --use-points --rejects --input --batch --since --until --delimiter --encoding
                set skip 1
            case '-'
                set n (math $n + 1)
            case '-*'
            case '*'
                set n (math $n + 1)
        end
    end
    echo $n
end

complete -c sale -f
complete -c sale -n "not __fish_seen_subcommand_from $cmds" -a add -d 'record a sale'
complete -c sale -n "not __fish_seen_subcommand_from $cmds" -a quote -d 'compute a sale, record nothing'
complete -c sale -n "not __fish_seen_subcommand_from $cmds" -a import -d 'record a sales file'
complete -c sale -n "not __fish_seen_subcommand_from $cmds" -a return -d 'take back a receipt or some of its lines'
complete -c sale -n "not __fish_seen_subcommand_from $cmds" -a show -d 'a receipt and its lines'
complete -c sale -n "not __fish_seen_subcommand_from $cmds" -a list -d 'the sales, by time'

complete -c sale -s d -l db -r -F -d 'the database'
complete -c sale -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c sale -n "__fish_seen_subcommand_from add import return" -s n -l dry-run -d 'do it all, print it all, book nothing'
complete -c sale -s q -l quiet -d 'no progress or summary'
complete -c sale -l no-header -d 'no line of column names'
complete -c sale -s h -l help -d 'print the usage'
complete -c sale -l version -d 'print the version'
complete -c sale -l operator -x -d 'the operator'
complete -c sale -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c sale -l approve -x -d 'a manager who approves, by PIN'
complete -c sale -l store -x -d 'the store'

# add, quote
complete -c sale -n "__fish_seen_subcommand_from add quote list; and not contains -- - (commandline -opc)" -l member -x -a '(__jifen_list members)' -d 'the member, by code or phone'
complete -c sale -n "__fish_seen_subcommand_from add; and not contains -- - (commandline -opc)" -l receipt -x -d 'the receipt number'
complete -c sale -n "__fish_seen_subcommand_from return" -l receipt -x -d 'the return\'s own number'
complete -c sale -n "__fish_seen_subcommand_from add quote return; and not contains -- - (commandline -opc)" -l at -x -d 'when it happened'
complete -c sale -n "__fish_seen_subcommand_from add quote; and not contains -- - (commandline -opc)" -l use-points -x -d 'pay with N points'
complete -c sale -n "__fish_seen_subcommand_from add quote; and not contains -- - (commandline -opc)" -a '(__sale_items)'
# add -: receipts as JSON lines on stdin
complete -c sale -n "__fish_seen_subcommand_from add; and test (__sale_operands) = 0" -a - -d 'receipts as JSON lines on stdin'

# import
complete -c sale -n "__fish_seen_subcommand_from import" -F -d 'sales file'
complete -c sale -n "__fish_seen_subcommand_from import" -l delimiter -x -a ', ; tab' -d "the CSV's delimiter"
complete -c sale -n "__fish_seen_subcommand_from import" -l encoding -x -a 'utf-8 gbk gb18030' -d "the input's encoding"
complete -c sale -n "__fish_seen_subcommand_from import" -l rejects -r -F -d 'write rejected rows to F'
complete -c sale -n "__fish_seen_subcommand_from import" -l strict -d 'record nothing if a receipt is bad'
complete -c sale -n "__fish_seen_subcommand_from import" -l ignore-unknown -d 'ignore unknown columns'
complete -c sale -n "__fish_seen_subcommand_from import" -l input -x -a 'csv jsonl' -d 'the input format'
complete -c sale -n "__fish_seen_subcommand_from import" -l batch -x -d 'commit every N receipts'

# return, show
complete -c sale -n "__fish_seen_subcommand_from return show; and test (__sale_operands) = 0" -a '(__jifen_list receipts)'
complete -c sale -n "__fish_seen_subcommand_from return; and test (__sale_operands) -gt 0" -a '(__sale_items)'
complete -c sale -n "__fish_seen_subcommand_from show list" -l lines -d 'one row per line'

# list
complete -c sale -n "__fish_seen_subcommand_from list" -l since -x -d 'from this day'
complete -c sale -n "__fish_seen_subcommand_from list" -l until -x -d 'up to this day'
