#!/usr/bin/env python3
"""Builds the README's kernel support table from the real-kernel matrix.

Reads the PIDFS-SUPPORT lines that tests/probe.rs
(support_line_for_the_matrix_table) writes to the serial console of each
guest (target/kernels/logs/*.log), plus the host's own lines when given
files on the command line, and prints a Markdown table: one row per
(kernel, arch, bits), one column per feature, each cell what the crate's
API answered there.

usage: ci/support-table.py [LOG...]   (default: target/kernels/logs/*.log)
"""
import glob
import re
import sys

files = sys.argv[1:] or sorted(glob.glob("target/kernels/logs/*.log"))
rows, cols = {}, []
for path in files:
    text = open(path, "rb").read().decode("utf-8", "replace")
    for m in re.finditer(r"PIDFS-SUPPORT ([^\r\n]*)", text):
        parts = [p.strip() for p in m.group(1).split("|")]
        head = dict(kv.split("=", 1) for kv in parts[0].split())
        key = (head["release"], head["arch"], head["bits"])
        cells = {}
        for p in parts[1:]:
            k, v = p.split("=", 1)
            cells[k] = v
            if k not in cols:
                cols.append(k)
        # Several guests can share a row (i386-6.1 and its int 0x80 variant):
        # the API must answer the same there; say so where it does not.
        if key in rows and rows[key] != cells:
            diff = [c for c in set(rows[key]) | set(cells) if rows[key].get(c) != cells.get(c)]
            print(f"support-table: {' '.join(key)}: {path} differs from an earlier log in {', '.join(sorted(diff))}",
                  file=sys.stderr)
            for c in diff:
                cells[c] = f"{rows[key].get(c, '')} / {cells.get(c, '')}"
        rows[key] = cells


def vkey(k):
    nums = [int(x) for x in re.findall(r"\d+", k[0])[:3]]
    return (nums, k[1], k[2])


if not rows:
    sys.exit("support-table: no PIDFS-SUPPORT lines found")
print("| kernel | arch | " + " | ".join(cols) + " |")
print("|---|---|" + "---|" * len(cols))
for key in sorted(rows, key=vkey):
    rel, arch, bits = key
    label = {"x86": "i686", "x86_64": "x86_64", "aarch64": "aarch64", "arm": "armv7"}.get(arch, arch)
    print(f"| {rel} | {label} | " + " | ".join(rows[key].get(c, "") for c in cols) + " |")
