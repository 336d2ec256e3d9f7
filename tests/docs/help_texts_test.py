#!/usr/bin/python3
"""docs/output.md quotes the --help of sizesel and of its subcommands: each quote must be what
the binary prints now, so that a new option or example cannot leave the docs behind.

Usage: help_texts_test.py SOURCE_DIR SIZESEL. A block follows a line "`build/sizesel ARGS --help`
prints:" (or, for the cache section, three blocks after "... `build/sizesel cache clear --help`
print:"). The binary runs as build/sizesel, the name the docs show."""
import os
import re
import subprocess
import sys
import tempfile

source, binary = sys.argv[1], os.path.abspath(sys.argv[2])
lines = open(os.path.join(source, "docs", "output.md"), encoding="utf-8").read().split("\n")


def block_at(i):
    """The text of the ```text block starting at line i, and the line after it."""
    assert lines[i] == "```text", f"docs/output.md:{i + 1}: expected a ```text block"
    j = i + 1
    while lines[j] != "```":
        j += 1
    return "\n".join(lines[i + 1:j]), j + 1


with tempfile.TemporaryDirectory() as folder:
    os.mkdir(os.path.join(folder, "build"))
    os.symlink(binary, os.path.join(folder, "build", "sizesel"))

    def help_of(args):
        run = subprocess.run(["build/sizesel", *args, "--help"], cwd=folder, capture_output=True, text=True)
        return run.stdout.rstrip("\n")

    quotes = []  # (line, args, quoted text)
    for i, line in enumerate(lines):
        single = re.match(r"^`build/sizesel ?(.*) --help` prints:$", line)
        if single:
            quotes.append((i + 1, single.group(1).split(), block_at(i + 2)[0]))
        elif line == "`build/sizesel cache clear --help` print:":
            at = i + 2
            for args in (["cache"], ["cache", "list"], ["cache", "clear"]):
                text, at = block_at(at)
                quotes.append((at, args, text))
                at += 1  # the blank line between the blocks
    problems = [f"docs/output.md:{at}: the quoted `sizesel {' '.join(args)} --help` differs from the binary's"
                for at, args, text in quotes if text != help_of(args)]
    if len(quotes) < 8:
        problems.append(f"docs/output.md: only {len(quotes)} --help quotes found; the pattern may have changed")
for problem in problems:
    print("FAIL:", problem)
print(f"{len(quotes)} --help quotes checked")
sys.exit(1 if problems else 0)
