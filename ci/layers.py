#!/usr/bin/env python3
"""The crate's import graph, checked against its layering rule.

Data flows down: features -> base -> arch. A base module never imports a
feature module, and feature modules do not import each other in a loop.
Prints `module -> modules it imports` (one line each) and the line count of
every file under src/ (the errno name table excepted, no file may pass 500
lines); exits 1 on any violation.

usage: python3 ci/layers.py [SRC_DIR]      (default: src)
"""
import os
import re
import sys

BASE = {"arch", "errno", "fd", "flags", "parse", "path", "procfs", "raw", "sys"}
FEATURES = {"handle", "info", "ns", "pidfd", "probe", "proc", "process", "signal",
            "spawn", "translate", "wait", "command", "init_cache", "exec", "io", "mount",
            "signalfd", "time", "signame"}
TOP = {"lib", "hooks", "fuzzing", "rt"}
MAX_LINES = 500
LONG_OK = {"errno.rs"}


def module_of(rel):
    parts = rel.split(os.sep)
    name = parts[0][:-3] if len(parts) == 1 else parts[0]
    return name


def imports(text):
    text = re.sub(r"//[^\n]*", "", text)  # comments and doc comments
    found = set()
    for m in re.finditer(r"\bcrate::\{", text):
        depth, i = 1, m.end()
        start = i
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        inner, depth, item = text[start:i - 1], 0, ""
        items = []
        for c in inner:
            if c in "{": depth += 1
            if c in "}": depth -= 1
            if c == "," and depth == 0:
                items.append(item); item = ""
            else:
                item += c
        items.append(item)
        for it in items:
            w = re.match(r"\s*([A-Za-z_][A-Za-z_0-9]*)", it)
            if w:
                found.add(w.group(1))
    for m in re.finditer(r"\bcrate::([A-Za-z_][A-Za-z_0-9]*)", text):
        found.add(m.group(1))
    return found


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    graph, sizes, errors = {}, {}, []
    modules = set()
    for root, _, files in os.walk(src):
        for f in files:
            if f.endswith(".rs"):
                modules.add(module_of(os.path.relpath(os.path.join(root, f), src)))
    modules.add("arch")
    for root, _, files in os.walk(src):
        for f in sorted(files):
            if not f.endswith(".rs"):
                continue
            path = os.path.join(root, f)
            rel = os.path.relpath(path, src)
            text = open(path, encoding="utf-8").read()
            sizes[rel] = text.count("\n")
            mod = module_of(rel)
            deps = {d for d in imports(text) if d in modules and d != mod}
            graph.setdefault(mod, set()).update(deps)
    for mod in sorted(graph):
        print(f"{mod} -> {', '.join(sorted(graph[mod])) or '(nothing)'}")
        kind = "base" if mod in BASE else "feature" if mod in FEATURES else "top" if mod in TOP else None
        if kind is None:
            errors.append(f"{mod}: not classified as base, feature or top in ci/layers.py")
        if kind == "base":
            for d in graph[mod]:
                if d not in BASE:
                    errors.append(f"base module {mod} imports {d}")
        if kind == "feature":
            for d in graph[mod]:
                if d in TOP:
                    errors.append(f"feature module {mod} imports {d}")
    # loops among feature modules
    feat = {m: {d for d in graph.get(m, ()) if d in FEATURES} for m in graph if m in FEATURES}
    state = {}

    def visit(m, stack):
        state[m] = 1
        for d in sorted(feat.get(m, ())):
            if state.get(d) == 1:
                errors.append("feature loop: " + " -> ".join(stack[stack.index(d):] + [d]))
            elif d not in state:
                visit(d, stack + [d])
        state[m] = 2

    for m in sorted(feat):
        if m not in state:
            visit(m, [m])
    print()
    for rel in sorted(sizes, key=lambda r: -sizes[r]):
        flag = ""
        if sizes[rel] > MAX_LINES and os.path.basename(rel) not in LONG_OK:
            flag = "  <-- over %d lines" % MAX_LINES
            errors.append(f"{rel}: {sizes[rel]} lines")
        print(f"{sizes[rel]:5d} src/{rel}{flag}")
    if errors:
        print("\nlayering check FAILED:\n  " + "\n  ".join(errors))
        return 1
    print("\nlayering check ok: no base module imports a feature, no loop among features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
