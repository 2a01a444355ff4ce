# fish completion for redeem(1)
# Members, receipts, redemptions and SKUs are read from the book the line
# names (-d), by __jifen_list (installed among fish's functions): a member
# by its code, its name the description.

set -l cmds catalog gift list quote cancel reserve pickup draw
set -l dcmds open ticket run show tickets list

# How many operands follow the command (options' values not counted).
function __redeem_operands
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
            case -d --db -o --format --operator --pin-fd --approve --store --qty --amount --at --since --until --member --days --sku --prizes --ticket-points --seed-file --seed-out
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

complete -c redeem -f
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a catalog -d 'the gifts, their points and on hand'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a gift -d 'exchange points for a gift'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a list -d 'the redemptions, cancelled ones too'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a quote -d 'the most points usable as cash on an order'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a cancel -d 'give the points and the gift back'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a reserve -d 'hold a gift and its points until pickup'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a pickup -d 'hand over a reserved gift'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a draw -d 'a points draw for a gift'

complete -c redeem -s d -l db -r -F -d 'the database'
complete -c redeem -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c redeem -s n -l dry-run -d 'do the work, then roll it back'
complete -c redeem -s q -l quiet -d 'no progress'
complete -c redeem -l no-header -d 'no line of column names'
complete -c redeem -s h -l help -d 'print the usage'
complete -c redeem -l version -d 'print the version'
complete -c redeem -l operator -x -d 'the operator'
complete -c redeem -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c redeem -l approve -x -d 'a manager who approves, by PIN'
complete -c redeem -l store -x -d 'the store'

complete -c redeem -n "__fish_seen_subcommand_from gift" -l qty -x -d 'how many'
complete -c redeem -n "__fish_seen_subcommand_from gift quote; and test (__redeem_operands) = 0" -a '(__jifen_list members)'
# gift -: gifts as JSON lines on stdin, no operand after it
complete -c redeem -n "__fish_seen_subcommand_from gift; and test (__redeem_operands) = 0" -a - -d 'gifts as JSON lines on stdin'
complete -c redeem -n "__fish_seen_subcommand_from gift; and test (__redeem_operands) = 1; and not contains -- - (commandline -opc)" -a '(__jifen_list gifts)'
complete -c redeem -n "__fish_seen_subcommand_from cancel; and test (__redeem_operands) = 0" -a '(__jifen_list redemptions)'
complete -c redeem -n "__fish_seen_subcommand_from gift cancel" -l at -x -d 'book it at this time'
complete -c redeem -n "__fish_seen_subcommand_from quote" -l amount -x -d 'the order total in yuan'
complete -c redeem -n "__fish_seen_subcommand_from list; and not __fish_seen_subcommand_from draw" -l since -x -d 'from this day'
complete -c redeem -n "__fish_seen_subcommand_from list; and not __fish_seen_subcommand_from draw" -l until -x -d 'to this day'
complete -c redeem -n "__fish_seen_subcommand_from list; and not __fish_seen_subcommand_from draw" -l member -x -a '(__jifen_list members)' -d 'only this member\'s'
complete -c redeem -n "__fish_seen_subcommand_from list; and not __fish_seen_subcommand_from draw" -l held -d 'only reservations still held'
complete -c redeem -n "__fish_seen_subcommand_from reserve" -l qty -x -d 'how many'
complete -c redeem -n "__fish_seen_subcommand_from reserve" -l days -x -d 'held through N days from today'
complete -c redeem -n "__fish_seen_subcommand_from reserve" -l until -x -d 'held through this day'
complete -c redeem -n "__fish_seen_subcommand_from reserve; and test (__redeem_operands) = 0" -a '(__jifen_list members)'
complete -c redeem -n "__fish_seen_subcommand_from reserve; and test (__redeem_operands) = 1" -a '(__jifen_list gifts)'
complete -c redeem -n "__fish_seen_subcommand_from pickup; and test (__redeem_operands) = 0" -a '(__jifen_list redemptions)'

# redeem draw SUB: its operands count from SUB (__redeem_operands 1 is the draw)
set -l indraw "__fish_seen_subcommand_from draw"
complete -c redeem -n "$indraw; and not __fish_seen_subcommand_from $dcmds" -a open -d 'open a draw, committed to a seed\'s hash'
complete -c redeem -n "$indraw; and not __fish_seen_subcommand_from $dcmds" -a ticket -d 'sell a member tickets for points'
complete -c redeem -n "$indraw; and not __fish_seen_subcommand_from $dcmds" -a run -d 'draw the winners with the seed, once'
complete -c redeem -n "$indraw; and not __fish_seen_subcommand_from $dcmds" -a show -d 'a draw, its seed and winners once run'
complete -c redeem -n "$indraw; and not __fish_seen_subcommand_from $dcmds" -a tickets -d 'a draw\'s tickets'
complete -c redeem -n "$indraw; and not __fish_seen_subcommand_from $dcmds" -a list -d 'the draws'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from open" -l sku -x -a '(__jifen_list skus)' -d 'the gift the winners get'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from open" -l prizes -x -d 'how many are won'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from open" -l ticket-points -x -d 'the points a ticket costs'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from open" -l refund-losers -d 'give the losing tickets\' points back'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from open run" -l seed-file -r -F -d 'read the seed from this file'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from open" -l seed-out -r -F -d 'make a seed and write it here'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from ticket" -l qty -x -d 'how many tickets'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from ticket run show tickets; and test (__redeem_operands) = 1" -a '(__jifen_list draws)'
complete -c redeem -n "$indraw; and __fish_seen_subcommand_from ticket; and test (__redeem_operands) = 2" -a '(__jifen_list members)'
