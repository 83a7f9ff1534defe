#!/usr/bin/env bash
# The cfimages tool's shell face: --version, the completion scripts and the
# man page, all generated from the tool's own help text.
#
#   tests/cli/cli_shell.sh [PATH-TO-cfimages]    (default build/bin/cfimages)
#
# bash completion: the script is sourced into a clean bash, registered with
# `complete`, and its function asked to complete command lines as bash
# would (COMP_WORDS/COMP_CWORD). zsh (when installed): the script loads after
# compinit, registers itself, and offers the same words. The man page must
# render with groff without a warning, and through man -l. Registered in
# CTest as cli/shell (tools/cli/CMakeLists.txt). Prints one line per check,
# then "N passed, N failed".

set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="${1:-${CFIMAGES_CLI:-$root/build/bin/cfimages}}"
[[ -x "$cli" ]] || { echo "cli_shell: $cli is not built" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1${2:+: $2}"; }
check() {  # check NAME GOT WANT
    if [[ "$2" == "$3" ]]; then ok "$1"; else bad "$1" "got '$2', want '$3'"; fi
}

# ---- --version --------------------------------------------------------------------
version=$(sed -n 's/^#define CFIMAGES_VERSION_STRING "\(.*\)"$/\1/p' "$root/include/cfimages/version.hpp")
check "--version" "$("$cli" --version 2>&1; echo "rc=$?")" "cfimages $version
rc=0"
check "-V" "$("$cli" -V 2>&1; echo "rc=$?")" "cfimages $version
rc=0"
check "--version after global options" "$("$cli" --account-id x --version 2>&1)" "cfimages $version"
out=$("$cli" stats --version 2>&1)
check "--version after a command is an unknown option (exit 2)" "$?:${out%%$'\n'*}" \
    "2:error usage: unknown option --version"

# ---- bash completion ----------------------------------------------------------------
"$cli" completion bash >"$work/cfimages.bash"
check "completion bash exits 0" "$?" 0
if bash -n "$work/cfimages.bash"; then ok "bash script parses"; else bad "bash script parses"; fi

# complete WORDS...: what the completion offers for the last word (may be
# empty), one per line, sorted, from a bash that has only sourced the script.
complete_line() {
    bash --norc --noprofile -c '
        source "$1" || exit 9
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        _cfimages
        printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$work/cfimages.bash" "$@"
}
registered=$(bash --norc --noprofile -c 'source "$1" && complete -p cfimages' _ "$work/cfimages.bash")
check "bash: registered for cfimages" "$registered" "complete -F _cfimages cfimages"
check "bash: a command" "$(complete_line cfimages ima)" "images"
check "bash: every top-level word" "$(complete_line cfimages '' | tr '\n' ' ')" \
    "completion direct-upload export images keys man sign stats sync upload-to variants verify "
check "bash: a subcommand" "$(complete_line cfimages images upl)" "upload"
check "bash: list and list-v2" "$(complete_line cfimages images li | tr '\n' ' ')" "list list-v2 "
check "bash: global options and their values are skipped" \
    "$(complete_line cfimages --account-id acc --api-token tok var)" "variants"
check "bash: global options" "$(complete_line cfimages --ver)" "--version"
check "bash: a command's options" "$(complete_line cfimages images upload --re)" "--require-signed-urls"
check "bash: global options after the command" "$(complete_line cfimages stats --time)" "--timeout"
check "bash: choices from the synopsis" "$(complete_line cfimages images list-v2 --sort-order '' | tr '\n' ' ')" \
    "asc desc "
check "bash: choices of a command's own option" "$(complete_line cfimages variants create hero --metadata c)" \
    "copyright"
check "bash: nothing offered for a free value" "$(complete_line cfimages --account-id '')" ""
mkdir -p "$work/pics" && : >"$work/pics/cat.png"
check "bash: file names for --file" "$(complete_line cfimages images upload --file "$work/pics/c")" \
    "$work/pics/cat.png"
check "bash: file names for --output" "$(complete_line cfimages images blob id --output "$work/pics/")" \
    "$work/pics/cat.png"
check "bash: completion's shells" "$(complete_line cfimages completion '' | tr '\n' ' ')" "bash zsh "

# ---- zsh completion -----------------------------------------------------------------
"$cli" completion zsh >"$work/_cfimages"
check "completion zsh exits 0" "$?" 0
check "completion fish is a usage error (exit 2)" "$("$cli" completion fish >/dev/null 2>&1; echo $?)" 2
if command -v zsh >/dev/null 2>&1; then
    if zsh -n "$work/_cfimages"; then ok "zsh script parses"; else bad "zsh script parses"; fi
    # compadd filters by the typed prefix in a real session; the function
    # itself offers the candidates, which must include the expected ones.
    got=$(zsh -f -c '
        autoload -U compinit && compinit -u -D
        source "$1" || exit 9
        print -r -- "registered=$_comps[cfimages]"
        setopt ksharrays
        COMP_WORDS=(cfimages images up); COMP_CWORD=2; _cfimages; print -r -- "images: ${COMPREPLY[*]}"
        COMP_WORDS=(cfimages variants create x --metadata ""); COMP_CWORD=5; _cfimages
        print -r -- "metadata: ${COMPREPLY[*]}"' _ "$work/_cfimages" 2>&1)
    check "zsh: registered through bashcompinit" "$(grep '^registered=' <<<"$got")" \
        "registered=_bash_complete -F _cfimages"
    if grep -q '^images: .*\bupload\b' <<<"$got"; then ok "zsh: offers subcommands"; else bad "zsh: offers subcommands" "$got"; fi
    check "zsh: offers a command's choices" "$(grep '^metadata: ' <<<"$got")" "metadata: keep copyright none"
else
    echo "skip zsh checks: zsh is not installed (Debian package zsh)"
fi

# ---- man page ---------------------------------------------------------------------------
"$cli" man >"$work/cfimages.1"
check "man exits 0" "$?" 0
if command -v groff >/dev/null 2>&1; then
    warnings=$(groff -man -Tutf8 -ww -z "$work/cfimages.1" 2>&1)
    check "man page: groff -ww renders it without a warning" "$warnings" ""
else
    echo "skip groff check: groff is not installed"
fi
if command -v man >/dev/null 2>&1; then
    page=$(MANWIDTH=100 man -l "$work/cfimages.1" 2>"$work/man.err" | col -b)
    check "man -l: no complaint" "$(cat "$work/man.err")" ""
    for want in "CFIMAGES(1)" "cfimages - command-line client for the Cloudflare Images API" \
        "   images upload" "   variants create" "   verify" "   completion" "EXIT STATUS" "CLOUDFLARE_ACCOUNT_ID" \
        "cfimages $version"; do
        if grep -qF -- "$want" <<<"$page"; then ok "man -l shows '$want'"; else bad "man -l shows '$want'"; fi
    done
    # Every command of --help has its section.
    missing=""
    while read -r cmdline; do
        grep -qxF "   $cmdline" <<<"$page" || missing+=" [$cmdline]"
    done < <("$cli" --help | sed -n 's/^  \([a-z][a-z0-9 -]*[a-z0-9]\)\( .*\)\{0,1\}$/\1/p' |
        sed -E 's/ (\(|\[|ID|NAME|URL|bash).*$//')
    check "man page: a section per command of --help" "$missing" ""
else
    echo "skip man -l checks: man is not installed"
fi

echo "cli shell: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
