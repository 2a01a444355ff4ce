# fish completion for points(1)
# Members, receipts, redemptions and SKUs are read from the book the line
# names (-d), by __jifen_list (installed among fish's functions): a member
# by its code, its name the description.

set -l cmds balance history adjust award explain rules

function __points_kinds
    points rules show -o csv 2>/dev/null | sed -n 's/^activity \([^,]*\),.*/\1/p'
end

complete -c points -f
complete -c points -n "not __fish_seen_subcommand_from $cmds" -a balance -d "a member's balance and the points expiring soon"
complete -c points -n "not __fish_seen_subcommand_from $cmds" -a history -d "every entry of a member's points"
complete -c points -n "not __fish_seen_subcommand_from $cmds" -a adjust -d 'add or take away points, with a reason (manager)'
complete -c points -n "not __fish_seen_subcommand_from $cmds" -a award -d 'points for an activity'
complete -c points -n "not __fish_seen_subcommand_from $cmds" -a explain -d "which rules gave a receipt's points"
complete -c points -n "not __fish_seen_subcommand_from $cmds" -a rules -d 'show, load or export the points rules'

complete -c points -s d -l db -r -F -d 'the database'
complete -c points -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c points -s n -l dry-run -d 'do the work, then roll it back'
complete -c points -s q -l quiet -d 'no progress'
complete -c points -l no-header -d 'no line of column names'
complete -c points -s h -l help -d 'print the usage'
complete -c points -l version -d 'print the version'
complete -c points -l operator -x -d 'the operator'
complete -c points -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c points -l approve -x -d 'a manager who approves, by PIN'
complete -c points -l store -x -d 'the store'

complete -c points -n "__fish_seen_subcommand_from history" -l since -x -d 'from day D'
complete -c points -n "__fish_seen_subcommand_from history" -l until -x -d 'up to day D'
complete -c points -n "__fish_seen_subcommand_from adjust" -l reason -x -d 'why'
complete -c points -n "__fish_seen_subcommand_from adjust award rules" -l at -x -d 'at a time'
complete -c points -n "__fish_seen_subcommand_from award" -l kind -x -a '(__points_kinds)' -d 'the activity'
complete -c points -n "__fish_seen_subcommand_from award" -l points -x -d "instead of the activity's points"
complete -c points -n "__fish_seen_subcommand_from adjust award" -l delimiter -x -a ', ; tab' -d "the CSV's delimiter"
complete -c points -n "__fish_seen_subcommand_from adjust award" -l encoding -x -a 'utf-8 gbk gb18030' -d "the input's encoding"
complete -c points -n "__fish_seen_subcommand_from award adjust" -a - -d 'members from a CSV stream'
complete -c points -n "__fish_seen_subcommand_from balance" -a - -d 'lookups as JSON lines on stdin'
complete -c points -n "__fish_seen_subcommand_from balance history adjust award; and not contains -- - (commandline -opc)" -a '(__jifen_list members)'
complete -c points -n "__fish_seen_subcommand_from explain" -a '(__jifen_list receipts)'
complete -c points -n "__fish_seen_subcommand_from rules; and not __fish_seen_subcommand_from show load export" -a 'show load export'
complete -c points -n "__fish_seen_subcommand_from load" -F -d 'rules file'
