#!/usr/bin/env python3
"""Check that README.md's usage example is the code the tests compile.

Extracts the fenced code between `<!-- example:usage -->` and
`<!-- /example -->` in README.md and asserts that it appears verbatim (line
by line, ignoring trailing whitespace) in tests/unit/test_readme_example.cpp.
Exit status 0 when it does, 1 with a diff-like message when not.

    python3 tests/check_readme_example.py [README.md] [test_readme_example.cpp]
"""
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def readme_block(text):
    m = re.search(r"<!-- example:usage -->\s*```[a-z+]*\n(.*?)```\s*<!-- /example -->", text, re.S)
    if not m:
        raise SystemExit("README.md: no ```cpp block between <!-- example:usage --> and <!-- /example -->")
    return [line.rstrip() for line in m.group(1).rstrip("\n").split("\n")]


def main():
    readme = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "README.md")
    test = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "tests", "unit", "test_readme_example.cpp")
    block = readme_block(open(readme, encoding="utf-8").read())
    lines = [line.rstrip() for line in open(test, encoding="utf-8").read().split("\n")]
    n = len(block)
    for i in range(len(lines) - n + 1):
        if lines[i:i + n] == block:
            print("README example: %d lines found verbatim in %s" % (n, os.path.relpath(test, ROOT)))
            return 0
    # Help the reader: show the first README line that is not in the test.
    missing = next((line for line in block if line not in lines), None)
    print("README example is not verbatim in %s" % test, file=sys.stderr)
    if missing is not None:
        print("first README line not found in the test: %r" % missing, file=sys.stderr)
    else:
        print("every line exists, but not as one contiguous block", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
