#!/bin/bash
# Checks the script of `sizesel completion bash` by completing real command lines in bash.
# Usage: tests/app/completion_test.sh SIZESEL
set -u
sizesel=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$sizesel" completion bash > "$tmp/sizesel.bash" || { echo "FAIL: sizesel completion bash exited $?"; exit 1; }
mkdir "$tmp/cache-folder"
touch "$tmp/cache-file"
cd "$tmp" || exit 1
failures=0

# expect "WORDS..." "EXPECTED REPLY": completes the last word (empty: a new word).
expect() {
  local line=$1 want=$2 got
  got=$(bash -c '
    source ./sizesel.bash
    read -ra COMP_WORDS <<< "$1"
    [[ "$1" == *" " ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    _sizesel
    printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$line")
  if [[ "${got% }" != "$want" ]]; then
    echo "FAIL: '$line' completed to '${got% }', expected '$want'"
    failures=$((failures + 1))
  fi
}

expect "sizesel rec" "recommend"
expect "sizesel ca" "cache"
expect "sizesel cache " "clear list"
expect "sizesel solve t.json --format " "csv json markdown text"
expect "sizesel batch a.json --format " "json text"
expect "sizesel solve t.json --mode m" "mixture"
expect "sizesel recommend s.json --q" "--quiet"
expect "sizesel recommend s.json --cache-dir cache-" "cache-folder"
expect "sizesel recommend s.json -o cache-" "cache-file cache-folder"
expect "sizesel recommend s.json --threads " ""
expect "sizesel solve t.json --weight " ""
expect "sizesel evaluate s.json --candidate " ""
expect "sizesel recommend s.json --slurm-partition " ""
expect "sizesel recommend s.json --report cache-" "cache-file cache-folder"
expect "sizesel recommend s.json --executor " "local slurm"
expect "sizesel init --dataset " "cifar10 fashion-mnist"
expect "sizesel models --dataset c" "cifar10"
expect "sizesel bench train --pre" "--preset"
expect "sizesel cache list --cache" "--cache-dir"
expect "sizesel completion " "bash"
expect "sizesel --v" "--version"
((failures == 0)) && echo "all completions as expected"
exit $((failures > 0))
