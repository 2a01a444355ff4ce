# fish completion for stock(1)
# Members, receipts, redemptions and SKUs are read from the book the line
# names (-d), by __jifen_list (installed among fish's functions): a member
# by its code, its name the description.

set -l cmds add update import receive adjust count list show moves suppliers


complete -c stock -f
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a add -d 'add a product'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a update -d 'change a product'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a import -d 'add or update products from a file'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a receive -d 'book goods in from a supplier'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a adjust -d 'book damage, loss or goods found'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a count -d "book a stocktake's differences"
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a list -d 'on hand, reorder level and value at cost'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a show -d 'a product, its stock, last in and out'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a moves -d 'the stock book, every movement'
complete -c stock -n "not __fish_seen_subcommand_from $cmds" -a suppliers -d 'the suppliers, each with its last receipt'

complete -c stock -s d -l db -r -F -d 'the database'
complete -c stock -s o -l format -x -a 'table csv tsv json jsonl' -d 'output format'
complete -c stock -s n -l dry-run -d 'do the work, then roll it back'
complete -c stock -s q -l quiet -d 'no progress or summary'
complete -c stock -l no-header -d 'no line of column names'
complete -c stock -s h -l help -d 'print the usage'
complete -c stock -l version -d 'print the version'
complete -c stock -l operator -x -d 'the operator'
complete -c stock -l pin-fd -x -d 'read PINs from this file descriptor'
complete -c stock -l approve -x -d 'a manager who approves, by PIN'
complete -c stock -l store -x -d 'the store'

# products
complete -c stock -n "__fish_seen_subcommand_from add update receive adjust moves" -l sku -x -a '(__jifen_list skus)'
complete -c stock -n "__fish_seen_subcommand_from update show" -a '(__jifen_list skus)'
complete -c stock -n "__fish_seen_subcommand_from add update" -l name -x -d 'the name'
complete -c stock -n "__fish_seen_subcommand_from add update" -l price -x -d 'the shelf price in yuan'
complete -c stock -n "__fish_seen_subcommand_from add update receive" -l cost -x -d 'the cost in yuan'
complete -c stock -n "__fish_seen_subcommand_from add update list" -l category -x -a '(__jifen_list categories)' -d 'the category'
complete -c stock -n "__fish_seen_subcommand_from add update" -l reorder -x -d 'the reorder level'
complete -c stock -n "__fish_seen_subcommand_from add update" -l no-points -d 'earns no points'
complete -c stock -n "__fish_seen_subcommand_from add update" -l gift-points -x -d 'in the gift catalog at N points'
complete -c stock -n "__fish_seen_subcommand_from add update" -l gift-limit -x -d 'a member may redeem N at most; 0 no limit'
complete -c stock -n "__fish_seen_subcommand_from add update" -l gift-from -x -d 'redeemed from this day on'
complete -c stock -n "__fish_seen_subcommand_from add update" -l gift-to -x -d 'redeemed through this day'
complete -c stock -n "__fish_seen_subcommand_from update" -l points -d 'earns points again'
complete -c stock -n "__fish_seen_subcommand_from update" -l no-gift -d 'out of the gift catalog'

# files
complete -c stock -n "__fish_seen_subcommand_from import receive count" -F
complete -c stock -n "__fish_seen_subcommand_from import receive count" -l delimiter -x -a ', ; tab' -d "the CSV's delimiter"
complete -c stock -n "__fish_seen_subcommand_from import receive count" -l encoding -x -a 'utf-8 gbk gb18030' -d "the input's encoding"
complete -c stock -n "__fish_seen_subcommand_from import receive count" -l rejects -r -F -d 'write rejected lines to F'
complete -c stock -n "__fish_seen_subcommand_from import receive count" -l strict -d 'book nothing if a line is bad'
complete -c stock -n "__fish_seen_subcommand_from import receive count" -l ignore-unknown -d 'ignore unknown columns'
complete -c stock -n "__fish_seen_subcommand_from import receive count" -l input -x -a 'csv jsonl' -d 'the input format'

# moves
complete -c stock -n "__fish_seen_subcommand_from receive adjust" -l qty -x -d 'how many'
complete -c stock -n "__fish_seen_subcommand_from receive" -l supplier -x -d 'who delivered'
complete -c stock -n "__fish_seen_subcommand_from receive" -l ref -x -d 'the delivery note or PO'
complete -c stock -n "__fish_seen_subcommand_from receive" -l reverse -x -d 'take this receipt back whole'
complete -c stock -n "__fish_seen_subcommand_from adjust" -l reason -x -d 'why'
complete -c stock -n "__fish_seen_subcommand_from receive adjust count" -l at -x -d 'book it at this time'

# list and moves
complete -c stock -n "__fish_seen_subcommand_from list" -l low -d 'at or below the reorder level'
complete -c stock -n "__fish_seen_subcommand_from list" -l negative -d 'below zero'
complete -c stock -n "__fish_seen_subcommand_from moves" -l since -x -d 'from this day'
complete -c stock -n "__fish_seen_subcommand_from moves" -l until -x -d 'up to this day'
complete -c stock -n "__fish_seen_subcommand_from moves" -l kind -x -a 'receive sale return redeem adjust count' -d 'only this kind'
