#!/usr/bin/env python3
"""Check one serial log of ci/kernels-minit.sh: minit booted as the real
/init must have done every step, in order, and the kernel powered off.

usage: kminit.py LOG NAME VERSION ARCH BUILD QEMU_RC

Prints `minit <name> <version> <arch> <build>: ok`, or `... FAILED: <first
missing step>` followed by the log's minit lines; exit status 1 on failure.
"""
import re
import sys

ANSI = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|[()][A-Z0-9]|[A-Za-z])")


def ver(v):
    return tuple(int(x) for x in re.findall(r"\d+", v)[:2])


def check(lines, version, rc):
    """Yields nothing; raises AssertionError(step) at the first miss."""
    text = "\n".join(lines)
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
    find(r"^minit: ready pid=1 services=4$", "minit: ready pid=1 services=4")
    ready = pos
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
    lines = [ANSI.sub("", l).rstrip("\r").strip() for l in raw.split("\n")]
    head = f"minit {name} {version} {arch} {build}"
    try:
        check(lines, version, int(rc))
    except AssertionError as e:
        print(f"{head}: FAILED: {e}")
        for l in lines:
            if l.startswith(("minit", "Kernel panic", "reboot:")):
                print(f"    {l}")
        return 1
    print(f"{head}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
