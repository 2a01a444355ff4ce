#!/usr/bin/env zsh
# zsh-complete.zsh FPATH LINE: the candidates zsh's completion offers
# for LINE with the cursor at its end, one a line, "word -- description"
# where it shows one.  An interactive `zsh -f` in a zpty, compinit with
# FPATH first, and compadd wrapped to print what it is given, the trick
# of zsh-capture-completion; exit 2 when zsh does not come up.
# JF_DEBUG=1: what zsh printed, on stderr.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i || exit 2
local init=$(mktemp) out
trap 'rm -f $init; zpty -d z 2>/dev/null' EXIT
cat > $init <<INIT
PROMPT=
fpath=($1 \$fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*:default' list-prompt ''
bindkey '^I' complete-word
__null() { echo -E - \$'\\0' }
compprefuncs=(__null)
comppostfuncs=(__null exit)
compadd() {
	# -O, -A, -D: a function asks, it adds nothing
	if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then
		builtin compadd "\$@"
		return
	fi
	local -a __hits __dscr
	local __d i
	if (( \$@[(I)-d] )); then
		__d=\${@[\$[\${@[(i)-d]}+1]]}
		if [[ \$__d == \\(* ]]; then
			eval "__dscr=\$__d"
		else
			__dscr=("\${(@P)__d}")
		fi
	fi
	builtin compadd -A __hits -D __dscr "\$@"
	(( \$#__hits )) || return
	for i in {1..\$#__hits}; do
		if (( \$#__dscr >= i )) && [[ \$__dscr[i] == *' -- '* ]]; then
			echo -E - "\$__hits[i] -- \${__dscr[i]#* -- }"
		else
			echo -E - "\$__hits[i]"
		fi
	done
}
echo ok
INIT
zpty -w z "source $init"
repeat 10; do
	zpty -r z out && { [[ -n $JF_DEBUG ]] && print -r -- "init: $out" >&2; [[ $out == ok* ]] } && break
done
[[ $out == ok* ]] || exit 2
zpty -w z "$2"$'\t'
integer tog=0
while zpty -r z; do :; done | while IFS= read -r out; do
	[[ -n $JF_DEBUG ]] && print -r -- "out: $out" >&2
	if [[ $out == *$'\0\r' ]]; then
		(( tog++ )) && exit 0 || continue
	fi
	(( tog )) && print -r -- ${out%$'\r'}
done
exit 0
