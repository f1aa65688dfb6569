#!/usr/bin/env python3
"""Captures real kernel output as fuzz seeds (x86_64 host, run as root):
/proc/<pid>/status and pidfd fdinfo text (live, reaped, inside a nested pid
namespace), PIDFD_GET_INFO bytes, waitid siginfo bytes and wait4 status
ints, and a recvmsg SCM_CREDENTIALS control buffer. Writes into
fuzz/corpus/<target>/real-*; the hand-made malformed seeds beside them are
checked in as they are."""
import ctypes, os, signal, socket, struct, sys, fcntl

here = os.path.dirname(os.path.abspath(__file__))
libc = ctypes.CDLL(None, use_errno=True)

def put(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def read(path):
    with open(path, "rb") as f:
        return f.read()

def fdinfo(fd):
    return read(f"/proc/self/fdinfo/{fd}")

# status and fdinfo of a live child, then of the reaped child.
pid = os.fork()
if pid == 0:
    signal.pause()
    os._exit(0)
pfd = os.pidfd_open(pid)
put("proc_status_parse", "real-self", read("/proc/self/status"))
put("proc_status_parse", "real-child", read(f"/proc/{pid}/status"))
put("proc_status_parse", "real-init", read("/proc/1/status"))
put("pidfd_fdinfo_parse", "real-live", fdinfo(pfd))

# PIDFD_GET_INFO (80 bytes, every bit asked).
def ioc(d, t, nr, size):
    return (d << 30) | (size << 16) | (t << 8) | nr
req = ioc(3, 0xFF, 11, 80)
buf = bytearray(80)
struct.pack_into("=Q", buf, 0, 0x3f)
fcntl.ioctl(pfd, req, buf)
put("pidfd_info_decode", "real-live-80", bytes(buf))
put("pidfd_info_decode", "real-live-64", bytes(buf[:64]))

os.kill(pid, signal.SIGKILL)
# waitid siginfo (WNOWAIT), then wait4 status.
si = ctypes.create_string_buffer(128)
P_PID, WEXITED, WNOWAIT = 1, 4, 0x01000000
assert libc.waitid(P_PID, pid, si, WEXITED | WNOWAIT) == 0
put("wait_status_decode", "real-siginfo-killed", si.raw)
st = ctypes.c_int(0)
assert libc.wait4(pid, ctypes.byref(st), 0, None) == pid
put("wait_status_decode", "real-raw-killed", struct.pack("=i", st.value))
put("pidfd_fdinfo_parse", "real-reaped", fdinfo(pfd))
buf = bytearray(80)
struct.pack_into("=Q", buf, 0, 0x3f)
fcntl.ioctl(pfd, req, buf)
put("pidfd_info_decode", "real-reaped-80", bytes(buf))
os.close(pfd)

# exit(7) and a stop/continue.
pid = os.fork()
if pid == 0:
    os._exit(7)
assert libc.waitid(P_PID, pid, si, WEXITED | WNOWAIT) == 0
put("wait_status_decode", "real-siginfo-exited-7", si.raw)
_, status = os.waitpid(pid, 0)
put("wait_status_decode", "real-raw-exited-7", struct.pack("=i", status))
pid = os.fork()
if pid == 0:
    signal.pause()
    os._exit(0)
os.kill(pid, signal.SIGSTOP)
WSTOPPED, WCONTINUED = 2, 8
assert libc.waitid(P_PID, pid, si, WSTOPPED) == 0
put("wait_status_decode", "real-siginfo-stopped", si.raw)
os.kill(pid, signal.SIGCONT)
assert libc.waitid(P_PID, pid, si, WCONTINUED) == 0
put("wait_status_decode", "real-siginfo-continued", si.raw)
os.kill(pid, signal.SIGSTOP)
_, status = os.waitpid(pid, os.WUNTRACED)
put("wait_status_decode", "real-raw-stopped", struct.pack("=i", status))
os.kill(pid, signal.SIGCONT)
_, status = os.waitpid(pid, os.WCONTINUED)
put("wait_status_decode", "real-raw-continued", struct.pack("=i", status))
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)

# Inside a new pid namespace: the child's status (NSpid with two levels)
# and fdinfo as seen from outside.
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    assert libc.unshare(0x20000000) == 0  # CLONE_NEWPID
    c = os.fork()
    if c == 0:
        signal.pause()
        os._exit(0)
    os.write(w, struct.pack("=i", c))
    os.waitpid(c, 0)
    os._exit(0)
os.close(w)
inner = struct.unpack("=i", os.read(r, 4))[0]
pfd = os.pidfd_open(inner)
put("proc_status_parse", "real-nested", read(f"/proc/{inner}/status"))
put("pidfd_fdinfo_parse", "real-nested", fdinfo(pfd))
os.kill(inner, signal.SIGKILL)
os.close(pfd)
os.waitpid(pid, 0)

# A recvmsg SCM_CREDENTIALS control buffer, raw (64 bytes as the crate's).
a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
b.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
a.send(b"12345678")
class iovec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
class msghdr(ctypes.Structure):
    _fields_ = [("name", ctypes.c_void_p), ("namelen", ctypes.c_uint32),
                ("iov", ctypes.POINTER(iovec)), ("iovlen", ctypes.c_size_t),
                ("control", ctypes.c_void_p), ("controllen", ctypes.c_size_t),
                ("flags", ctypes.c_int)]
payload = ctypes.create_string_buffer(8)
ctl = ctypes.create_string_buffer(64)
iov = iovec(ctypes.cast(payload, ctypes.c_void_p), 8)
m = msghdr(None, 0, ctypes.pointer(iov), 1, ctypes.cast(ctl, ctypes.c_void_p), 64, 0)
assert libc.recvmsg(b.fileno(), ctypes.byref(m), 0) == 8
put("scm_credentials_parse", "real-creds", ctl.raw[: m.controllen])
put("scm_credentials_parse", "real-creds-64", ctl.raw)
print("ok")
