# fish completion for report(1)

set -l cmds daily sales points members stock leaderboard purchases log audit

complete -c report -f
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a daily -d 'the store-close report of a day'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a sales -d 'sales by day, month, product, category or member'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a points -d 'outstanding points, liability, the ledger by period'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a members -d 'members by tier, activity and RFM segment'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a stock -d 'valuation at cost, low stock, slow movers'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a leaderboard -d 'members ranked by points gained'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a purchases -d 'goods received by supplier, product or month'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a log -d 'the audit log: who did what, when'
complete -c report -n "not __fish_seen_subcommand_from $cmds" -a audit -d 'check every invariant of the book'

complete -c report -s d -l db -r -F -d 'the database'
complete -c report -s o -l format -x -a 'table csv tsv json jsonl html' -d 'output format'
complete -c report -s q -l quiet -d 'no progress'
complete -c report -l no-header -d 'no line of column names'
complete -c report -s h -l help -d 'print the usage'
complete -c report -l version -d 'print the version'
complete -c report -l operator -x -d 'the operator'
complete -c report -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c report -l approve -x -d 'a manager who approves, by PIN'
complete -c report -l store -x -d 'narrow to one store'

complete -c report -n "__fish_seen_subcommand_from daily leaderboard" -l date -x -d 'the day (YYYY-MM-DD)'
complete -c report -n "__fish_seen_subcommand_from daily leaderboard" -l top -x -d 'how many'
complete -c report -n "__fish_seen_subcommand_from sales" -l by -x -a 'day month year product category member' -d 'grouping'
complete -c report -n "__fish_seen_subcommand_from points" -l by -x -a 'day month year' -d 'period'
complete -c report -n "__fish_seen_subcommand_from sales points purchases log" -l since -x -d 'first day (YYYY-MM-DD)'
complete -c report -n "__fish_seen_subcommand_from sales points purchases log" -l until -x -d 'last day (YYYY-MM-DD)'
complete -c report -n "__fish_seen_subcommand_from purchases" -l by -x -a 'supplier product month' -d 'grouping'
complete -c report -n "__fish_seen_subcommand_from log" -l by -x -a '(__jifen_list operators)' -d 'what this operator did'
complete -c report -n "__fish_seen_subcommand_from log" -l tool -x -a 'member stock sale points redeem expire report jifen' -d 'what this tool did'
complete -c report -n "__fish_seen_subcommand_from stock" -l days -x -d 'slow after N days without a sale'
complete -c report -n "__fish_seen_subcommand_from leaderboard" -l period -x -a 'month year' -d 'the calendar period'
complete -c report -n "__fish_seen_subcommand_from audit" -l audit-head -x -d 'the audit_head of a daily report (ID:HASH)'
complete -c report -n "__fish_seen_subcommand_from audit" -l ledger-head -x -d 'the ledger_head of a daily report (ID:HASH)'
