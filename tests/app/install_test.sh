#!/bin/bash
# Installs a build into a temporary prefix (cmake --install) and checks what lands there works.
# Usage: tests/app/install_test.sh BUILD_DIR
set -u
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cmake --install "$build" --prefix "$prefix" > "$prefix.log" 2>&1 || { cat "$prefix.log"; fail "cmake --install exited $?"; }
rm -f "$prefix.log"
sizesel="$prefix/bin/sizesel"
[[ -x "$sizesel" ]] || fail "no bin/sizesel"
"$sizesel" --version | grep -q "^sizesel " || fail "bin/sizesel --version"
for file in share/sizesel/configs/quickstart.json share/sizesel/configs/paper_case_study.json \
            share/doc/sizesel/README.md share/doc/sizesel/docs/scenario.md share/doc/sizesel/docs/output.md \
            share/doc/sizesel/LICENSE share/bash-completion/completions/sizesel; do
  [[ -s "$prefix/$file" ]] || fail "$file is missing or empty"
done
# The installed configs are valid, and the installed binary decides the installed case study.
"$sizesel" validate "$prefix/share/sizesel/configs/" > /dev/null || fail "validate share/sizesel/configs/"
"$sizesel" solve "$prefix/share/sizesel/configs/paper_case_study.json" --format json | grep -q '"recommended": "s3"' ||
  fail "solve the installed case study"
# The completion installed is the binary's own.
diff <("$sizesel" completion bash) "$prefix/share/bash-completion/completions/sizesel" > /dev/null ||
  fail "the installed completion differs from sizesel completion bash"
echo "installed and working in $prefix"
