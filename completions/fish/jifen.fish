# fish completion for jifen(1)

set -l cmds backup restore seal unseal

complete -c jifen -n "not __fish_seen_subcommand_from $cmds" -f -a backup -d 'copy the book, one snapshot'
complete -c jifen -n "not __fish_seen_subcommand_from $cmds" -f -a restore -d 'put a backup back over the book'
complete -c jifen -n "not __fish_seen_subcommand_from $cmds" -f -a seal -d 'encrypt members\' data under $JIFEN_KEY_FILE'
complete -c jifen -n "not __fish_seen_subcommand_from $cmds" -f -a unseal -d 'decrypt members\' data for good'
complete -c jifen -n "__fish_seen_subcommand_from seal unseal" -f

complete -c jifen -s d -l db -r -F -d 'the database'
complete -c jifen -s o -l format -x -a 'table csv json jsonl' -d 'output format'
complete -c jifen -s n -l dry-run -d 'check, and copy nothing'
complete -c jifen -s q -l quiet -d 'no progress'
complete -c jifen -s h -l help -d 'print the usage'
complete -c jifen -l version -d 'print the version'
complete -c jifen -l operator -x -d 'the operator'
complete -c jifen -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c jifen -l approve -x -d 'a manager who approves, by PIN'
complete -c jifen -l store -x -d 'the store'
