# fish completion for redeem(1)

set -l cmds catalog gift quote cancel

function __redeem_skus
    redeem catalog -o csv 2>/dev/null | tail -n +2 | cut -d, -f1
end

complete -c redeem -f
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a catalog -d 'the gifts, their points and on hand'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a gift -d 'exchange points for a gift'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a quote -d 'the most points usable as cash on an order'
complete -c redeem -n "not __fish_seen_subcommand_from $cmds" -a cancel -d 'give the points and the gift back'

complete -c redeem -s d -l db -r -F -d 'the database'
complete -c redeem -s o -l format -x -a 'table csv json jsonl' -d 'output format'
complete -c redeem -s n -l dry-run -d 'do the work, then roll it back'
complete -c redeem -s q -l quiet -d 'no progress'
complete -c redeem -s h -l help -d 'print the usage'
complete -c redeem -l version -d 'print the version'
complete -c redeem -l operator -x -d 'the operator'
complete -c redeem -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c redeem -l approve -x -d 'a manager who approves, by PIN'
complete -c redeem -l store -x -d 'the store'

complete -c redeem -n "__fish_seen_subcommand_from gift" -l qty -x -d 'how many'
complete -c redeem -n "__fish_seen_subcommand_from gift" -a '(__redeem_skus)' -d 'gift'
complete -c redeem -n "__fish_seen_subcommand_from gift cancel" -l at -x -d 'book it at this time'
complete -c redeem -n "__fish_seen_subcommand_from quote" -l amount -x -d 'the order total in yuan'
