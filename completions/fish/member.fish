# fish completion for member(1)
# Members, receipts, redemptions and SKUs are read from the book the line
# names (-d), by __jifen_list (installed among fish's functions): a member
# by its code, its name the description.

set -l cmds add show list update import export tiers forget operator

# Whether the command (the first word that is not an option) is one of argv.
function __member_using
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case -d --db -o --format --operator --pin-fd --approve --store
                set skip 1
            case '-*'
            case '*'
                contains -- $t $argv
                return
        end
    end
    return 1
end


complete -c member -f
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a add -d 'add a member and print the record'
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a show -d "a member's profile, balance and points expiring soon"
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a list -d 'members, filtered; phones and emails masked'
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a update -d "change a member's fields"
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a import -d 'members from a CSV or JSON Lines file'
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a export -d 'every member, every column'
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a tiers -d 'the tiers and their counts'
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a forget -d "erase a member's personal data (manager)"
complete -c member -n "not __fish_seen_subcommand_from $cmds" -a operator -d 'the staff who may use the tools (admin)'

complete -c member -s d -l db -r -F -d 'the database'
complete -c member -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c member -s n -l dry-run -d 'do the work, then roll it back'
complete -c member -s q -l quiet -d 'no progress or summary'
complete -c member -l no-header -d 'no line of column names'
complete -c member -s h -l help -d 'print the usage'
complete -c member -l version -d 'print the version'
complete -c member -l operator -x -d 'the operator'
complete -c member -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c member -l approve -x -d 'a manager who approves, by PIN'
complete -c member -l store -x -d 'the store'

complete -c member -n "__member_using add update" -l phone -x -d 'phone number'
complete -c member -n "__member_using add" -l code -x -d 'member code'
complete -c member -n "__member_using add update" -l name -x -d 'name'
complete -c member -n "__member_using add update" -l email -x -d 'email address'
complete -c member -n "__member_using add update" -l birthday -x -d 'birthday, YYYY-MM-DD'
complete -c member -n "__member_using add" -l joined -x -d 'the day joined'
complete -c member -n "__member_using update list" -l status -x -a 'active frozen closed' -d 'status'
complete -c member -n "__member_using update" -a - -d 'members from a CSV stream'
complete -c member -n "__member_using show forget update" -a '(__jifen_list members)'
complete -c member -n "__member_using add update" -l referrer -x -a '(__jifen_list members)' -d 'the referring member'
complete -c member -n "__member_using list" -l tier -x -a '(__jifen_list tiers)' -d 'in tier T'
complete -c member -n "__member_using list" -l birthday-month -x -a '1 2 3 4 5 6 7 8 9 10 11 12' -d 'born in month M'
complete -c member -n "__member_using list" -l joined-since -x -d 'joined on day D or later'
complete -c member -n "__member_using list" -l joined-until -x -d 'joined on day D or earlier'
complete -c member -n "__member_using list" -l inactive-days -x -d 'no purchase in N days'
complete -c member -n "__member_using list" -l segment -x -a 'champions loyal promising needs_attention at_risk lost' -d 'in RFM segment S'
complete -c member -n "__member_using list" -l query -x -d 'code, name, phone or email containing TEXT'
complete -c member -n "__member_using list" -l bought -x -a '(__jifen_list skus)' -d 'who bought this product'
complete -c member -n "__member_using list" -l category -x -a '(__jifen_list categories)' -d 'who bought a product of this category'
complete -c member -n "__member_using list" -l since -x -d 'bought on day D or later'
complete -c member -n "__member_using list export" -l unmask -d 'phones and emails whole (manager)'
complete -c member -n "__member_using import" -l update -d 'change the members that exist'
complete -c member -n "__member_using import update" -l delimiter -x -a ', ; tab' -d "the CSV's delimiter"
complete -c member -n "__member_using import update" -l encoding -x -a 'utf-8 gbk gb18030' -d "the input's encoding"
complete -c member -n "__member_using import" -l rejects -r -F -d 'write the rejected rows to F'
complete -c member -n "__member_using import" -l strict -d 'commit nothing if any row is bad'
complete -c member -n "__member_using import" -l ignore-unknown -d 'skip unknown columns'
complete -c member -n "__member_using import" -l input -x -a 'csv jsonl' -d 'the input form'
complete -c member -n "__member_using import" -F -d 'members file'
complete -c member -n "__member_using tiers" -l recalc -d "re-evaluate every member's tier"
complete -c member -n "__member_using operator; and not __fish_seen_subcommand_from add list pin remove" -a 'add list pin remove'
complete -c member -n "__member_using operator; and __fish_seen_subcommand_from add" -l role -x -a 'cashier manager admin' -d 'the role'
complete -c member -n "__member_using operator; and __fish_seen_subcommand_from remove pin" -a '(__jifen_list operators)' -d 'operator'
complete -c member -n "__member_using operator; and __fish_seen_subcommand_from add" -l pin -d 'set its PIN too'
