# fish completion for jifen(1)

set -l cmds backup restore seal unseal
set -l tools member stock sale points redeem expire report

# `jifen TOOL ...`: TOOL's own completion, on the line TOOL would see (its
# name first, then the options given before it, then the rest), its lists
# run through jifen, which finds TOOL in libexec.
function __jifen_tool
    set -l tokens (commandline -opc)
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case -d --db -o --format --operator --pin-fd --approve --store
                set i (math $i + 1)
            case '-*'
            case '*'
                break
        end
        set i (math $i + 1)
    end
    # (a range that runs backwards in fish is no range here)
    set -l line $tokens[$i]
    test $i -gt 2; and set -a line $tokens[2..(math $i - 1)]
    test $i -lt (count $tokens); and set -a line $tokens[(math $i + 1)..-1]
    set -g __jifen_via jifen
    complete -C (string join ' ' -- (string escape -- $line) (commandline -ct))
    set -e __jifen_via
end

complete -c jifen -n "not __fish_seen_subcommand_from $cmds $tools" -f -a backup -d 'copy the book, one snapshot'
complete -c jifen -n "not __fish_seen_subcommand_from $cmds $tools" -f -a restore -d 'put a backup back over the book'
complete -c jifen -n "not __fish_seen_subcommand_from $cmds $tools" -f -a seal -d 'encrypt members\' data under $JIFEN_KEY_FILE'
complete -c jifen -n "not __fish_seen_subcommand_from $cmds $tools" -f -a unseal -d 'decrypt members\' data for good'
complete -c jifen -n "__fish_seen_subcommand_from seal unseal" -f
for t in $tools
    complete -c jifen -n "not __fish_seen_subcommand_from $cmds $tools" -f -a $t -d "the $t tool"
end
complete -c jifen -n "__fish_seen_subcommand_from $tools" -f -a '(__jifen_tool)'

complete -c jifen -s d -l db -r -F -d 'the database'
complete -c jifen -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c jifen -s n -l dry-run -d 'check, and copy nothing'
complete -c jifen -s q -l quiet -d 'no progress'
complete -c jifen -l no-header -d 'no line of column names'
complete -c jifen -s h -l help -d 'print the usage'
complete -c jifen -l version -d 'print the version'
complete -c jifen -l operator -x -d 'the operator'
complete -c jifen -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c jifen -l approve -x -d 'a manager who approves, by PIN'
complete -c jifen -l store -x -d 'the store'
