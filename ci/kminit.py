#!/usr/bin/env python3
"""Check one serial log of ci/kernels-minit.sh: minit booted as the real
/init must have done every step, in order, and the kernel powered off.

usage: kminit.py LOG NAME VERSION ARCH BUILD QEMU_RC

Prints `minit <name> <version> <arch> <build>: ok`, or `... FAILED: <first
missing step>` followed by the log's minit lines; exit status 1 on failure.
"""
import re
import sys

ANSI = re.compile(r"\x1b(\[[0-9;?=>]*[A-Za-z]|[()][A-Z0-9]|[A-Za-z])")
MINIT_START = re.compile(r"^.*?(?=\bminit(-svc)?: )")


def ver(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:2])


def syscall_entries(name, version, build):
    """i386: the syscall entry minit reports before each `ready` (first
    boot, then after the re-exec), or None on other arches.

    The no-libc build has it from the aux vector `_start` read: the vDSO
    wherever the kernel maps one (not with vdso32=0, the -int80 guest). The
    std build resolves it at its first syscall through PR_GET_AUXV (6.4+)
    or /proc/self/auxv: as PID 1 on an older kernel, /proc is not mounted
    yet at that point, so the first minit stays on int 0x80, and the
    re-exec'd one (with /proc mounted) finds the vDSO."""
    if not name.startswith("i386-"):
        return None
    if name.endswith("-int80"):
        return ["int80", "int80"]
    if build == "nolibc" or ver(version) >= (6, 4):
        return ["vdso", "vdso"]
    return ["int80", "vdso"]


def check(lines, version, rc, entries=None):
    """Yields nothing; raises AssertionError(step) at the first miss."""
    text = "\n".join(lines)
    if entries is not None:
        got = [m.group(1) for m in map(re.compile(r"^minit: syscall entry=(\w+)$").match, lines) if m]
        assert got == entries, f"minit: syscall entry={' then '.join(entries)} (got {' then '.join(got) or 'none'})"
    for bad in ("Kernel panic", "minit: lost ", "minit: reexec-failed", "minit: error ",
                "minit: duplicate ", "panic: ", "minit: giving up"):
        assert bad not in text, f"no '{bad}' line"
    pos = 0

    def find(pattern, what, start=None):
        nonlocal pos
        r = re.compile(pattern)
        for i in range(pos if start is None else start, len(lines)):
            m = r.search(lines[i])
            if m:
                pos = i + 1
                return m
        raise AssertionError(what)

    find(r"^minit: mounted /proc type=proc$", "minit: mounted /proc type=proc")
    find(r"^minit: started orphaner ", "minit: started orphaner ...")
    started = pos
    find(r"^minit: ready pid=1 services=4$", "minit: ready pid=1 services=4")
    ready = pos
    # The orphan reports 0.1 s after the orphaner starts, before or after
    # minit's `ready` (the latter comes after every start; the glibc build
    # on armhf took longer than that to start the last service).
    pos = started
    orphan = find(r"^minit-svc: orphan pid=(\d+) ppid=1$", "minit-svc: orphan pid=<p> ppid=1 (re-parented to minit)").group(1)
    pos = ready
    find(r"^minit: exited flaky .* status=exit:3$", "minit: exited flaky ... status=exit:3")
    find(r"^minit: started flaky .* restarts=1$", "minit: started flaky ... restarts=1 (restarted)")
    mode = "handles" if ver(version) >= (6, 14) else "pids"
    pos = ready
    m = find(r"^minit: reexec state=/run/minit.state mode=(\w+)$", "minit: reexec state=/run/minit.state")
    assert m.group(1) == mode, f"minit: reexec ... mode={mode} (got mode={m.group(1)})"
    reexec = pos - 1
    # Every service alive at the re-exec is resumed, by the right means.
    alive = {}
    for l in lines[:reexec]:
        s = re.match(r"^minit: started (\S+) pid=(\d+)", l)
        e = re.match(r"^minit: exited (\S+) pid=(\d+)", l)
        if s:
            alive[s.group(1)] = s.group(2)
        elif e and alive.get(e.group(1)) == e.group(2):
            del alive[e.group(1)]
    assert alive, "services alive at the re-exec"
    via = "handle" if mode == "handles" else "pid\\+starttime"
    for name, pid in sorted(alive.items()):
        pos = reexec
        find(rf"^minit: resumed {name} pid={pid} .*via={via} ", f"minit: resumed {name} pid={pid} via={via.replace(chr(92), '')}")
    pos = reexec
    find(r"^minit: ready pid=1 services=4$", "minit: ready pid=1 services=4 (after the re-exec)")
    find(r"^minit: stopping$", "minit: stopping")
    stopping = pos
    find(r"^minit: killall signal=15 sent$", "minit: killall signal=15 sent")
    for name in ("sleeper", "orphaner", "driver"):
        pos = stopping
        find(rf"^minit: exited {name} .* status=signal:15$", f"minit: exited {name} ... status=signal:15")
    pos = stopping
    find(rf"^minit: orphan pid={orphan} status=signal:15$", f"minit: orphan pid={orphan} status=signal:15 (the adopted orphan stopped)")
    find(r"^minit: stopped$", "minit: stopped")
    find(r"^minit: poweroff$", "minit: poweroff")
    find(r"reboot: Power down", "reboot: Power down (kernel)")
    assert rc == 0, f"qemu exit 0 (got {rc})"


def main(argv):
    path, name, version, arch, build, rc = argv
    try:
        raw = open(path, "rb").read().decode("utf-8", "replace")
    except OSError:
        raw = ""
    # A bare CR ends a line too: the first line of i386-6.1-int80's log is
    # "Booting from ROM..<escapes>.\rminit: mounted /proc ...".
    lines = [l.strip() for l in re.split(r"\r\n|\n|\r", ANSI.sub("", raw))]
    # Whatever the firmware or the terminal left in front of minit's first
    # line on one machine and not on another (every i386 boot of one CI run
    # failed its first step while the same boots passed here) is not
    # minit's: a line is checked from its first "minit: " or "minit-svc: ".
    lines = [MINIT_START.sub("", l, count=1) for l in lines]
    head = f"minit {name} {version} {arch} {build}"
    try:
        check(lines, version, int(rc), syscall_entries(name, version, build))
    except AssertionError as e:
        print(f"{head}: FAILED: {e}")
        print(f"    (the log's first 160 bytes: {raw[:160]!r})")
        for l in lines:
            if l.startswith(("minit", "Kernel panic", "reboot:")):
                print(f"    {l}")
        return 1
    print(f"{head}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
