//! `/proc/<pid>/status` of a process with the most supplementary groups
//! the kernel allows (`NGROUPS_MAX`, 65,536): about 600 KiB, almost all of
//! it the `Groups:` line, which comes before `NSpid:`. Every reader of the
//! crate must read such a file to its end (the `/proc` translation, the
//! `PIDFD_GET_INFO` fallback, the `/proc` conversions) and answer what the
//! kernel's own ioctls answer.
//!
//! The kernel behaviour pinned down: `setgroups(2)` takes up to 65,536
//! groups (as root; in an unprivileged user namespace it is denied), and
//! status lists them all on one line, before `NSpid:`.

mod common;

use common::{check, sleeper_in_new_pidns};
use pidfs::fd::{AsRawFd, OwnedFd};
use pidfs::{Errno, InfoMask, Method, PidFd, PidfdFlags, Translator};

const NGROUPS_MAX: usize = 65_536;

/// 65,536 groups: the `/proc` method answers as the ioctls do (the
/// pid's `NSpid:` entries, after a 600 KiB `Groups:` line: with the one
/// 8 KiB read it was cut, and the answer was `EOPNOTSUPP` or a prefix of
/// the number); the GET_INFO fallback and `pidfd_from_procfd` read the
/// same file to its end.
#[test]
fn status_with_65536_groups_is_read_to_its_end() {
    common::in_child(|| {
        let groups: Vec<libc::gid_t> = (0..NGROUPS_MAX as u32).map(|g| 1_000_000 + g).collect();
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            // Without root, a fresh user namespace maps one group and
            // denies setgroups: the long file cannot be made.
            common::become_root_in_userns();
            // SAFETY: reads `groups.len()` gids from a live buffer.
            let r = unsafe { libc::setgroups(groups.len(), groups.as_ptr()) };
            assert_eq!(r, -1);
            assert_eq!(
                std::io::Error::last_os_error().raw_os_error(),
                Some(libc::EPERM)
            );
            return;
        }
        // SAFETY: reads `groups.len()` gids from a live buffer.
        check(
            unsafe { libc::setgroups(groups.len(), groups.as_ptr()) },
            "setgroups",
        );
        let c = sleeper_in_new_pidns();
        let text = std::fs::read_to_string(format!("/proc/{}/status", c.pid)).unwrap();
        assert!(text.len() > 500_000, "status is only {} bytes", text.len());
        assert!(text.find("\nGroups:").unwrap() < text.find("\nNSpid:").unwrap());
        assert!(text.contains(&format!("\nNSpid:\t{}\t1\n", c.pid)));

        let ns: OwnedFd = std::fs::File::open(format!("/proc/{}/ns/pid", c.pid))
            .unwrap()
            .into();
        let procm = Translator::with_method(Method::Proc);
        assert_eq!(procm.pid_in_pidns(&ns, c.pid), Ok(1), "proc, in");
        assert_eq!(procm.tgid_in_pidns(&ns, c.pid), Ok(1), "proc, tgid in");
        assert_eq!(procm.pid_from_pidns(&ns, 1), Ok(c.pid), "proc, from");
        let ioctl = Translator::with_method(Method::Ioctl);
        match ioctl.pid_in_pidns(&ns, c.pid) {
            Ok(p) => {
                assert_eq!(p, 1);
                assert_eq!(ioctl.pid_from_pidns(&ns, 1), Ok(c.pid));
            }
            // Before 6.11, and under qemu-user.
            Err(e) => assert_eq!(e, Errno::ENOTTY),
        }

        let pidfd = PidFd::open(c.pid, PidfdFlags::empty()).unwrap();
        let info =
            pidfs::hooks::pidfd_get_info_fallback(pidfd.as_fd(), InfoMask::PID | InfoMask::CREDS)
                .unwrap();
        assert_eq!(info.pid(), Some(c.pid));
        assert_eq!(info.ruid(), Some(0));
        let dir = std::fs::File::open(format!("/proc/{}", c.pid)).unwrap();
        let back = PidFd::from(pidfs::pidfd_from_procfd(&dir).unwrap());
        assert_eq!(back.same_process(&pidfd), Ok(true));
        let proc_root = std::fs::File::open("/proc").unwrap();
        let d = pidfs::procfd_from_pidfd(&pidfd, &proc_root).unwrap();
        let st = std::fs::read_to_string(format!("/proc/thread-self/fd/{}/status", d.as_raw_fd()))
            .unwrap();
        assert!(st.contains(&format!("\nPid:\t{}\n", c.pid)));
        drop(c);
    });
}
