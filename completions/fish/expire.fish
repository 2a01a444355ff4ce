# fish completion for expire(1)

complete -c expire -f
complete -c expire -n "not __fish_seen_subcommand_from remind" -a remind -d 'members with points about to lapse'
complete -c expire -n "not __fish_seen_subcommand_from remind" -l date -x -d 'expire lots whose last valid day is before this date'
complete -c expire -n "not __fish_seen_subcommand_from remind" -l holds -d 'only lapse the reservations, and list them'

complete -c expire -s d -l db -r -F -d 'the database'
complete -c expire -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c expire -s n -l dry-run -d 'do the work, then roll it back'
complete -c expire -s q -l quiet -d 'no progress'
complete -c expire -l no-header -d 'no line of column names'
complete -c expire -s h -l help -d 'print the usage'
complete -c expire -l version -d 'print the version'
complete -c expire -l operator -x -d 'the operator'
complete -c expire -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c expire -l approve -x -d 'a manager who approves, by PIN'
complete -c expire -l store -x -d 'the store'

complete -c expire -n "__fish_seen_subcommand_from remind" -l days -x -d 'the reminder window in days'
complete -c expire -n "__fish_seen_subcommand_from remind" -l template -r -F -d 'the message template'
complete -c expire -n "__fish_seen_subcommand_from remind" -l again -d 'announce lots announced before too'
