/*
 * pidfs C baseline: the kernel work that pidfs's benches time, issued from
 * plain C with raw syscalls (syscall(2), ioctl(2), no pidfs, no wrappers
 * beyond libc's), so that each bench can print pidfs/C for the same
 * operation measured in the same run. The C numbers are the floor: what the
 * kernel itself costs on this machine.
 *
 * All operations work on one target process that lives as pid 1 of a new
 * pid namespace, as the benches' target does (bench/benches/support/mod.rs,
 * NsTarget); each name below is the key the benches look up:
 *
 *   getpid            syscall(SYS_getpid)
 *   handle_roundtrip  name_to_handle_at(pidfd, "", AT_EMPTY_PATH), then
 *                     open_by_handle_at(mount, handle, O_RDONLY|O_CLOEXEC)
 *                     and close; mount is FD_PIDFS_ROOT where the kernel
 *                     takes it (6.17+), else the target's pidfd (6.14+)
 *   ns_ioctl          ioctl(nsfd, NS_GET_PID_FROM_PIDNS, 1)        (6.11+)
 *   ns_open_ioctl     the LXCFS read without a cache: the namespace fd
 *                     from the target's pidfd (PIDFD_GET_PID_NAMESPACE),
 *                     NS_GET_PID_FROM_PIDNS(1), close, with no other fd
 *                     of that namespace open: the kernel's own cost of
 *                     benches/lxcfs.rs's "ioctl" method             (6.11+)
 *   get_info          ioctl(pidfd, PIDFD_GET_INFO, mask PID), the 80-byte
 *                     request where the kernel takes it (6.16+), else the
 *                     64-byte one (6.13+)
 *   proc_nspid        open, one read, close of /proc/<pid>/status and the
 *                     last NSpid: entry parsed
 *   fork_translate    the LXCFS method pidfs's Method::Fork follows: fork,
 *                     setns(CLONE_NEWPID), fork again; the grandchild sends
 *                     SCM_CREDENTIALS naming pid 1, the caller receives it
 *                     translated into its own pid namespace
 *
 * Output (stdout, line buffered): informational lines, then one line per
 * operation, either "<name> <mean> ns/op" (exactly three words: that is
 * what the benches parse) or "<name> unsupported here: <ERRNO>" where the
 * kernel or the emulator (qemu-user: ENOTTY for the nsfs and pidfs ioctls)
 * refuses it. Every supported operation is first checked to give the right
 * answer (the same pid three ways); a wrong answer exits 1.
 *
 * Build static (so the binary can be copied to a board with no toolchain);
 * ci/bench.sh does this into target/c-baseline/:
 *
 *   gcc -O2 -static bench/c/baseline.c -o c-baseline-x86_64
 *   gcc -O2 -static -m32 bench/c/baseline.c -o c-baseline-i686
 *       (Debian: libc6-dev-i386, and gcc-multilib for <asm/...>; where a
 *       cross compiler keeps gcc-multilib out, add
 *       -idirafter /usr/include/x86_64-linux-gnu, as ci/bench.sh does)
 *   aarch64-linux-gnu-gcc -O2 -static bench/c/baseline.c -o c-baseline-aarch64
 *       (Debian: gcc-aarch64-linux-gnu; run it with qemu-aarch64-static)
 *
 * Run as root (the new pid namespace, setns):
 *
 *   ./c-baseline-x86_64 [ITERS [FORK_ITERS]]
 *
 * ITERS (default 200000) calls of each fast operation, ITERS/10 of
 * proc_nspid, FORK_ITERS (default 300) of fork_translate; each reported
 * value is the mean over its calls, after a short warm-up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434 /* the same number on every architecture */
#endif

/* nsfs: _IOR(0xb7, 6, int). */
#define NS_GET_PID_FROM_PIDNS 0x8004b706u
/* pidfs: _IO(0xFF, 5), 6.11. */
#define PIDFD_GET_PID_NAMESPACE 0xff05u
/* pidfs: _IOWR(0xff, 11, struct pidfd_info), 64 bytes (6.13) and 80 (6.16). */
#define PIDFD_GET_INFO_64 0xc040ff0bu
#define PIDFD_GET_INFO_80 0xc050ff0bu
#define PIDFD_INFO_PID 1ull
/* open_by_handle_at's mount fd for pidfs handles (6.17+). */
#define FD_PIDFS_ROOT (-10002)

_Static_assert(NS_GET_PID_FROM_PIDNS == _IOR(0xb7, 6, int), "NS_GET_PID_FROM_PIDNS");
_Static_assert(PIDFD_GET_INFO_64 == _IOWR(0xff, 11, char[64]), "PIDFD_GET_INFO 64");
_Static_assert(PIDFD_GET_INFO_80 == _IOWR(0xff, 11, char[80]), "PIDFD_GET_INFO 80");

/* struct file_handle with room for any handle (MAX_HANDLE_SZ 128). */
struct handle {
	uint32_t handle_bytes;
	int32_t handle_type;
	unsigned char f_handle[128];
};

static const char *arch(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__i386__)
	return "i686";
#elif defined(__aarch64__)
	return "aarch64";
#elif defined(__arm__)
	return "arm";
#elif defined(__riscv)
	return "riscv64";
#else
	return "unknown";
#endif
}

/* The errno names the Rust side prints (Errno's Debug), for the few a
   refused operation can answer. */
static const char *errno_name(int e)
{
	static char other[32];
	switch (e) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSYS: return "ENOSYS";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ESTALE: return "ESTALE";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EAGAIN: return "EAGAIN";
	case EPROTO: return "EPROTO";
	}
	snprintf(other, sizeof other, "errno %d", e);
	return other;
}

static double now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* ---------------------------------------------------------------- target */

struct target {
	pid_t pid;       /* in our pid namespace */
	pid_t pid_in_ns; /* in its own (1 when new_pidns) */
	int new_pidns;
	int pidfd;
	int nsfd;
	pid_t outer;  /* our child, the target's parent */
	int release;  /* closing it ends the target */
};

/* Forks an "outer" child that unshares CLONE_NEWPID and forks the target,
   which blocks reading a pipe until we close our end (or die). Without the
   privilege for unshare the target is a plain child in our namespace. */
static int start_target(struct target *t)
{
	int rel[2], rep[2];
	if (pipe2(rel, O_CLOEXEC) < 0 || pipe2(rep, O_CLOEXEC) < 0)
		return -1;
	pid_t outer = fork();
	if (outer < 0)
		return -1;
	if (outer == 0) {
		close(rel[1]);
		close(rep[0]);
		int msg[2] = { 0, unshare(CLONE_NEWPID) == 0 };
		pid_t c = fork();
		if (c == 0) {
			char b;
			while (read(rel[0], &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		msg[0] = c;
		if (write(rep[1], msg, sizeof msg) != (ssize_t)sizeof msg)
			_exit(1);
		int st;
		waitpid(c, &st, 0);
		_exit(0);
	}
	close(rel[0]);
	close(rep[1]);
	int msg[2];
	ssize_t n = read(rep[0], msg, sizeof msg);
	close(rep[0]);
	if (n != (ssize_t)sizeof msg || msg[0] <= 0) {
		fprintf(stderr, "c-baseline: the target did not start\n");
		return -1;
	}
	t->outer = outer;
	t->release = rel[1];
	t->pid = msg[0];
	t->new_pidns = msg[1];
	t->pid_in_ns = msg[1] ? 1 : msg[0];
	t->pidfd = (int)syscall(SYS_pidfd_open, t->pid, 0);
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)t->pid);
	t->nsfd = open(path, O_RDONLY | O_CLOEXEC);
	if (t->pidfd < 0 || t->nsfd < 0) {
		perror("c-baseline: pidfd_open or /proc/<pid>/ns/pid");
		return -1;
	}
	return 0;
}

static void stop_target(struct target *t)
{
	int st;
	close(t->release);
	waitpid(t->outer, &st, 0);
}

/* ------------------------------------------------------------ operations */
/* Each returns its answer (a pid, an fd's success, ...) or -errno. */

static struct target T;
static int handle_mount = FD_PIDFS_ROOT;
static unsigned long info_request = PIDFD_GET_INFO_80;
static char status_path[64];

static long op_getpid(void)
{
	return syscall(SYS_getpid);
}

static long op_handle_roundtrip(void)
{
	struct handle h;
	int mount_id;
	h.handle_bytes = sizeof h.f_handle;
	if (syscall(SYS_name_to_handle_at, T.pidfd, "", &h, &mount_id, AT_EMPTY_PATH) < 0)
		return -errno;
	long fd = syscall(SYS_open_by_handle_at, handle_mount, &h, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close((int)fd);
	return 0;
}

static long op_ns_ioctl(void)
{
	long r = ioctl(T.nsfd, NS_GET_PID_FROM_PIDNS, T.pid_in_ns);
	return r < 0 ? -errno : r;
}

static long op_ns_open_ioctl(void)
{
	int ns = ioctl(T.pidfd, PIDFD_GET_PID_NAMESPACE, 0);
	if (ns < 0)
		return -errno;
	long r = ioctl(ns, NS_GET_PID_FROM_PIDNS, T.pid_in_ns);
	long e = errno;
	close(ns);
	return r < 0 ? -e : r;
}

static long op_get_info(void)
{
	uint64_t info[10]; /* 80 bytes; the 64-byte request uses the first 8 */
	memset(info, 0, sizeof info);
	info[0] = PIDFD_INFO_PID; /* mask */
	if (ioctl(T.pidfd, info_request, info) < 0)
		return -errno;
	/* pid: the u32 at offset 16, after mask and cgroupid */
	uint32_t pid;
	memcpy(&pid, (char *)info + 16, sizeof pid);
	return pid;
}

/* The innermost (last) NSpid: entry of /proc/<pid>/status. */
static long op_proc_nspid(void)
{
	char buf[4096];
	int fd = open(status_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	int e = errno;
	close(fd);
	if (n <= 0)
		return n < 0 ? -e : -EPROTO;
	buf[n] = 0;
	char *l = strstr(buf, "\nNSpid:");
	if (!l)
		return -EPROTO;
	long last = -EPROTO;
	for (char *p = l + 7; *p && *p != '\n';) {
		if (*p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		last = strtol(p, &p, 10);
	}
	return last;
}

/* LXCFS-style: pid T.pid_in_ns of T's namespace, translated into ours by
   the kernel as it delivers SCM_CREDENTIALS from a process living there.
   The one data byte is 0 from the grandchild, or the errno with which the
   helper failed (setns: EPERM without CAP_SYS_ADMIN over the namespace). */
static long op_fork_translate(void)
{
	int sv[2], on = 1;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	struct timeval tmo = { .tv_sec = 5 };
	setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);
	setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tmo, sizeof tmo);
	union {
		char buf[CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} ctl;
	unsigned char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
	pid_t helper = fork();
	if (helper < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (helper == 0) {
		pid_t g = setns(T.nsfd, CLONE_NEWPID) < 0 ? -1 : fork();
		if (g == 0) {
			struct ucred cr = { .pid = T.pid_in_ns, .uid = getuid(), .gid = getgid() };
			struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_CREDENTIALS;
			cm->cmsg_len = CMSG_LEN(sizeof cr);
			memcpy(CMSG_DATA(cm), &cr, sizeof cr);
			_exit(sendmsg(sv[1], &m, 0) == 1 ? 0 : 1);
		}
		if (g < 0) {
			unsigned char e = (unsigned char)errno;
			_exit(send(sv[1], &e, 1, 0) == 1 ? 0 : 1);
		}
		int st;
		waitpid(g, &st, 0);
		_exit(0);
	}
	long answer = -ETIMEDOUT;
	if (recvmsg(sv[0], &m, 0) == 1) {
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		struct ucred cr;
		answer = -EPROTO;
		if (byte != 0) {
			answer = -(long)byte;
		} else if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS) {
			memcpy(&cr, CMSG_DATA(cm), sizeof cr);
			answer = cr.pid;
		}
	}
	int st;
	if (answer == -ETIMEDOUT)
		kill(helper, SIGKILL);
	waitpid(helper, &st, 0);
	close(sv[0]);
	close(sv[1]);
	return answer;
}

/* ------------------------------------------------------------------ main */

struct op {
	const char *name;
	long (*f)(void);
	long expect; /* the right answer, or -1 for "any success" */
	long iters;
	double ns;   /* mean, or -1 when unsupported */
};

/* Checks f's answer, warms it up, then times `iters` calls. */
static int run(struct op *o)
{
	long r = o->f();
	if (r < 0) {
		printf("%-20s unsupported here: %s\n", o->name, errno_name((int)-r));
		o->ns = -1;
		return 0;
	}
	if (o->expect >= 0 && r != o->expect) {
		fprintf(stderr, "c-baseline: %s answered %ld, expected %ld\n", o->name, r, o->expect);
		return -1;
	}
	long warm = o->iters / 20 + 1;
	for (long i = 0; i < warm; i++)
		o->f();
	double t0 = now_ns();
	for (long i = 0; i < o->iters; i++)
		o->f();
	o->ns = (now_ns() - t0) / (double)o->iters;
	printf("%-20s %14.1f ns/op\n", o->name, o->ns);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	long n = argc > 1 ? atol(argv[1]) : 200000;
	long nf = argc > 2 ? atol(argv[2]) : 300;
	if (n < 10 || nf < 1) {
		fprintf(stderr, "usage: %s [ITERS (>= 10) [FORK_ITERS (>= 1)]]\n", argv[0]);
		return 2;
	}
	if (start_target(&T) < 0)
		return 1;
	snprintf(status_path, sizeof status_path, "/proc/%d/status", (int)T.pid);

	/* The mount fd and the request size pidfs itself settles on. */
	struct handle h = { .handle_bytes = sizeof h.f_handle };
	int mount_id;
	const char *mount = "none";
	if (syscall(SYS_name_to_handle_at, T.pidfd, "", &h, &mount_id, AT_EMPTY_PATH) == 0) {
		long fd = syscall(SYS_open_by_handle_at, FD_PIDFS_ROOT, &h, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			close((int)fd);
			mount = "FD_PIDFS_ROOT";
		} else {
			handle_mount = T.pidfd;
			mount = "the target's pidfd";
		}
	}
	const char *info = "80 bytes";
	if (op_get_info() < 0) {
		info_request = PIDFD_GET_INFO_64;
		info = op_get_info() < 0 ? "none" : "64 bytes";
	}

	printf("c-baseline %s: target pid %d = pid %d in %s pid namespace; "
	       "handle mount fd: %s; PIDFD_GET_INFO request: %s\n",
	       arch(), (int)T.pid, (int)T.pid_in_ns, T.new_pidns ? "a new" : "the caller's",
	       mount, info);

	struct op ops[] = {
		{ "getpid", op_getpid, getpid(), n, 0 },
		{ "handle_roundtrip", op_handle_roundtrip, 0, n, 0 },
		{ "ns_ioctl", op_ns_ioctl, T.pid, n, 0 },
		{ "proc_nspid", op_proc_nspid, T.pid_in_ns, n / 10, 0 },
		{ "get_info", op_get_info, T.pid, n, 0 },
		{ "fork_translate", op_fork_translate, T.pid, nf, 0 },
		{ "ns_open_ioctl", op_ns_open_ioctl, T.pid, n, 0 },
	};
	int rc = 0;
	for (size_t i = 0; i < 6 && rc == 0; i++)
		rc = run(&ops[i]);
	/* ns_open_ioctl as LXCFS meets it: nobody holds the namespace open, so
	 * the kernel makes (and at close frees) its nsfs dentry and inode on
	 * every read; a held fd would keep them cached. */
	close(T.nsfd);
	T.nsfd = -1;
	if (rc == 0)
		rc = run(&ops[6]);
	if (rc == 0) {
		/* The ratios the benches compare against (fork-based / other). */
		double fork = ops[5].ns;
		for (size_t i = 1; i < 4; i++)
			if (fork > 0 && ops[i].ns > 0)
				printf("c-baseline ratio fork_translate/%s %.0fx\n", ops[i].name,
				       fork / ops[i].ns);
		if (fork > 0 && ops[6].ns > 0)
			printf("c-baseline ratio fork_translate/%s %.0fx\n", ops[6].name,
			       fork / ops[6].ns);
	}
	stop_target(&T);
	return rc ? 1 : 0;
}
