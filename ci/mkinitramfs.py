#!/usr/bin/env python3
"""Build a Linux initramfs (newc cpio, optionally gzip) without root or mknod.

usage: mkinitramfs.py [--gzip[=LEVEL] | --no-compress] OUT INIT [DEST=SRC ...]

INIT becomes /init. Each DEST=SRC adds SRC at DEST inside the archive:
  - SRC a file: stored at DEST (DEST ending in "/" means DEST/basename(SRC));
  - SRC a directory: its whole tree is stored under DEST (symlinks kept);
  - several SRCs can share a DEST directory: tests/=a tests/=b ...
Parent directories are created as needed. /dev, /dev/console and /dev/null
are always present (character device nodes need no privilege inside a cpio).
Default compression: gzip level 1 (the kernel unpacks it fast, even under TCG).
"""
import gzip
import os
import stat
import sys


class Cpio:
    def __init__(self):
        self.parts = []
        self.ino = 0
        self.seen = set()

    def ent(self, name, mode, data=b"", rdev=(0, 0)):
        name = name.strip("/")
        if name in self.seen and name != "TRAILER!!!":
            if stat.S_ISDIR(mode):
                return
            raise SystemExit(f"mkinitramfs: duplicate entry {name!r}")
        self.seen.add(name)
        self.ino += 1
        nb = name.encode() + b"\0"
        f = (self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data),
             0, 0, rdev[0], rdev[1], len(nb), 0)
        h = b"070701" + "".join("%08X" % v for v in f).encode() + nb
        self.parts.append(h + b"\0" * (-len(h) % 4))
        self.parts.append(data + b"\0" * (-len(data) % 4))

    def mkdirs(self, path):
        path = path.strip("/")
        acc = ""
        for comp in path.split("/") if path else []:
            acc = f"{acc}/{comp}" if acc else comp
            if acc not in self.seen:
                self.ent(acc, stat.S_IFDIR | 0o755)

    def add_file(self, dest, src):
        dest = dest.strip("/")
        self.mkdirs(os.path.dirname(dest))
        st = os.lstat(src)
        if stat.S_ISLNK(st.st_mode):
            self.ent(dest, stat.S_IFLNK | 0o777, os.readlink(src).encode())
        elif stat.S_ISDIR(st.st_mode):
            self.add_tree(dest, src)
        else:
            with open(src, "rb") as fh:
                data = fh.read()
            self.ent(dest, stat.S_IFREG | (stat.S_IMODE(st.st_mode) | 0o444), data)

    def add_tree(self, dest, src):
        self.mkdirs(dest)
        for root, dirs, files in os.walk(src):
            dirs.sort()
            rel = os.path.relpath(root, src)
            base = dest.strip("/") if rel == "." else f"{dest.strip('/')}/{rel}"
            self.mkdirs(base)
            for d in dirs:
                p = os.path.join(root, d)
                if os.path.islink(p):
                    self.add_file(f"{base}/{d}", p)
            for fn in sorted(files):
                self.add_file(f"{base}/{fn}", os.path.join(root, fn))

    def bytes(self):
        self.ent("TRAILER!!!", 0)
        b = b"".join(self.parts)
        return b + b"\0" * (-len(b) % 512)


def main(argv):
    level = 1
    while argv and argv[0].startswith("--"):
        opt = argv.pop(0)
        if opt == "--no-compress":
            level = None
        elif opt.startswith("--gzip"):
            level = int(opt.split("=", 1)[1]) if "=" in opt else 6
        else:
            raise SystemExit(__doc__)
    if len(argv) < 2:
        raise SystemExit(__doc__)
    out, init, extra = argv[0], argv[1], argv[2:]
    c = Cpio()
    c.ent("dev", stat.S_IFDIR | 0o755)
    c.ent("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    c.ent("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3))
    for d in ("proc", "sys", "tmp", "root"):
        c.ent(d, stat.S_IFDIR | 0o755)
    with open(init, "rb") as fh:
        c.ent("init", stat.S_IFREG | 0o755, fh.read())
    for e in extra:
        if "=" not in e:
            raise SystemExit(f"mkinitramfs: expected DEST=SRC, got {e!r}")
        dest, src = e.split("=", 1)
        if os.path.isdir(src) and not os.path.islink(src):
            c.add_tree(dest, src)
        else:
            if dest.endswith("/"):
                dest = dest + os.path.basename(src)
            c.add_file(dest, src)
    data = c.bytes()
    tmp = out + ".tmp"
    if level is None:
        with open(tmp, "wb") as fh:
            fh.write(data)
    else:
        with gzip.open(tmp, "wb", compresslevel=level) as fh:
            fh.write(data)
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv[1:])
