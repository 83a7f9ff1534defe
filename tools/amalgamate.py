#!/usr/bin/env python3
"""Generate the single-header distribution of cfimages.

    python3 tools/amalgamate.py --output DIR     write DIR/cfimages/*.hpp
    python3 tools/amalgamate.py --check DIR      exit 1 when DIR/cfimages/*.hpp
                                                 differ from what would be written

Writes:
  DIR/cfimages/cfimages.hpp   the codec: include/cfimages/cfimages.hpp (the umbrella,
                              the source of truth for what the codec is) with every
                              `#include <cfimages/...>` inlined once, recursively, in
                              dependency order (a header appears before its first user);
                              the definitions in include/cfimages/impl/*.ipp too, since
                              the single header is header-only.
  DIR/cfimages/<adapter>.hpp  one per adapters/<adapter>/include/cfimages/<adapter>.hpp:
                              the adapter with its own sub-headers inlined; the codec is
                              not inlined again but included as "cfimages.hpp" from the
                              same directory.

Every inlined header keeps its include guard, so mixing a single header with the
include/ tree in one program stays harmless. A system `#include <...>` that is not
under any condition (other than an include guard) is emitted once: later copies are
dropped. Output is deterministic: no timestamps, no absolute paths, LF line ends.

Standard library only.
"""

import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORE = ROOT / "include"
UMBRELLA = "cfimages/cfimages.hpp"

INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
IF_RE = re.compile(r"^\s*#\s*(if|ifdef|ifndef)\b")
ENDIF_RE = re.compile(r"^\s*#\s*endif\b")
GUARD_IFNDEF_RE = re.compile(r"^\s*#\s*ifndef\s+(\w+)\s*$")
GUARD_DEFINE_RE = re.compile(r"^\s*#\s*define\s+(\w+)\s*$")
# A resource header ends with `#define CFIMAGES_IMPL_FILE <cfimages/impl/X.ipp>`
# and `#include <cfimages/detail/bodies.hpp>`, which includes that file when
# CFIMAGES_DEFINE_BODIES is 1 (cfimages/detail/link.hpp). The single header is
# header-only (it has no src.hpp), so both lines are replaced by the impl/ file
# itself, inlined unconditionally, its detail headers once.
IMPL_FILE_RE = re.compile(r"^\s*#\s*define\s+CFIMAGES_IMPL_FILE\s+<([^>]+)>\s*$")
BODIES_HEADER = "cfimages/detail/bodies.hpp"


class AmalgamationError(Exception):
    pass


def read_version():
    text = (CORE / "cfimages" / "version.hpp").read_text(encoding="utf-8")
    m = re.search(r'#define\s+CFIMAGES_VERSION_STRING\s+"([^"]+)"', text)
    if not m:
        raise AmalgamationError("include/cfimages/version.hpp: no CFIMAGES_VERSION_STRING")
    return m.group(1)


def guard_lines(lines):
    """Returns (ifndef_index, endif_index) of the file's include guard, or None.

    A guard is a leading `#ifndef X` / `#define X` pair (only comments and blank
    lines before it) whose matching `#endif` is the last directive of the file.
    """
    first = None
    for i, line in enumerate(lines):
        s = line.strip()
        if not s or s.startswith("//"):
            continue
        m = GUARD_IFNDEF_RE.match(line)
        if m and i + 1 < len(lines):
            d = GUARD_DEFINE_RE.match(lines[i + 1])
            if d and d.group(1) == m.group(1):
                first = i
        break
    if first is None:
        return None
    depth = 0
    for i in range(first, len(lines)):
        if IF_RE.match(lines[i]):
            depth += 1
        elif ENDIF_RE.match(lines[i]):
            depth -= 1
            if depth == 0:
                rest = [l for l in lines[i + 1:] if l.strip() and not l.strip().startswith("//")]
                return (first, i) if not rest else None
    return None


class Amalgamator:
    """Inlines `<cfimages/...>` includes found under `roots`, each once."""

    def __init__(self, roots, skip=None, replace=None):
        self.roots = roots            # directories searched for <cfimages/...>
        self.done = set()             # headers already inlined (or provided)
        self.system = set()           # unconditional system includes already emitted
        self.skip = skip or set()     # headers provided by `replace` instead
        self.replace = replace        # line emitted once in place of the first skipped include
        self.replaced = False
        self.stack = []

    def locate(self, name):
        for root in self.roots:
            p = root / name
            if p.is_file():
                return p
        return None

    def inline(self, name, out, conditional=False):
        if name in self.stack:
            raise AmalgamationError("include cycle: " + " -> ".join(self.stack + [name]))
        path = self.locate(name)
        if path is None:
            raise AmalgamationError("cannot find <%s> (included from %s)" %
                                    (name, self.stack[-1] if self.stack else "the command line"))
        # A header inlined under a condition may be needed again unconditionally;
        # its guard keeps the second copy harmless, so only mark unconditional ones.
        if not conditional:
            self.done.add(name)
        self.stack.append(name)
        text = path.read_text(encoding="utf-8")
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        guard = guard_lines(lines)
        depth = 0
        opened = []  # the `#if` lines enclosing the current line
        out.append("// ---- begin <%s> ----" % name)
        impl_file = None  # named by `#define CFIMAGES_IMPL_FILE`, see IMPL_FILE_RE
        for i, line in enumerate(lines):
            if IF_RE.match(line):
                depth += 1
                opened.append(line.strip())
            elif ENDIF_RE.match(line):
                depth -= 1
                opened.pop()
            # Depth counted without the file's own guard.
            inside = depth - (1 if guard and guard[0] <= i < guard[1] else 0)
            cond = conditional or inside > 0
            d = IMPL_FILE_RE.match(line)
            if d:
                impl_file = d.group(1).strip()
                continue
            m = INCLUDE_RE.match(line)
            if m:
                kind, target = m.group(1), m.group(2).strip()
                if kind == '"':
                    raise AmalgamationError('%s: quoted include "%s" is not supported; use <cfimages/...>'
                                            % (name, target))
                if target == BODIES_HEADER:
                    if impl_file is None:
                        raise AmalgamationError("%s: includes <%s> without defining CFIMAGES_IMPL_FILE first"
                                                % (name, BODIES_HEADER))
                    if impl_file not in self.done:
                        self.inline(impl_file, out, cond)
                    impl_file = None
                    continue
                if target.startswith("cfimages/"):
                    if target in self.skip:
                        if not self.replaced:
                            out.append(self.replace)
                            self.replaced = True
                        continue
                    if target in self.done:
                        continue
                    self.inline(target, out, cond)
                    continue
                if not cond:
                    if target in self.system:
                        continue
                    self.system.add(target)
            out.append(line.rstrip())
        out.append("// ---- end <%s> ----" % name)
        self.stack.pop()


def banner(version, what, source):
    return [
        "// cfimages %s - %s" % (version, what),
        "// Generated by tools/amalgamate.py from %s; do not edit." % source,
        "// Regenerate: python3 tools/amalgamate.py --output single_include",
        "// SPDX-License-Identifier: BSL-1.0",
        "",
    ]


def closure(roots, start):
    """The set of <cfimages/...> headers reachable from `start`."""
    a = Amalgamator(roots)
    a.inline(start, [])
    return a.done


def generate():
    """Returns {relative output path: text}."""
    version = read_version()
    files = {}

    core = Amalgamator([CORE])
    out = banner(version, "the Cloudflare Images codec, single header",
                 "include/cfimages/cfimages.hpp (the umbrella)")
    core.inline(UMBRELLA, out)
    files["cfimages/cfimages.hpp"] = "\n".join(out) + "\n"
    in_umbrella = set(core.done)

    adapters = ROOT / "adapters"
    for adapter_dir in sorted(p for p in adapters.iterdir() if p.is_dir()) if adapters.is_dir() else []:
        name = adapter_dir.name
        inc = adapter_dir / "include"
        top = inc / "cfimages" / (name + ".hpp")
        if not top.is_file():
            continue
        if name == "cfimages":
            raise AmalgamationError("adapters/cfimages would overwrite the codec header")
        rel = "cfimages/%s.hpp" % name
        # Adapter headers first, then the core for anything the umbrella lacks.
        a = Amalgamator([inc, CORE], skip=in_umbrella, replace='#include "cfimages.hpp"')
        out = banner(version, "the %s transport, single header (needs cfimages.hpp beside it)" % name,
                     "adapters/%s/include/%s" % (name, rel))
        a.inline(rel, out)
        if not a.replaced:
            # The adapter named no core header directly; it still needs the codec.
            idx = out.index("// ---- begin <%s> ----" % rel)
            out.insert(idx, '#include "cfimages.hpp"')
        stray = sorted(h for h in a.done if (CORE / h).is_file() and h not in in_umbrella)
        for h in stray:
            print("amalgamate: warning: %s includes <%s>, which the umbrella lacks; inlined into %s"
                  % (rel, h, rel), file=sys.stderr)
        files[rel] = "\n".join(out) + "\n"
    return files


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--output", metavar="DIR", help="write DIR/cfimages/*.hpp")
    g.add_argument("--check", metavar="DIR", help="compare DIR/cfimages/*.hpp with a fresh generation")
    args = ap.parse_args(argv)
    try:
        files = generate()
    except (AmalgamationError, OSError) as e:
        print("amalgamate: error: %s" % e, file=sys.stderr)
        return 2

    if args.check:
        base = pathlib.Path(args.check)
        stale = []
        for rel, text in sorted(files.items()):
            p = base / rel
            if not p.is_file() or p.read_text(encoding="utf-8") != text:
                stale.append(str(p))
        extra = sorted(str(p) for p in (base / "cfimages").glob("*.hpp")
                       if p.relative_to(base).as_posix() not in files) if (base / "cfimages").is_dir() else []
        for p in stale:
            print("amalgamate: out of date: %s" % p, file=sys.stderr)
        for p in extra:
            print("amalgamate: not generated by this script: %s" % p, file=sys.stderr)
        if stale or extra:
            print("amalgamate: run `python3 tools/amalgamate.py --output %s`" % args.check, file=sys.stderr)
            return 1
        return 0

    base = pathlib.Path(args.output)
    for rel, text in sorted(files.items()):
        p = base / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        # Write only on change, so build systems that watch the files stay quiet.
        if not p.is_file() or p.read_text(encoding="utf-8") != text:
            with open(p, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
