#!/usr/bin/env python3
"""Summarise one guest's serial log written by ci/kernels.sh.

usage: kresult.py LOG VERSION ARCH QEMU_RC BOOT_TIMEOUT SECS NAME

Prints `kernel <version> <arch>: <N> passed, <M> failed` (tests summed over
libtest's `test result:` lines of every binary), then indented details for
anything that went wrong. Exit status 1 if the kernel failed: a failed test,
a binary that exited non-zero or timed out, no KINIT-DONE (hang, crash),
a kernel panic, or qemu killed by the boot timeout.
"""
import re
import sys

ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[A-Za-z])")
RESULT = re.compile(r"test result: (ok|FAILED)\. (\d+) passed; (\d+) failed;")
FAILED_TEST = re.compile(r"^test (\S+) \.\.\. FAILED\s*$")
KRESULT = re.compile(r"^KINIT-RESULT (\S+) exit=(\d+)(.*)$")


def main(argv):
    path, version, arch, rc, boot_timeout, secs, name = argv
    rc = int(rc)
    try:
        raw = open(path, "rb").read().decode("utf-8", "replace")
    except OSError:
        raw = ""
    lines = [ANSI.sub("", l).rstrip("\r") for l in raw.split("\n")]

    passed = failed = 0
    problems = []          # human-readable details
    failed_tests = []      # (binary, test, first message lines)
    current = None         # binary being run
    saw_result = False     # libtest summary seen for the current binary
    bin_failed = False     # that summary reported failures
    running_test = None    # last "test NAME ..." line seen in the current binary
    done = None
    uname = None
    panic = None
    blocks = {}            # (binary, test) -> captured "---- test stdout ----" lines
    in_block = None
    in_list = False        # inside a "failures:" section
    child_panics = {}      # (binary, test) -> panic lines printed outside libtest's capture
    last_result = None     # (passed, failed) of the current binary's last libtest summary

    for i, l in enumerate(lines):
        s = l.strip()
        if s.startswith("KINIT-UNAME "):
            uname = s.split(" ", 1)[1]
        elif s.startswith("KINIT-START "):
            if last_result:  # previous binary never reported (guest died)
                passed, failed = passed + last_result[0], failed + last_result[1]
            current, saw_result, in_block, bin_failed = s.split(" ", 1)[1], False, None, False
            running_test, in_list, last_result = None, False, None
        elif s.startswith("KINIT-RESULT "):
            if last_result:
                passed, failed = passed + last_result[0], failed + last_result[1]
                last_result = None
            m = KRESULT.match(s)
            if m:
                b, code, rest = m.group(1), int(m.group(2)), m.group(3)
                if code != 0 or "timeout" in rest:
                    why = "timed out" if "timeout" in rest else f"exit={code}{rest.split(' time=')[0]}"
                    if not saw_result:
                        failed += 1  # crashed or hung before libtest's summary
                        where = f" in test {running_test}" if running_test else ""
                        problems.append(f"binary {b}: {why}{where} before libtest's summary (counted as 1 failed test)")
                    elif not bin_failed:
                        problems.append(f"binary {b}: {why} although its tests passed")
            current, in_block = None, None
        elif s.startswith("KINIT-BENCH-RESULT "):
            # bench_report (KINIT_BENCH=1): not a test, but it must finish.
            if not re.match(r"^KINIT-BENCH-RESULT exit=0 time=", s):
                problems.append(f"bench_report: {s.split(' ', 1)[1]}")
            current, in_block = None, None
        elif s.startswith("KINIT-BENCH-START"):
            if last_result:
                passed, failed = passed + last_result[0], failed + last_result[1]
                last_result = None
            current, in_block = "bench_report", None
        elif s.startswith("KINIT-DONE"):
            done = s
        elif "Kernel panic" in l and panic is None:
            panic = s
        elif s.startswith("KINIT-TAINTED"):
            m = re.search(r"before=(\S+) after=(\S+)", s)
            if m and m.group(1) != m.group(2):
                problems.append(f"kernel tainted during the tests: {m.group(1)} -> {m.group(2)} (see KINIT-KMSG lines)")
        m = RESULT.search(l)
        if m:
            # Only a binary's last summary counts: a test that re-runs its own
            # binary with --nocapture prints a nested summary first.
            last_result = (int(m.group(2)), int(m.group(3)))
            saw_result = True
            bin_failed = last_result[1] > 0
        m = re.match(r"^test (\S+) \.\.\.", s)
        if m:
            running_test = m.group(1)
        m = FAILED_TEST.match(s)
        if m and (current or "?", m.group(1)) not in failed_tests:
            failed_tests.append((current or "?", m.group(1)))
        # libtest's closing "failures:" list names every failed test, even when
        # output from a forked child broke the "test X ... FAILED" line.
        if s == "failures:":
            in_list = True
        elif s.startswith("test result:"):
            in_list = False
        elif in_list and not in_block and re.match(r"^    \S+$", l):
            t = (current or "?", s)
            if t not in failed_tests:
                failed_tests.append(t)
        # A panic outside libtest's capture (a forked child's stderr) belongs
        # to the test that is running.
        if not in_block and " panicked at " in s and running_test:
            key = (current or "?", running_test)
            extra = [s] + [x.strip() for x in lines[i + 1:i + 4] if x.strip() and not x.startswith("test ")
                           and not x.startswith("stack backtrace") and not x.startswith("note:")]
            child_panics.setdefault(key, []).extend(extra[:3])
        m = re.match(r"^---- (\S+) stdout ----$", s)
        if m:
            in_block = (current or "?", m.group(1))
            blocks[in_block] = []
            continue
        if in_block and (s == "failures:" or s.startswith("KINIT-") or s.startswith("test result:")
                         or s.startswith("stack backtrace:") or s.startswith("note: run with")):
            in_block = None
        if in_block and s and len(blocks[in_block]) < 12:
            blocks[in_block].append(s)

    if last_result:  # the guest died before the last binary's KINIT-RESULT
        passed, failed = passed + last_result[0], failed + last_result[1]
    hung = rc == 124 or rc == 137
    ok = True
    if failed or problems:
        ok = False
    if done is None:
        ok = False
        if hung:
            problems.append(f"HUNG: qemu killed after {boot_timeout}s without KINIT-DONE")
        else:
            problems.append(f"no KINIT-DONE (qemu rc={rc}): guest crashed or never ran /init")
    if panic and not (done and "Attempted to kill init" in panic):
        ok = False
        problems.append(f"kernel panic: {panic}")

    if ok:
        note = ""
    elif done is None and hung:
        note = "  <-- FAILED (hung)"
    elif panic and not (done and "Attempted to kill init" in panic):
        note = "  <-- FAILED (kernel panic)"
    elif done is None:
        note = "  <-- FAILED (no KINIT-DONE)"
    else:
        note = "  <-- FAILED"
    print(f"kernel {version} {arch}: {passed} passed, {failed} failed{note}")
    if not ok or failed_tests:
        if uname:
            print(f"    [{name}] uname: {uname}   boot {secs}s")
        for b, t in failed_tests:
            print(f"    FAILED {b}: {t}")
            for x in child_panics.get((b, t), [])[:6]:
                print(f"        | {x}")
            for x in blocks.get((b, t), [])[:8]:
                print(f"        {x}")
        for p in problems:
            print(f"    {p}")
        if done is None or panic:
            print(f"    --- last 40 lines of {path} ---")
            for x in [x for x in lines if x.strip()][-40:]:
                print(f"    | {x}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
