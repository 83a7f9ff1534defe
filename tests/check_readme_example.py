#!/usr/bin/env python3
"""Check README.md's C++ snippets.

Default: the usage example (the fenced code between `<!-- example:usage -->`
and `<!-- /example -->`) must appear verbatim (line by line, ignoring
trailing whitespace) in tests/unit/test_readme_example.cpp, which compiles
and runs it.

--snippets --cxx CXX [--std N] [--work DIR]: also compile every other ```cpp
block of README.md. Each must be marked `<!-- snippet: NAME -->` on the line
before its fence and have a section NAME in tests/readme/snippets.cpp.in,
which gives it the context it needs (see the format there); a block without
a marker or a section, and a section without a block, fail the check. The
snippets are compiled (-fsyntax-only) as written: one translation unit for
all of them, plus one for each `own-tu` section. Compiler messages point at
README.md lines.

    python3 tests/check_readme_example.py [README.md] [test_readme_example.cpp]
    python3 tests/check_readme_example.py --snippets --cxx g++ [--std 17]

Exit status 0 when everything holds, 1 otherwise.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HARNESS = os.path.join(ROOT, "tests", "readme", "snippets.cpp.in")


def readme_block(text):
    m = re.search(r"<!-- example:usage -->\s*```[a-z+]*\n(.*?)```\s*<!-- /example -->", text, re.S)
    if not m:
        raise SystemExit("README.md: no ```cpp block between <!-- example:usage --> and <!-- /example -->")
    return [line.rstrip() for line in m.group(1).rstrip("\n").split("\n")]


def check_usage(readme, test):
    block = readme_block(open(readme, encoding="utf-8").read())
    lines = [line.rstrip() for line in open(test, encoding="utf-8").read().split("\n")]
    n = len(block)
    for i in range(len(lines) - n + 1):
        if lines[i:i + n] == block:
            print("README example: %d lines found verbatim in %s" % (n, os.path.relpath(test, ROOT)), flush=True)
            return 0
    # Help the reader: show the first README line that is not in the test.
    missing = next((line for line in block if line not in lines), None)
    print("README example is not verbatim in %s" % test, file=sys.stderr)
    if missing is not None:
        print("first README line not found in the test: %r" % missing, file=sys.stderr)
    else:
        print("every line exists, but not as one contiguous block", file=sys.stderr)
    return 1


def readme_snippets(path):
    """Returns ({name: (first line number, text)}, problems) for the cpp blocks."""
    lines = open(path, encoding="utf-8").read().split("\n")
    snippets, problems = {}, []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "```cpp":
            start = i + 1
            end = start
            while end < len(lines) and lines[end].strip() != "```":
                end += 1
            prev = lines[i - 1].strip() if i > 0 else ""
            m = re.fullmatch(r"<!-- snippet: ([a-z0-9-]+) -->", prev)
            if prev == "<!-- example:usage -->":
                pass  # compiled and run by tests/unit/test_readme_example.cpp
            elif not m:
                problems.append("README.md:%d: a ```cpp block without a <!-- snippet: NAME --> line before it" % (i + 1))
            elif m.group(1) in snippets:
                problems.append("README.md:%d: snippet name %s used twice" % (i, m.group(1)))
            else:
                snippets[m.group(1)] = (start + 1, "\n".join(lines[start:end]))
            i = end
        i += 1
    return snippets, problems


def harness_sections(path):
    """Returns (opening text, [section dicts]) from snippets.cpp.in."""
    lines = open(path, encoding="utf-8").read().split("\n")
    opening, sections, cur = [], [], None
    for n, line in enumerate(lines, 1):
        m = re.match(r"//@ snippet (\S+)(.*)$", line)
        if m:
            words = m.group(2).split()
            cur = {"name": m.group(1), "namespace": m.group(1).replace("-", "_"), "own_tu": False,
                   "flags": [], "before": [], "after": [], "before_line": n + 1, "after_line": None,
                   "in_after": False}
            for w in words:
                if w.startswith("namespace="):
                    cur["namespace"] = w.split("=", 1)[1]
                elif w == "own-tu":
                    cur["own_tu"] = True
                else:
                    cur["flags"].append(w)
            sections.append(cur)
        elif line.strip() == "//@ here" and cur is not None:
            cur["in_after"] = True
            cur["after_line"] = n + 1
        elif cur is None:
            opening.append(line)
        else:
            cur["after" if cur["in_after"] else "before"].append(line)
    return "\n".join(opening), sections


def section_text(sec, snippet, readme_line, harness_rel, wrap):
    out = []
    if wrap:
        out.append("namespace readme_%s {" % sec["namespace"])
    out.append('#line %d "%s"' % (sec["before_line"], harness_rel))
    out.extend(sec["before"])
    out.append('#line %d "README.md"' % readme_line)
    out.append(snippet)
    out.append('#line %d "%s"' % (sec["after_line"], harness_rel))
    out.extend(sec["after"])
    if wrap:
        out.append("} // namespace readme_%s" % sec["namespace"])
    return "\n".join(out) + "\n"


def compile_tu(cxx, std, flags, text, work, name):
    path = os.path.join(work, name + ".cpp")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    includes = ["-I" + os.path.join(ROOT, "include")]
    adapters = os.path.join(ROOT, "adapters")
    if os.path.isdir(adapters):
        for a in sorted(os.listdir(adapters)):
            inc = os.path.join(adapters, a, "include")
            if os.path.isdir(inc):
                includes.append("-I" + inc)
    # Snippets are fragments: what they compute, the reader uses later, and
    # a transport's body is left to the reader; other warnings are errors.
    quiet = ["-Wno-unused-parameter", "-Wno-unused-variable", "-Wno-unused-but-set-variable", "-Wno-unused-value"]
    cmd = [cxx, "-std=c++%s" % std, "-fsyntax-only", "-Wall", "-Wextra", "-Werror"] + quiet + includes + flags + [path]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        print("README snippets: %s does not compile:\n$ %s\n%s%s" % (name, " ".join(cmd), r.stdout, r.stderr),
              file=sys.stderr)
        return False
    return True


def check_snippets(readme, cxx, std, work):
    snippets, problems = readme_snippets(readme)
    opening, sections = harness_sections(HARNESS)
    names = [s["name"] for s in sections]
    for name in snippets:
        if name not in names:
            problems.append("README.md: snippet %s has no section in tests/readme/snippets.cpp.in" % name)
    for name in names:
        if name not in snippets:
            problems.append("tests/readme/snippets.cpp.in: section %s has no README.md block" % name)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    harness_rel = os.path.relpath(HARNESS, ROOT)
    combined = [opening]
    ok = True
    for sec in sections:
        line, text = snippets[sec["name"]]
        if sec["own_tu"]:
            ok = compile_tu(cxx, std, sec["flags"], section_text(sec, text, line, harness_rel, False),
                            work, "readme_" + sec["namespace"]) and ok
        else:
            combined.append(section_text(sec, text, line, harness_rel, True))
    ok = compile_tu(cxx, std, [], "\n".join(combined), work, "readme_snippets") and ok
    if ok:
        print("README snippets: %d compiled (%s, C++%s)" % (len(sections), os.path.basename(cxx), std))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("readme", nargs="?", default=os.path.join(ROOT, "README.md"))
    ap.add_argument("test", nargs="?", default=os.path.join(ROOT, "tests", "unit", "test_readme_example.cpp"))
    ap.add_argument("--snippets", action="store_true", help="also compile every other cpp block")
    ap.add_argument("--cxx", default=os.environ.get("CXX", "c++"))
    ap.add_argument("--std", default="17")
    ap.add_argument("--work", help="where to write the generated sources (default: a temporary directory)")
    args = ap.parse_args()
    rc = check_usage(args.readme, args.test)
    if args.snippets:
        if args.work:
            os.makedirs(args.work, exist_ok=True)
            rc = check_snippets(args.readme, args.cxx, args.std, args.work) or rc
        else:
            with tempfile.TemporaryDirectory() as work:
                rc = check_snippets(args.readme, args.cxx, args.std, work) or rc
    return rc


if __name__ == "__main__":
    sys.exit(main())
