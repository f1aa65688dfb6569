//! pidfs file handles, ported from the kernel's
//! tools/testing/selftests/pidfd/pidfd_file_handle_test.c against this
//! crate's API, plus the stable encoding, the re-exec round trip and the
//! helper half of the cross-architecture check (ci/handles-cross-arch.sh).
//!
//! Every test that needs pidfs handles first probes them: on kernels before
//! 6.14 it asserts the exact answer those kernels give (`EOPNOTSUPP` from
//! `name_to_handle_at` on a pidfd) instead of skipping.

mod common;

use common::{Child, in_child, no_fd_leak};
use pidfs::fd::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};
use pidfs::{
    AtFlags, Errno, FD_PIDFS_ROOT, FileHandle, HandleError, MAX_HANDLE_SZ, OFlags, PidFd,
    PidfdFlags, PidfsHandle, RawPidfsHandle, name_to_handle_at, name_to_handle_at_into,
    open_by_handle_at, pidfd_from_handle, pidfd_open, pidfd_to_handle,
};
use std::mem::{align_of, offset_of, size_of};
use std::path::PathBuf;
use std::time::Duration;

const P_PIDFD: libc::idtype_t = 3;

/// Whether this kernel has pidfs file handles (6.14+). Where it has not,
/// asserts the answer older kernels give: `EOPNOTSUPP` for a pidfd.
fn handles_supported() -> bool {
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).expect("pidfd_open(self)");
    match pidfd_to_handle(me.as_fd()) {
        Ok(h) => {
            assert_ne!(h.id(), 0);
            true
        }
        Err(e) => {
            assert_eq!(
                e,
                Errno::EOPNOTSUPP,
                "pidfd_to_handle on a kernel without pidfs handles"
            );
            // qemu-user passes name_to_handle_at through to this 6.14+ host.
            assert!(!common::qemu(), "qemu-user on a 6.14+ host");
            false
        }
    }
}

/// Whether `FD_PIDFS_ROOT` works as a mount fd (6.17+); `EBADF` before.
fn pidfs_root_supported(h: &PidfsHandle) -> bool {
    match open_by_handle_at(FD_PIDFS_ROOT, &h.to_file_handle(), OFlags::CLOEXEC) {
        Ok(_) => true,
        Err(e) => {
            assert_eq!(e, Errno::EBADF, "FD_PIDFS_ROOT before 6.17");
            false
        }
    }
}

/// `(st_dev, st_ino)` of an fd, as the selftest compares them.
fn dev_ino(fd: BorrowedFd<'_>) -> (u64, u64) {
    // SAFETY: a zeroed `stat` is a valid out-buffer.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: `fd` is open; `st` is a live out-buffer.
    let r = unsafe { libc::fstat(fd.as_raw_fd(), &mut st) };
    assert_eq!(r, 0, "fstat: {}", std::io::Error::last_os_error());
    (st.st_dev as u64, st.st_ino as u64)
}

/// `Pid:` of /proc/self/fdinfo/<fd> (-1 once reaped, 0 outside our pid ns).
fn fdinfo_pid(fd: BorrowedFd<'_>) -> i32 {
    let text = std::fs::read_to_string(format!("/proc/self/fdinfo/{}", fd.as_raw_fd())).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("Pid:"))
        .expect("Pid: line in a pidfd's fdinfo");
    line["Pid:".len()..].trim().parse().unwrap()
}

/// The pidfds this process has open (`anon_inode:[pidfd]` links).
fn pidfds_open() -> Vec<RawFd> {
    std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let link = std::fs::read_link(e.path()).ok()?;
            let fd = e.file_name().to_str()?.parse().ok()?;
            link.to_string_lossy().contains("[pidfd]").then_some(fd)
        })
        .collect()
}

/// `fcntl(fd, F_GETFD)` / `F_GETFL`.
fn fd_flags(fd: BorrowedFd<'_>) -> (i32, i32) {
    // SAFETY: integer fcntl commands on an open fd.
    unsafe {
        (
            libc::fcntl(fd.as_raw_fd(), libc::F_GETFD),
            libc::fcntl(fd.as_raw_fd(), libc::F_GETFL),
        )
    }
}

/// `waitid(P_PIDFD, pidfd, WEXITED | options)`: `(si_code, si_status)`.
fn waitid_pidfd(pidfd: BorrowedFd<'_>, options: i32) -> (i32, i32) {
    // SAFETY: a zeroed siginfo is a valid out-buffer.
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is a live out-buffer; the pidfd names our own child.
    let r = unsafe {
        libc::waitid(
            P_PIDFD,
            pidfd.as_raw_fd() as libc::id_t,
            &mut info,
            libc::WEXITED | options,
        )
    };
    assert_eq!(r, 0, "waitid(P_PIDFD): {}", std::io::Error::last_os_error());
    // SAFETY: waitid filled a SIGCHLD siginfo.
    (info.si_code, unsafe { info.si_status() })
}

/// A child that dies with its parent (PR_SET_PDEATHSIG) and otherwise
/// sleeps until a signal ends it.
fn sleeper_with_pdeathsig() -> Child {
    // SAFETY: getpid has no preconditions.
    let parent = unsafe { libc::getpid() };
    Child::spawn(move || {
        // SAFETY: plain prctl/getppid/pause on this process.
        unsafe {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
            if libc::getppid() != parent {
                return 1;
            }
            loop {
                libc::pause();
            }
        }
    })
}

fn unique_temp(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    std::env::temp_dir().join(format!("pidfs-{tag}-{}-{nanos}", std::process::id()))
}

// ---------------------------------------------------------------------------
// Layouts and the stable encoding (no kernel involved).
// ---------------------------------------------------------------------------

/// `RawPidfsHandle` is 16 bytes, align 1, offsets 0/4/8 on every target;
/// `FileHandle` is the kernel's 8-byte header + 128-byte buffer, align 4.
#[test]
fn layouts_are_identical_on_every_target() {
    assert_eq!(size_of::<RawPidfsHandle>(), 16);
    assert_eq!(align_of::<RawPidfsHandle>(), 1);
    assert_eq!(offset_of!(RawPidfsHandle, handle_bytes), 0);
    assert_eq!(offset_of!(RawPidfsHandle, handle_type), 4);
    assert_eq!(offset_of!(RawPidfsHandle, ino), 8);
    assert_eq!(size_of::<[RawPidfsHandle; 2]>(), 32);
    assert_eq!(MAX_HANDLE_SZ, 128);
    assert_eq!(size_of::<FileHandle>(), 136);
    assert_eq!(align_of::<FileHandle>(), 4);
    assert_eq!(offset_of!(pidfs::raw::file_handle, handle_bytes), 0);
    assert_eq!(offset_of!(pidfs::raw::file_handle, handle_type), 4);
    assert_eq!(offset_of!(pidfs::raw::file_handle, f_handle), 8);
    // The reason for `packed`: a plain repr(C) u64 is 4-aligned on i386.
    #[repr(C)]
    struct Plain {
        _a: u32,
        _b: i32,
        _c: u64,
    }
    let expect = if cfg!(target_arch = "x86") { 4 } else { 8 };
    assert_eq!(align_of::<Plain>(), expect);
    assert_eq!(align_of::<u64>(), expect);
}

/// The encoding: handle_bytes 8 (u32 LE), handle_type 0xfe (i32 LE), id
/// (u64 LE), and its text form of 32 lowercase hex digits.
#[test]
fn encoding_is_fixed_little_endian() {
    let h = PidfsHandle::from_id(0x1122_3344_5566_7788);
    let b = h.to_bytes();
    assert_eq!(
        b,
        [
            8, 0, 0, 0, 0xfe, 0, 0, 0, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11
        ]
    );
    assert_eq!(PidfsHandle::from_bytes(&b), Ok(h));
    assert_eq!(h.to_string(), "08000000fe0000008877665544332211");
    assert_eq!(format!("{h:>34}"), "  08000000fe0000008877665544332211");
    assert_eq!(
        "08000000FE0000008877665544332211".parse::<PidfsHandle>(),
        Ok(h)
    );
    assert_eq!(
        "08000000fe0000008877665544332211".parse::<PidfsHandle>(),
        Ok(h)
    );
    assert_eq!(<[u8; 16]>::from(h), b);
    assert_eq!(PidfsHandle::try_from(&b[..]), Ok(h));
    for id in [0, 1, u64::MAX, 1 << 32, 0xffff_ffff] {
        let h = PidfsHandle::from_id(id);
        assert_eq!(h.id(), id);
        assert_eq!(PidfsHandle::from_bytes(&h.to_bytes()).unwrap().id(), id);
        assert_eq!(h.to_string().parse::<PidfsHandle>().unwrap(), h);
        let fh = h.to_file_handle();
        assert_eq!(
            (fh.handle_type(), fh.handle_bytes(), fh.as_bytes()),
            (0xfe, 8, &id.to_ne_bytes()[..])
        );
        assert_eq!(PidfsHandle::from_file_handle(&fh), Ok(h));
        let raw = RawPidfsHandle::from(h);
        assert_eq!(PidfsHandle::try_from(raw), Ok(h));
        assert_eq!(RawPidfsHandle::from_file_handle(&fh), raw);
        assert_eq!(RawPidfsHandle::from_ne_bytes(raw.to_ne_bytes()), raw);
    }
}

/// `from_bytes` rejects short, long, wrong-version (handle_bytes != 8) and
/// wrong-type (handle_type != 0xfe) input, each with its own error.
#[test]
fn from_bytes_rejects_short_long_wrong_version_wrong_type() {
    let good = PidfsHandle::from_id(42).to_bytes();
    for n in 0..16 {
        assert_eq!(
            PidfsHandle::from_bytes(&good[..n]),
            Err(HandleError::BadLength {
                len: n,
                expected: 16
            })
        );
    }
    let mut long = [0u8; 17];
    long[..16].copy_from_slice(&good);
    assert_eq!(
        PidfsHandle::from_bytes(&long),
        Err(HandleError::BadLength {
            len: 17,
            expected: 16
        })
    );
    assert_eq!(
        PidfsHandle::from_bytes(&[0; 4096]),
        Err(HandleError::BadLength {
            len: 4096,
            expected: 16
        })
    );
    for hb in [0u32, 4, 7, 9, 16, 128, u32::MAX] {
        let mut b = good;
        b[..4].copy_from_slice(&hb.to_le_bytes());
        assert_eq!(
            PidfsHandle::from_bytes(&b),
            Err(HandleError::BadVersion { handle_bytes: hb })
        );
    }
    // Big-endian header bytes are a different version, not silently read.
    let mut be = good;
    be[..4].copy_from_slice(&8u32.to_be_bytes());
    assert_eq!(
        PidfsHandle::from_bytes(&be),
        Err(HandleError::BadVersion {
            handle_bytes: 0x0800_0000
        })
    );
    for ty in [0i32, 1, 0xf1, 0xff, -1, 0xfe00] {
        let mut b = good;
        b[4..8].copy_from_slice(&ty.to_le_bytes());
        assert_eq!(
            PidfsHandle::from_bytes(&b),
            Err(HandleError::BadType { handle_type: ty })
        );
    }
    // Version is checked before type.
    let mut both = good;
    both[..8].copy_from_slice(&[1, 0, 0, 0, 1, 0, 0, 0]);
    assert_eq!(
        PidfsHandle::from_bytes(&both),
        Err(HandleError::BadVersion { handle_bytes: 1 })
    );
}

/// `from_str` rejects short, long, non-hex, wrong-version and wrong-type
/// text; it never panics on non-ASCII input.
#[test]
fn from_str_rejects_short_long_bad_hex_wrong_version_wrong_type() {
    let good = PidfsHandle::from_id(42).to_string();
    assert_eq!(good.len(), 32);
    assert_eq!(
        good[..31].parse::<PidfsHandle>(),
        Err(HandleError::BadLength {
            len: 31,
            expected: 32
        })
    );
    assert_eq!(
        format!("{good}0").parse::<PidfsHandle>(),
        Err(HandleError::BadLength {
            len: 33,
            expected: 32
        })
    );
    assert_eq!(
        "".parse::<PidfsHandle>(),
        Err(HandleError::BadLength {
            len: 0,
            expected: 32
        })
    );
    assert_eq!(
        format!(" {}", &good[1..]).parse::<PidfsHandle>(),
        Err(HandleError::BadHex { at: 0 })
    );
    assert_eq!(
        format!("{}g", &good[..31]).parse::<PidfsHandle>(),
        Err(HandleError::BadHex { at: 31 })
    );
    assert_eq!(
        format!("{}+1", &good[..30]).parse::<PidfsHandle>(),
        Err(HandleError::BadHex { at: 30 })
    );
    // 32 bytes of UTF-8 with a two-byte character: BadHex at its first byte.
    let mb = format!("{}é", &good[..30]);
    assert_eq!(mb.len(), 32);
    assert_eq!(
        mb.parse::<PidfsHandle>(),
        Err(HandleError::BadHex { at: 30 })
    );
    assert_eq!(
        "é".repeat(16).parse::<PidfsHandle>(),
        Err(HandleError::BadHex { at: 0 })
    );
    assert_eq!(
        "10000000fe0000002a00000000000000".parse::<PidfsHandle>(),
        Err(HandleError::BadVersion { handle_bytes: 16 })
    );
    assert_eq!(
        "08000000f10000002a00000000000000".parse::<PidfsHandle>(),
        Err(HandleError::BadType { handle_type: 0xf1 })
    );
}

/// `HandleError` is a `core::error::Error` whose message names the defect.
#[test]
fn handle_error_display_and_error_trait() {
    fn is_error<E: core::error::Error + Send + Sync + 'static>(_: &E) {}
    let cases = [
        (
            HandleError::BadLength {
                len: 3,
                expected: 16,
            },
            "length 3, expected 16",
        ),
        (
            HandleError::BadVersion { handle_bytes: 16 },
            "handle_bytes 16",
        ),
        (HandleError::BadType { handle_type: 0xf1 }, "0xf1"),
        (HandleError::BadHex { at: 5 }, "offset 5"),
    ];
    for (e, needle) in cases {
        is_error(&e);
        let s = e.to_string();
        assert!(s.contains(needle), "{s:?} should contain {needle:?}");
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), s);
    }
}

/// `FileHandle` bookkeeping: capacity clamps to MAX_HANDLE_SZ, payloads
/// longer than that are refused, equality looks at type and payload only.
#[test]
fn file_handle_capacity_and_payload() {
    assert_eq!(FileHandle::with_capacity(4096).handle_bytes(), 128);
    assert_eq!(FileHandle::default().handle_bytes(), 128);
    assert_eq!(FileHandle::with_capacity(0).as_bytes(), &[] as &[u8]);
    assert!(FileHandle::new(1, &[0; 129]).is_none());
    let a = FileHandle::new(1, &[1, 2, 3]).unwrap();
    assert_eq!(
        (a.handle_type(), a.handle_bytes(), a.as_bytes()),
        (1, 3, &[1u8, 2, 3][..])
    );
    assert_eq!(a, FileHandle::new(1, &[1, 2, 3]).unwrap());
    assert_ne!(a, FileHandle::new(2, &[1, 2, 3]).unwrap());
    assert_ne!(a, FileHandle::new(1, &[1, 2]).unwrap());
    assert!(format!("{a:?}").contains("010203"));
    assert_eq!(
        PidfsHandle::from_file_handle(&a),
        Err(HandleError::BadVersion { handle_bytes: 3 })
    );
    let t = FileHandle::new(0xf1, &[0; 8]).unwrap();
    assert_eq!(
        PidfsHandle::from_file_handle(&t),
        Err(HandleError::BadType { handle_type: 0xf1 })
    );
}

/// Replays every input of fuzz/corpus/file_handle_decode/ through the fuzz
/// target's body. The seeds are also embedded, so the replay runs where the
/// source tree is absent (the kernel-matrix VM).
#[test]
fn fuzz_corpus_replay() {
    macro_rules! seeds {
        ($($name:literal),* $(,)?) => {
            &[$(($name, include_bytes!(concat!("seeds/file_handle_decode/", $name)) as &[u8])),*]
        };
    }
    const SEEDS: &[(&str, &[u8])] = seeds![
        "valid-id-42",
        "valid-id-0",
        "valid-id-max",
        "hex-lower",
        "hex-upper",
        "hex-bad-digit",
        "hex-multibyte",
        "hex-short",
        "short-15",
        "long-17",
        "version-16",
        "version-be",
        "type-nsfs",
        "type-negative",
        "filehandle-pidfs",
        "filehandle-long",
        "empty",
        "big-200",
    ];
    for (name, data) in SEEDS {
        pidfs::fuzzing::file_handle_decode(data);
        let _ = name;
    }
    assert_eq!(PidfsHandle::from_bytes(SEEDS[0].1).map(|h| h.id()), Ok(42));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/seeds/file_handle_decode");
    match std::fs::read_dir(&dir) {
        Ok(rd) => {
            let mut n = 0;
            for e in rd {
                let path = e.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                pidfs::fuzzing::file_handle_decode(&data);
                n += 1;
            }
            assert!(n >= SEEDS.len(), "{n} files in {}", dir.display());
            for (name, data) in SEEDS {
                assert_eq!(
                    std::fs::read(dir.join(name)).unwrap(),
                    *data,
                    "{name} changed since the build"
                );
            }
        }
        Err(_) => assert!(
            common::kernel_matrix(),
            "{} missing outside the kernel matrix",
            dir.display()
        ),
    }
}

// ---------------------------------------------------------------------------
// Kernel behaviour (pidfd_file_handle_test.c).
// ---------------------------------------------------------------------------

/// Kernels before 6.14 answer `EOPNOTSUPP` for a pidfd's handle, and then
/// no stored handle reopens; from 6.14 the handle is type 0xfe, 8 bytes.
#[test]
fn pidfd_handle_shape_or_eopnotsupp() {
    let me = PidFd::open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    if !handles_supported() {
        assert_eq!(me.to_handle(), Err(Errno::EOPNOTSUPP));
        assert!(PidFd::from_handle(&PidfsHandle::from_id(1 << 40), OFlags::RDONLY).is_err());
        return;
    }
    let (fh, _mnt) = name_to_handle_at(me.as_fd(), c"", AtFlags::EMPTY_PATH).unwrap();
    assert_eq!(
        (fh.handle_type(), fh.handle_bytes(), fh.as_bytes().len()),
        (0xfe, 8, 8)
    );
    let h = me.to_handle().unwrap();
    assert_eq!(
        fh.as_bytes(),
        &h.id().to_ne_bytes()[..],
        "payload is the native-endian u64 id"
    );
    assert_eq!(
        RawPidfsHandle::from_file_handle(&fh),
        RawPidfsHandle::from(h)
    );
    // The id is the pidfs inode number: statx gives all of it on a 64-bit
    // kernel, the low 32 bits on a 32-bit one (id_and_statx_ino).
    let ino = dev_ino(me.as_fd()).1;
    if common::kernel_is_32bit() {
        assert_eq!(ino, h.id() & 0xffff_ffff);
    } else {
        assert_eq!(h.id(), ino);
    }
    // Stable: a second pidfd of the same process gives the same handle.
    let again = pidfd_open(pidfs::getpid(), PidfdFlags::NONBLOCK).unwrap();
    assert_eq!(pidfd_to_handle(again.as_fd()), Ok(h));
}

/// `statx` `stx_ino` (u64 on every target) of an fd.
fn stx_ino(fd: BorrowedFd<'_>) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(format!("/proc/self/fd/{}", fd.as_raw_fd()))
        .unwrap()
        .ino()
}

/// `ioctl(pidfd, FS_IOC_GETVERSION)` (6.14): the pidfs inode's
/// i_generation, read through the native (here 32-bit) request number.
fn fs_ioc_getversion(fd: BorrowedFd<'_>) -> Result<u32, Errno> {
    const FS_IOC_GETVERSION_32: u32 = 0x8004_7601; // _IOR('v', 1, long), 4-byte long
    let mut v: u32 = 0;
    // SAFETY: the request writes one 32-bit value to a live u32.
    let r = unsafe { libc::ioctl(fd.as_raw_fd(), FS_IOC_GETVERSION_32 as _, &mut v) };
    if r == 0 {
        Ok(v)
    } else {
        Err(Errno::from_raw_os_error(
            std::io::Error::last_os_error().raw_os_error().unwrap(),
        ))
    }
}

/// What 64 bits mean on a 32-bit kernel with handles (6.14+; armhf 7.2 in
/// the matrix). fs/pidfs.c gives every struct pid a 64-bit number (a
/// counter from 2; on 32-bit the low 32 bits skip 0 when they wrap) and
/// splits it for the inode: `i_ino` (an unsigned long) = the low 32 bits,
/// `i_generation` = the high 32 bits (FS_IOC_GETVERSION reads it). The file
/// handle carries all 64, so: statx's `stx_ino` == id & 0xffffffff (equal
/// to the id until 2^32 processes were made), FS_IOC_GETVERSION == id >> 32;
/// on a 64-bit kernel `stx_ino` == id. The handle round-trips through its
/// bytes, reopens the process, and is refused with ESTALE once the process
/// is reaped (re-exec: `reexec_round_trip_through_file`). Prints one
/// `PIDFS-ID` line (arch, kernel, handle bytes, id, statx ino) for the
/// cross-arch comparison of the encoding.
#[test]
fn id_and_statx_ino() {
    if !handles_supported() {
        return;
    }
    let mut child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let h = pidfd.to_handle().unwrap();
    let id = h.id();
    let ino = stx_ino(pidfd.as_fd());
    let k32 = common::kernel_is_32bit();
    let generation = if k32 {
        assert_eq!(ino, id & 0xffff_ffff, "stx_ino is the id's low 32 bits");
        let g = fs_ioc_getversion(pidfd.as_fd()).unwrap();
        assert_eq!(
            u64::from(g),
            id >> 32,
            "i_generation is the id's high 32 bits"
        );
        g.to_string()
    } else {
        assert_eq!(ino, id, "stx_ino is the whole id on a 64-bit kernel");
        "-".to_string()
    };
    assert_eq!(pidfs::pidfd_id(pidfd.as_fd()), Ok(id));
    let bytes = h.to_bytes();
    assert_eq!(PidfsHandle::from_bytes(&bytes), Ok(h));
    let back = PidFd::from_handle(&h, OFlags::empty()).unwrap();
    assert_eq!(stx_ino(back.as_fd()), ino);
    assert_eq!(fdinfo_pid(back.as_fd()), child.pid);
    let line = format!(
        "\nPIDFS-ID arch={} kernel={} kernel_bits={} pid={} handle={} id={id} id_hex={id:#x} statx_ino={ino} i_generation={generation}\n",
        arch(),
        pidfs::KernelRelease::get(),
        if k32 { 32 } else { 64 },
        child.pid,
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>(),
    );
    // SAFETY: writes a live buffer to fd 1 (past libtest's capture).
    unsafe { libc::write(1, line.as_ptr().cast(), line.len()) };
    back.kill(libc::SIGKILL).unwrap();
    child.wait();
    assert_eq!(
        PidFd::from_handle(&h, OFlags::empty()).map(drop),
        Err(Errno::ESTALE)
    );
    assert_eq!(
        pidfs::pidfd_id(pidfd.as_fd()),
        Ok(id),
        "the reaped process keeps its id"
    );
}

/// file_handle_same_pidns: a handle decodes in the same pid namespace, with
/// a pidfd as mount fd and through `pidfd_from_handle`, with flags 0,
/// O_CLOEXEC and O_NONBLOCK, to the same process (same st_dev/st_ino; a
/// signal through the reopened pidfd reaches it).
#[test]
fn same_pidns_handle_reopens_same_process() {
    if !handles_supported() {
        return;
    }
    let mut child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let (fh, _) = name_to_handle_at(pidfd.as_fd(), c"", AtFlags::EMPTY_PATH).unwrap();
    let st1 = dev_ino(pidfd.as_fd());
    for flags in [OFlags::RDONLY, OFlags::CLOEXEC, OFlags::NONBLOCK] {
        let fd = open_by_handle_at(me.as_fd(), &fh, flags).unwrap();
        assert_eq!(dev_ino(fd.as_fd()), st1, "flags {flags:?}");
        assert_eq!(fdinfo_pid(fd.as_fd()), child.pid);
    }
    let h = pidfd.to_handle().unwrap();
    assert_eq!(h.id(), st1.1);
    let reopened = PidFd::from_handle(&h, OFlags::RDONLY).unwrap();
    assert_eq!(dev_ino(reopened.as_fd()), st1);
    assert_eq!(reopened.to_handle(), Ok(h));
    reopened.kill(libc::SIGTERM).unwrap();
    let status = child.wait();
    assert!(
        libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGTERM,
        "status {status:#x}"
    );
}

/// file_handle_child_pidns: handles of a process in a child pid namespace
/// (pid 1 there) decode from the parent namespace, and the handle the
/// process computes for itself inside its namespace is the same one: the
/// handle does not depend on the namespace it was made in.
#[test]
fn child_pidns_handles_open_from_parent_ns() {
    if !handles_supported() {
        return;
    }
    in_child(|| {
        common::become_root_in_userns();
        // SAFETY: unshare on this single-threaded forked child.
        let r = unsafe { libc::unshare(libc::CLONE_NEWPID) };
        assert_eq!(r, 0, "{}", std::io::Error::last_os_error());
        let mut fds = [0; 2];
        // SAFETY: pipe writes two fds into `fds`.
        assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: fresh fds from pipe2, owned here.
        let (rd, wr) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        let mut g = Child::spawn(move || {
            // pid 1 of the new namespace: its own handle, made from inside.
            assert_eq!(pidfs::getpid(), 1);
            let me = PidFd::open(1, PidfdFlags::empty()).unwrap();
            let bytes = me.to_handle().unwrap().to_bytes();
            // SAFETY: writes 16 bytes from a live buffer.
            let r = unsafe { libc::write(wr.as_raw_fd(), bytes.as_ptr().cast(), 16) };
            assert_eq!(r, 16);
            loop {
                // SAFETY: waits for a signal.
                unsafe { libc::pause() };
            }
        });
        let mut inside = [0u8; 16];
        // SAFETY: reads at most 16 bytes into a live buffer.
        let r = unsafe { libc::read(rd.as_raw_fd(), inside.as_mut_ptr().cast(), 16) };
        assert_eq!(r, 16);
        let inside = PidfsHandle::from_bytes(&inside).unwrap();

        let pidfd = PidFd::open(g.pid, PidfdFlags::empty()).unwrap();
        assert_ne!(g.pid, 1);
        let outside = pidfd.to_handle().unwrap();
        assert_eq!(
            inside, outside,
            "same handle from inside and outside the child namespace"
        );
        let st1 = dev_ino(pidfd.as_fd());
        let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
        for flags in [OFlags::RDONLY, OFlags::CLOEXEC, OFlags::NONBLOCK] {
            let fd = open_by_handle_at(me.as_fd(), &inside.to_file_handle(), flags).unwrap();
            assert_eq!(dev_ino(fd.as_fd()), st1);
            assert_eq!(
                fdinfo_pid(fd.as_fd()),
                g.pid,
                "fdinfo shows the parent-namespace pid"
            );
        }
        let reopened = PidFd::from_handle(&inside, OFlags::RDONLY).unwrap();
        assert_eq!(dev_ino(reopened.as_fd()), st1);
        reopened.kill(libc::SIGKILL).unwrap();
        let status = g.wait();
        assert!(libc::WIFSIGNALED(status) && libc::WTERMSIG(status) == libc::SIGKILL);
    });
}

/// file_handle_foreign_pidns: from inside a child pid namespace, the handle
/// of a process outside it (an ancestor) does not decode: `ESTALE`, with
/// `FD_PIDFS_ROOT` and with a pidfd as mount fd, while the process's own
/// handle does.
#[test]
fn foreign_pidns_handle_is_estale() {
    if !handles_supported() {
        return;
    }
    let test_process = pidfd_to_handle(
        pidfd_open(pidfs::getpid(), PidfdFlags::empty())
            .unwrap()
            .as_fd(),
    )
    .unwrap();
    in_child(|| {
        common::become_root_in_userns();
        let outer = PidFd::open(pidfs::getpid(), PidfdFlags::empty())
            .unwrap()
            .to_handle()
            .unwrap();
        // SAFETY: unshare on this single-threaded forked child.
        let r = unsafe { libc::unshare(libc::CLONE_NEWPID) };
        assert_eq!(r, 0, "{}", std::io::Error::last_os_error());
        let mut g = Child::spawn(move || {
            let me = pidfd_open(1, PidfdFlags::empty()).unwrap();
            for h in [outer, test_process] {
                assert_eq!(
                    pidfd_from_handle(&h, OFlags::RDONLY).err(),
                    Some(Errno::ESTALE)
                );
                assert_eq!(
                    open_by_handle_at(me.as_fd(), &h.to_file_handle(), OFlags::RDONLY).err(),
                    Some(Errno::ESTALE)
                );
            }
            // Control: its own handle decodes inside the namespace.
            let own = pidfd_to_handle(me.as_fd()).unwrap();
            let fd = pidfd_from_handle(&own, OFlags::RDONLY).unwrap();
            assert_eq!(pidfd_to_handle(fd.as_fd()), Ok(own));
            0
        });
        assert_eq!(g.wait(), 0, "the namespaced grandchild's checks failed");
    });
}

/// pid_has_exited: a process that has exited but is not reaped (a zombie)
/// still reopens from its handle, even with every other pidfd closed; the
/// reopened pidfd names the dead process (it polls readable at once, and
/// waitid through it reports the SIGKILL).
#[test]
fn exited_not_reaped_reopens() {
    if !handles_supported() {
        return;
    }
    let mut child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let h = pidfd.to_handle().unwrap();
    let st1 = dev_ino(pidfd.as_fd());
    drop(PidFd::from_handle(&h, OFlags::RDONLY).unwrap());
    pidfd.kill(libc::SIGKILL).unwrap();
    drop(pidfd);
    child.wait_zombie();
    let reopened = PidFd::from_handle(&h, OFlags::RDONLY).expect("a zombie reopens");
    assert_eq!(dev_ino(reopened.as_fd()), st1);
    let mut pfd = libc::pollfd {
        fd: reopened.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one live pollfd; zero timeout.
    let r = unsafe { libc::poll(&mut pfd, 1, 0) };
    assert_eq!(r, 1, "an exited process's pidfd is readable");
    assert_eq!(reopened.to_handle(), Ok(h));
    let (code, status) = waitid_pidfd(reopened.as_fd(), 0);
    assert_eq!((code, status), (libc::CLD_KILLED, libc::SIGKILL));
    child.forget();
}

/// pid_has_been_reaped: once reaped, the handle gives `ESTALE`, whether or
/// not a pidfd to the process is still open; never another process.
#[test]
fn reaped_is_estale() {
    if !handles_supported() {
        return;
    }
    for keep_pidfd in [false, true] {
        let mut child = Child::sleeper();
        let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
        let h = pidfd.to_handle().unwrap();
        drop(PidFd::from_handle(&h, OFlags::RDONLY).unwrap());
        pidfd.kill(libc::SIGKILL).unwrap();
        let kept = if keep_pidfd { Some(pidfd) } else { None };
        child.wait();
        assert_eq!(
            PidFd::from_handle(&h, OFlags::RDONLY).err(),
            Some(Errno::ESTALE),
            "keep_pidfd {keep_pidfd}"
        );
        let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
        assert_eq!(
            open_by_handle_at(me.as_fd(), &h.to_file_handle(), OFlags::RDONLY).err(),
            Some(Errno::ESTALE)
        );
        if let Some(p) = kept {
            assert_eq!(
                p.to_handle(),
                Ok(h),
                "the old pidfd still names the reaped process"
            );
            assert_eq!(fdinfo_pid(p.as_fd()), -1);
        }
    }
}

/// open_by_handle_at_valid_flags: O_RDONLY, O_WRONLY, O_RDWR, O_NONBLOCK,
/// O_CLOEXEC and O_EXCL (alone and together) open; O_NONBLOCK shows in
/// F_GETFL, O_CLOEXEC only when asked (pidfd_from_handle always adds it).
/// O_EXCL is dropped by 6.14-6.18 (no PIDFD_THREAD pidfd) and kept in
/// F_GETFL by 7.x, consistently within one kernel. O_LARGEFILE is masked.
#[test]
fn open_by_handle_at_valid_flags() {
    if !handles_supported() {
        return;
    }
    let child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let h = pidfd.to_handle().unwrap();
    let fh = h.to_file_handle();
    let st1 = dev_ino(pidfd.as_fd());
    let all = OFlags::WRONLY | OFlags::RDWR | OFlags::NONBLOCK | OFlags::CLOEXEC | OFlags::EXCL;
    let large = OFlags::from_bits_retain(libc::O_LARGEFILE as u32);
    // A real PIDFD_THREAD pidfd shows O_EXCL in F_GETFL.
    let thread = pidfd_open(child.pid, PidfdFlags::THREAD).unwrap();
    let thread_fl = fd_flags(thread.as_fd()).1;
    assert_ne!(thread_fl & libc::O_EXCL, 0);
    let mut excl_kept = None;
    for flags in [
        OFlags::RDONLY,
        OFlags::WRONLY,
        OFlags::RDWR,
        OFlags::NONBLOCK,
        OFlags::CLOEXEC,
        OFlags::EXCL,
        all,
        large,
    ] {
        let fd = open_by_handle_at(me.as_fd(), &fh, flags)
            .unwrap_or_else(|e| panic!("{flags:?}: {e:?}"));
        assert_eq!(dev_ino(fd.as_fd()), st1, "{flags:?}");
        let (fdfl, fl) = fd_flags(fd.as_fd());
        assert_eq!(
            fdfl & libc::FD_CLOEXEC != 0,
            flags.contains(OFlags::CLOEXEC),
            "{flags:?}: FD_CLOEXEC"
        );
        assert_eq!(
            fl & libc::O_NONBLOCK != 0,
            flags.contains(OFlags::NONBLOCK),
            "{flags:?}: O_NONBLOCK"
        );
        if !flags.contains(OFlags::EXCL) {
            assert_eq!(fl & libc::O_EXCL, 0, "{flags:?}: no O_EXCL unless asked");
        } else if fl & libc::O_EXCL == 0 {
            // 6.14-6.18: dropped (do_dentry_open clears O_EXCL).
            assert_ne!(excl_kept, Some(true), "O_EXCL kept once, dropped now");
            excl_kept = Some(false);
        } else {
            // 7.x (7.3 in the kernel matrix): kept in F_GETFL, as
            // on a PIDFD_THREAD pidfd.
            assert_ne!(excl_kept, Some(false), "O_EXCL dropped once, kept now");
            excl_kept = Some(true);
        }
        let via = pidfd_from_handle(&h, flags).unwrap();
        assert_eq!(dev_ino(via.as_fd()), st1);
        assert_ne!(
            fd_flags(via.as_fd()).0 & libc::FD_CLOEXEC,
            0,
            "pidfd_from_handle always adds O_CLOEXEC"
        );
    }
    assert!(excl_kept.is_some());
}

/// open_by_handle_at_invalid_flags: every flag outside O_RDONLY/O_WRONLY/
/// O_RDWR/O_NONBLOCK/O_CLOEXEC/O_EXCL is refused with `EINVAL`.
#[test]
fn open_by_handle_at_invalid_flags_einval() {
    if !handles_supported() {
        return;
    }
    let child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let h = pidfd.to_handle().unwrap();
    let fh = h.to_file_handle();
    let invalid = [
        ("FASYNC", libc::O_ASYNC),
        ("O_CREAT", libc::O_CREAT),
        ("O_NOCTTY", libc::O_NOCTTY),
        ("O_TRUNC", libc::O_TRUNC),
        ("O_APPEND", libc::O_APPEND),
        ("O_SYNC", libc::O_SYNC),
        ("O_DSYNC", libc::O_DSYNC),
        ("O_DIRECT", libc::O_DIRECT),
        ("O_DIRECTORY", libc::O_DIRECTORY),
        ("O_NOFOLLOW", libc::O_NOFOLLOW),
        ("O_NOATIME", libc::O_NOATIME),
        ("O_PATH", libc::O_PATH),
        ("O_TMPFILE", libc::O_TMPFILE),
    ];
    for (name, bits) in invalid {
        let flags = OFlags::from_bits_retain(bits as u32);
        assert_eq!(
            open_by_handle_at(me.as_fd(), &fh, flags).err(),
            Some(Errno::EINVAL),
            "{name}"
        );
        assert_eq!(
            pidfd_from_handle(&h, flags).err(),
            Some(Errno::EINVAL),
            "{name} via pidfd_from_handle"
        );
    }
}

/// lookup_must_fail (made-up ids): a handle whose id no process ever had
/// fails with `ESTALE`, through both mount fds.
#[test]
fn made_up_id_is_estale() {
    if !handles_supported() {
        return;
    }
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let own = pidfd_to_handle(me.as_fd()).unwrap().id();
    for id in [0, u64::MAX, u64::MAX - 1, own + (1 << 40)] {
        let h = PidfsHandle::from_id(id);
        assert_eq!(
            pidfd_from_handle(&h, OFlags::RDONLY).err(),
            Some(Errno::ESTALE),
            "id {id:#x}"
        );
        assert_eq!(
            open_by_handle_at(me.as_fd(), &h.to_file_handle(), OFlags::RDONLY).err(),
            Some(Errno::ESTALE)
        );
    }
    // A well-formed header but the wrong payload size for pidfs.
    let short = FileHandle::new(0xfe, &own.to_ne_bytes()[..4]).unwrap();
    assert!(open_by_handle_at(me.as_fd(), &short, OFlags::RDONLY).is_err());
}

/// lookup_must_fail + invalid_name_to_handle_at_flags: a path below a pidfd
/// is `ENOTDIR`; `""` without AT_EMPTY_PATH is `ENOENT`; AT_HANDLE_CONNECTABLE
/// and unknown bits are `EINVAL`. Same answers on every kernel.
#[test]
fn name_to_handle_at_invalid_flags() {
    let child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    let fd = pidfd.as_fd();
    let path = c"lookup-is-not-possible-with-pidfs";
    assert_eq!(
        name_to_handle_at(fd, path, AtFlags::EMPTY_PATH).err(),
        Some(Errno::ENOTDIR)
    );
    assert_eq!(
        name_to_handle_at(fd, path, AtFlags::empty()).err(),
        Some(Errno::ENOTDIR)
    );
    assert_eq!(
        name_to_handle_at(fd, c"", AtFlags::empty()).err(),
        Some(Errno::ENOENT)
    );
    assert_eq!(
        name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH | AtFlags::HANDLE_CONNECTABLE).err(),
        Some(Errno::EINVAL)
    );
    for unknown in [0x4u32, 0x8000, 0x8000_0000] {
        let flags = AtFlags::EMPTY_PATH | AtFlags::from_bits_retain(unknown);
        assert_eq!(
            name_to_handle_at(fd, c"", flags).err(),
            Some(Errno::EINVAL),
            "flag {unknown:#x}"
        );
    }
}

/// valid_name_to_handle_at_flags: AT_HANDLE_FID still gives a decodable
/// pidfs handle; AT_SYMLINK_FOLLOW changes nothing; AT_HANDLE_MNT_ID_UNIQUE
/// gives the same handle with the 64-bit unique mount id.
#[test]
fn name_to_handle_at_valid_flags() {
    let child = Child::sleeper();
    let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
    if !handles_supported() {
        // Before 6.14 (the matrix's 5.10/6.1/6.12): no pidfs handle for
        // any of the valid flags; handle_flags_on_this_kernel pins the
        // per-flag answers there.
        assert_eq!(
            name_to_handle_at(pidfd.as_fd(), c"", AtFlags::EMPTY_PATH).unwrap_err(),
            Errno::EOPNOTSUPP
        );
        return;
    }
    let fd = pidfd.as_fd();
    let st1 = dev_ino(fd);
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let (plain, mnt) = name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH).unwrap();
    let (fid, _) = name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH | AtFlags::HANDLE_FID).unwrap();
    assert_eq!(fid, plain);
    let opened = open_by_handle_at(me.as_fd(), &fid, OFlags::RDONLY).unwrap();
    assert_eq!(dev_ino(opened.as_fd()), st1);
    let (follow, mnt2) =
        name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH | AtFlags::SYMLINK_FOLLOW).unwrap();
    assert_eq!((follow, mnt2), (plain, mnt));
    let (uniq, mnt_unique) =
        name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH | AtFlags::HANDLE_MNT_ID_UNIQUE).unwrap();
    assert_eq!(uniq, plain);
    assert!(mnt <= u64::from(u32::MAX), "the legacy mount id is an int");
    if common::qemu() {
        // qemu-user copies back only an int: the high half stays zero.
        assert!(
            mnt_unique <= u64::from(u32::MAX),
            "qemu-user wrote 8 bytes: {mnt_unique:#x}"
        );
    } else {
        assert!(
            mnt_unique > u64::from(u32::MAX) || mnt_unique != mnt,
            "unique {mnt_unique:#x}, legacy {mnt:#x}"
        );
    }
}

/// The EOVERFLOW protocol: offering less than 8 bytes gives `EOVERFLOW`
/// with the needed size (8) written back; `name_to_handle_at` retries with
/// it and returns the same handle as a full-size call.
#[test]
fn eoverflow_reports_size_and_retry_succeeds() {
    if !handles_supported() {
        return;
    }
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let (full, mnt) = name_to_handle_at(me.as_fd(), c"", AtFlags::EMPTY_PATH).unwrap();
    for cap in [0usize, 1, 4, 7] {
        let mut fh = FileHandle::with_capacity(cap);
        assert_eq!(
            name_to_handle_at_into(me.as_fd(), c"", &mut fh, AtFlags::EMPTY_PATH),
            Err(Errno::EOVERFLOW)
        );
        assert_eq!(
            fh.handle_bytes(),
            8,
            "the kernel writes back the size it needs (capacity {cap})"
        );
        let (fh, m) =
            pidfs::hooks::name_to_handle_at_from(me.as_fd(), c"", AtFlags::EMPTY_PATH, cap)
                .unwrap();
        assert_eq!((fh, m), (full, mnt));
    }
    let mut exact = FileHandle::with_capacity(8);
    assert_eq!(
        name_to_handle_at_into(me.as_fd(), c"", &mut exact, AtFlags::EMPTY_PATH),
        Ok(mnt)
    );
    assert_eq!(exact, full);
}

/// Handles of another filesystem: a temp file encodes to a handle that is
/// not a pidfs handle (or the filesystem has no handles: `EOPNOTSUPP`), and
/// `pidfd_to_handle` refuses it with `EBADF` instead of inventing an id.
#[test]
fn non_pidfd_is_not_a_pidfs_handle() {
    let path = unique_temp("plainfile");
    let file = std::fs::File::create(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let fd = file.as_fd();
    match name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH) {
        Ok((fh, _)) => {
            assert!(fh.handle_bytes() as usize <= MAX_HANDLE_SZ);
            assert_eq!(fh.as_bytes().len(), fh.handle_bytes() as usize);
            let (again, _) = name_to_handle_at(fd, c"", AtFlags::EMPTY_PATH).unwrap();
            assert_eq!(again, fh, "a file's handle is stable");
            if fh.handle_type() == 0xfe && fh.handle_bytes() == 8 {
                // kernfs-like filesystem: same shape; nothing more to say.
                assert_eq!(pidfd_to_handle(fd).map(|h| h.to_file_handle()), Ok(fh));
            } else {
                assert_eq!(pidfd_to_handle(fd), Err(Errno::EBADF));
            }
        }
        Err(e) => {
            assert_eq!(e, Errno::EOPNOTSUPP);
            assert_eq!(pidfd_to_handle(fd), Err(Errno::EOPNOTSUPP));
        }
    }
}

/// decode_purely_based_on_file_handle: from the 16 stored bytes alone, with
/// no pidfd open anywhere in the process, `FD_PIDFS_ROOT` (6.17+) reopens
/// the process (flags 0, O_CLOEXEC, O_NONBLOCK); before 6.17 it answers
/// `EBADF` and `pidfd_from_handle` falls back to a pidfd of its own. Bad
/// mount fds fail. No fd leaks.
#[test]
fn decode_from_stored_bytes_after_every_pidfd_closed() {
    if !handles_supported() {
        return;
    }
    in_child(|| {
        // The fork copied whatever pidfds other tests' threads held: close
        // those copies, then count fds ourselves (as no_fd_leak does).
        for fd in pidfds_open() {
            // SAFETY: an inherited copy nobody in this child uses.
            unsafe { libc::close(fd) };
        }
        let before = common::fd_count();
        let mut child = Child::sleeper();
        let bytes = {
            let pidfd = pidfd_open(child.pid, PidfdFlags::empty()).unwrap();
            pidfd_to_handle(pidfd.as_fd()).unwrap().to_bytes()
        };
        assert_eq!(pidfds_open(), Vec::<RawFd>::new(), "no pidfd is open");
        let h = PidfsHandle::from_bytes(&bytes).unwrap();
        let fh = h.to_file_handle();
        if pidfs_root_supported(&h) {
            for flags in [OFlags::RDONLY, OFlags::CLOEXEC, OFlags::NONBLOCK] {
                let fd = open_by_handle_at(FD_PIDFS_ROOT, &fh, flags).unwrap();
                assert_eq!(pidfd_to_handle(fd.as_fd()), Ok(h));
                assert_eq!(fdinfo_pid(fd.as_fd()), child.pid);
            }
        } else {
            assert_eq!(
                open_by_handle_at(FD_PIDFS_ROOT, &fh, OFlags::RDONLY).err(),
                Some(Errno::EBADF)
            );
        }
        // Bad mount fds: -EBADF, AT_FDCWD (another filesystem), a pipe.
        // SAFETY: sentinel numbers, only passed to the syscall.
        let (ebadf, cwd) = unsafe {
            (
                BorrowedFd::borrow_raw(-libc::EBADF),
                BorrowedFd::borrow_raw(libc::AT_FDCWD),
            )
        };
        assert_eq!(
            open_by_handle_at(ebadf, &fh, OFlags::RDONLY).err(),
            Some(Errno::EBADF)
        );
        assert!(open_by_handle_at(cwd, &fh, OFlags::RDONLY).is_err());
        let mut p = [0; 2];
        // SAFETY: pipe2 writes two fds.
        assert_eq!(unsafe { libc::pipe2(p.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
        // SAFETY: fresh fds, owned here.
        let (r, w) = unsafe { (OwnedFd::from_raw_fd(p[0]), OwnedFd::from_raw_fd(p[1])) };
        assert!(open_by_handle_at(r.as_fd(), &fh, OFlags::RDONLY).is_err());
        drop((r, w));
        let reopened = PidFd::from_handle(&h, OFlags::RDONLY).unwrap();
        assert_eq!(fdinfo_pid(reopened.as_fd()), child.pid);
        // Error paths close the fallback's pidfd too (checked below).
        assert_eq!(
            pidfd_from_handle(&PidfsHandle::from_id(u64::MAX), OFlags::RDONLY).err(),
            Some(Errno::ESTALE)
        );
        reopened.kill(libc::SIGKILL).unwrap();
        let st = child.wait();
        assert!(libc::WIFSIGNALED(st) && libc::WTERMSIG(st) == libc::SIGKILL);
        drop(reopened);
        assert_eq!(common::fd_count(), before, "fd leak");
    });
}

// ---------------------------------------------------------------------------
// Round trip through a file across a re-exec.
// ---------------------------------------------------------------------------

const REEXEC_ENV: &str = "PIDFS_REEXEC";

/// Stores a child's handle (16 bytes) in a temp file, then the storing
/// process execs itself (`/proc/self/exe reexec_helper`, fds closed by
/// O_CLOEXEC); the new image reopens the child from the file alone, checks
/// its 64-bit id and pid, signals it through the reopened pidfd and reaps
/// it with SIGUSR1 as the cause of death.
#[test]
fn reexec_round_trip_through_file() {
    if !handles_supported() {
        return;
    }
    let file = unique_temp("reexec");
    let done = file.with_extension("done");
    let (f2, d2) = (file.clone(), done.clone());
    in_child(move || {
        use std::os::unix::process::CommandExt;
        let g = sleeper_with_pdeathsig();
        let pidfd = PidFd::open(g.pid, PidfdFlags::empty()).unwrap();
        let h = pidfd.to_handle().unwrap();
        std::fs::write(&f2, h.to_bytes()).unwrap();
        drop(pidfd);
        std::mem::forget(g); // the re-exec'd image reaps it
        let spec = format!(
            "{}:{}:{}:{}",
            f2.display(),
            d2.display(),
            h.id(),
            std::process::id()
        );
        let args = [
            "reexec_helper",
            "--exact",
            "--test-threads=1",
            "--nocapture",
            "-q",
        ];
        // execve itself rather than `Command::exec`: glibc's execvp (the
        // armv7 and riscv64 targets) answers the ENOEXEC below by running
        // the file through /bin/sh; musl's and the kernel's do not.
        let cstr = |b: Vec<u8>| std::ffi::CString::new(b).unwrap();
        let argv_c: Vec<std::ffi::CString> = std::iter::once("/proc/self/exe")
            .chain(args)
            .map(|a| cstr(a.into()))
            .collect();
        let envp_c: Vec<std::ffi::CString> = std::env::vars_os()
            .filter(|(k, _)| k != REEXEC_ENV)
            .map(|(k, v)| {
                [
                    k.into_encoded_bytes(),
                    b"=".to_vec(),
                    v.into_encoded_bytes(),
                ]
                .concat()
            })
            .chain([format!("{REEXEC_ENV}={spec}").into_bytes()])
            .map(cstr)
            .collect();
        let argv: Vec<*const libc::c_char> = argv_c
            .iter()
            .map(|a| a.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        let envp: Vec<*const libc::c_char> = envp_c
            .iter()
            .map(|e| e.as_ptr())
            .chain([std::ptr::null()])
            .collect();
        // SAFETY: NULL-terminated arrays of C strings that outlive the call.
        unsafe { libc::execve(argv[0], argv.as_ptr(), envp.as_ptr()) };
        let err = std::io::Error::last_os_error();
        if !common::qemu() {
            panic!("exec /proc/self/exe: {err}");
        }
        // qemu-user hands the guest binary itself to the host kernel, which
        // cannot run it (no binfmt_misc): exec it through the emulator.
        assert_eq!(
            err.raw_os_error(),
            Some(libc::ENOEXEC),
            "exec /proc/self/exe under qemu-user"
        );
        let exe = std::env::current_exe().unwrap();
        let err = std::process::Command::new(common::QEMU_USER)
            .arg(exe)
            .args(args)
            .env(REEXEC_ENV, &spec)
            .exec();
        panic!("exec {}: {err}", common::QEMU_USER);
    });
    let done_text = std::fs::read_to_string(&done).expect("the re-exec'd image ran reexec_helper");
    let _ = std::fs::remove_file(&file);
    let _ = std::fs::remove_file(&done);
    assert!(done_text.starts_with("ok "), "{done_text:?}");
}

/// The re-exec'd half of `reexec_round_trip_through_file` (selected by
/// `PIDFS_REEXEC=<file>:<done>:<id>:<pid>`). Without it: the same storage
/// round trip inside this process, for this process's own handle.
#[test]
fn reexec_helper() {
    let Some(spec) = std::env::var_os(REEXEC_ENV) else {
        let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
        match pidfd_to_handle(me.as_fd()) {
            Ok(h) => {
                let path = unique_temp("reexec-selftest");
                std::fs::write(&path, h.to_bytes()).unwrap();
                let back = PidfsHandle::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
                std::fs::remove_file(&path).unwrap();
                assert_eq!(back, h);
                let fd = pidfd_from_handle(&back, OFlags::RDONLY).unwrap();
                assert_eq!(fdinfo_pid(fd.as_fd()), pidfs::getpid());
            }
            Err(e) => assert_eq!(e, Errno::EOPNOTSUPP),
        }
        return;
    };
    let spec = spec.into_string().unwrap();
    let parts: Vec<&str> = spec.rsplitn(4, ':').collect();
    let (pid, id, done, file) = (parts[0], parts[1], parts[2], parts[3]);
    let (pid, id): (i32, u64) = (pid.parse().unwrap(), id.parse().unwrap());
    assert_eq!(
        pid,
        pidfs::getpid(),
        "this is the process that stored the handle, after exec"
    );
    let h = PidfsHandle::from_bytes(&std::fs::read(file).unwrap()).unwrap();
    assert_eq!(h.id(), id);
    let child = PidFd::from_handle(&h, OFlags::RDONLY).unwrap();
    assert_eq!(child.to_handle(), Ok(h), "same 64-bit id");
    let child_pid = fdinfo_pid(child.as_fd());
    assert!(child_pid > 0);
    // SAFETY: getppid has no preconditions... of the child: read its status.
    let status = std::fs::read_to_string(format!("/proc/{child_pid}/status")).unwrap();
    assert!(
        status.lines().any(|l| l == format!("PPid:\t{pid}")),
        "it is our child"
    );
    child.kill(libc::SIGUSR1).unwrap();
    assert_eq!(
        waitid_pidfd(child.as_fd(), 0),
        (libc::CLD_KILLED, libc::SIGUSR1),
        "the signal reached it"
    );
    std::fs::write(done, format!("ok {id}\n")).unwrap();
}

// ---------------------------------------------------------------------------
// Cross-architecture helper (ci/handles-cross-arch.sh).
// ---------------------------------------------------------------------------

const XARCH_ENV: &str = "PIDFS_XARCH";

fn arch() -> &'static str {
    if cfg!(target_arch = "x86_64") {
        "x86_64"
    } else if cfg!(target_arch = "x86") {
        "i686"
    } else if cfg!(target_arch = "arm") {
        "armv7"
    } else if cfg!(target_arch = "riscv64") {
        "riscv64"
    } else {
        "aarch64"
    }
}

/// The record the writer stores: `pidfs-xarch v1`, the handle as hex, the
/// id in decimal, the pid, the writer's arch.
fn xarch_record(h: &PidfsHandle, pid: i32) -> String {
    format!("pidfs-xarch v1\n{h}\n{}\n{pid}\n{}\n", h.id(), arch())
}

fn parse_xarch_record(text: &str) -> (PidfsHandle, u64, i32, String) {
    let l: Vec<&str> = text.lines().collect();
    assert_eq!(l.len(), 5, "{text:?}");
    assert_eq!(l[0], "pidfs-xarch v1");
    (
        l[1].parse().unwrap(),
        l[2].parse().unwrap(),
        l[3].parse().unwrap(),
        l[4].to_string(),
    )
}

/// Cross-architecture handle exchange, driven by ci/handles-cross-arch.sh
/// through `PIDFS_XARCH`:
/// - `write:<file>`: forks a child, stores its handle record in `<file>`
///   (atomically), then waits up to 60 s for the child to die of SIGUSR1
///   sent by the reader, and writes `<file>.written` = `ok <id>`.
/// - `read:<file>`: reopens the child from the record, checks the same
///   64-bit id (from the reopened pidfd too), sends SIGUSR1, writes
///   `<file>.read` = `ok <id> <arch>`.
///
/// Without the variable: the record round-trips for this process's own
/// handle in-process.
#[test]
fn xarch_helper() {
    let Some(mode) = std::env::var_os(XARCH_ENV) else {
        let h = PidfsHandle::from_id(0x0123_4567_89ab_cdef);
        let (back, id, pid, a) = parse_xarch_record(&xarch_record(&h, 77));
        assert_eq!((back, id, pid, a.as_str()), (h, h.id(), 77, arch()));
        return;
    };
    let mode = mode.into_string().unwrap();
    if let Some(file) = mode.strip_prefix("write:") {
        let mut g = sleeper_with_pdeathsig();
        let pidfd = PidFd::open(g.pid, PidfdFlags::empty()).unwrap();
        let h = pidfd.to_handle().unwrap();
        let tmp = format!("{file}.tmp");
        std::fs::write(&tmp, xarch_record(&h, g.pid)).unwrap();
        std::fs::rename(&tmp, file).unwrap();
        let mut pfd = libc::pollfd {
            fd: pidfd.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        let n = unsafe { libc::poll(&mut pfd, 1, 60_000) };
        assert_eq!(n, 1, "the reader did not end the child within 60 s");
        assert_eq!(
            waitid_pidfd(pidfd.as_fd(), 0),
            (libc::CLD_KILLED, libc::SIGUSR1),
            "killed by the reader"
        );
        g.forget();
        std::fs::write(format!("{file}.written"), format!("ok {}\n", h.id())).unwrap();
    } else if let Some(file) = mode.strip_prefix("read:") {
        let (h, id, pid, writer) = parse_xarch_record(&std::fs::read_to_string(file).unwrap());
        assert_eq!(h.id(), id, "handle and id written by {writer} agree");
        let child = PidFd::from_handle(&h, OFlags::RDONLY).unwrap();
        assert_eq!(
            child.to_handle().map(|h| h.id()),
            Ok(id),
            "the reopened pidfd has the same 64-bit id"
        );
        assert_eq!(fdinfo_pid(child.as_fd()), pid);
        child.kill(libc::SIGUSR1).unwrap();
        std::fs::write(format!("{file}.read"), format!("ok {id} {}\n", arch())).unwrap();
    } else {
        panic!("{XARCH_ENV}={mode:?}: expected write:<file> or read:<file>");
    }
}

/// `PidFd::to_handle` / `PidFd::from_handle` agree with the free functions
/// and keep no extra fd open; errors leak nothing either.
#[test]
fn pidfd_methods_match_free_functions_no_leak() {
    let supported = handles_supported();
    no_fd_leak(|| {
        let child = Child::sleeper();
        let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
        if !supported {
            assert_eq!(pidfd.to_handle(), Err(Errno::EOPNOTSUPP));
            return;
        }
        let h = pidfd.to_handle().unwrap();
        assert_eq!(pidfd_to_handle(pidfd.as_fd()), Ok(h));
        let a = PidFd::from_handle(&h, OFlags::NONBLOCK).unwrap();
        assert_ne!(fd_flags(a.as_fd()).1 & libc::O_NONBLOCK, 0);
        assert_eq!(dev_ino(a.as_fd()), dev_ino(pidfd.as_fd()));
        let raw: RawFd = a.as_raw_fd();
        assert!(raw >= 0);
        assert_eq!(
            PidFd::from_handle(&h, OFlags::CREAT).err(),
            Some(Errno::EINVAL)
        );
    });
}

/// Round trips stay cheap enough to loop (scaled down in the kernel matrix).
#[test]
fn many_round_trips_same_answer() {
    if !handles_supported() {
        return;
    }
    let n = if common::kernel_matrix() { 50 } else { 2000 };
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let h = pidfd_to_handle(me.as_fd()).unwrap();
    let t = std::time::Instant::now();
    for _ in 0..n {
        let b = pidfd_to_handle(me.as_fd()).unwrap().to_bytes();
        let fd = pidfd_from_handle(&PidfsHandle::from_bytes(&b).unwrap(), OFlags::RDONLY).unwrap();
        assert_eq!(pidfd_to_handle(fd.as_fd()), Ok(h));
    }
    assert!(t.elapsed() < Duration::from_secs(60));
}

/// The 6.14-6.16 fallback of `pidfd_from_handle` (a pidfd of the caller as
/// mount fd instead of `FD_PIDFS_ROOT`), run on this kernel: same process,
/// `O_CLOEXEC` added, `ESTALE` for an unknown id, `EINVAL` for a bad flag,
/// and its temporary pidfd never leaks.
#[test]
fn own_pidfd_fallback_matches_pidfs_root() {
    if !handles_supported() {
        return;
    }
    no_fd_leak(|| {
        let child = Child::sleeper();
        let pidfd = PidFd::open(child.pid, PidfdFlags::empty()).unwrap();
        let h = pidfd.to_handle().unwrap();
        let st = dev_ino(pidfd.as_fd());
        for flags in [
            OFlags::RDONLY,
            OFlags::NONBLOCK,
            OFlags::RDWR | OFlags::EXCL,
        ] {
            let a = pidfs::hooks::pidfd_from_handle_via_own_pidfd(&h, flags).unwrap();
            let b = pidfd_from_handle(&h, flags).unwrap();
            assert_eq!((dev_ino(a.as_fd()), dev_ino(b.as_fd())), (st, st));
            assert_ne!(fd_flags(a.as_fd()).0 & libc::FD_CLOEXEC, 0);
            assert_eq!(
                fd_flags(a.as_fd()).1 & libc::O_NONBLOCK != 0,
                flags.contains(OFlags::NONBLOCK)
            );
        }
        let bogus = PidfsHandle::from_id(u64::MAX);
        let via = pidfs::hooks::pidfd_from_handle_via_own_pidfd(&bogus, OFlags::RDONLY);
        assert_eq!(via.err(), Some(Errno::ESTALE));
        let via = pidfs::hooks::pidfd_from_handle_via_own_pidfd(&h, OFlags::TRUNC);
        assert_eq!(via.err(), Some(Errno::EINVAL));
    });
}

/// `FileHandle` works for any filesystem: a temp file's handle reopens the
/// same file through its directory as mount fd with CAP_DAC_READ_SEARCH
/// (root), `EPERM` without it; a filesystem without export operations
/// answers `EOPNOTSUPP` to `name_to_handle_at`.
#[test]
fn file_handle_of_a_regular_file_reopens_it() {
    use std::io::Read;
    let dir = std::env::temp_dir();
    let path = unique_temp("regular");
    std::fs::write(&path, b"pidfs handle test\n").unwrap();
    let name = std::ffi::CString::new(path.file_name().unwrap().as_encoded_bytes()).unwrap();
    let dirfd = std::fs::File::open(&dir).unwrap();
    let result = name_to_handle_at(dirfd.as_fd(), &name, AtFlags::empty());
    let outcome = match result {
        Err(e) => {
            assert_eq!(
                e,
                Errno::EOPNOTSUPP,
                "{}: no export operations",
                dir.display()
            );
            None
        }
        Ok((fh, _mnt)) => Some(fh),
    };
    if let Some(fh) = outcome {
        assert_ne!(fh.handle_type(), 0xfe, "not a kernfs handle");
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        match open_by_handle_at(dirfd.as_fd(), &fh, OFlags::CLOEXEC) {
            Ok(fd) => {
                assert!(root, "opened without privilege");
                let mut text = String::new();
                std::fs::File::from(fd).read_to_string(&mut text).unwrap();
                assert_eq!(text, "pidfs handle test\n");
            }
            Err(e) => {
                assert!(!root, "root could not open its own file's handle: {e:?}");
                assert_eq!(e, Errno::EPERM);
            }
        }
    }
    std::fs::remove_file(&path).unwrap();
}

/// On kernels without pidfs handles the flags still answer as the kernel
/// that lacks them does: `HANDLE_FID` gives a (non-pidfs) identifier from
/// 6.5 or `EINVAL` before; `HANDLE_MNT_ID_UNIQUE` `EINVAL` before 6.12.
/// With pidfs handles (6.14+), both are accepted.
#[test]
fn handle_flags_on_this_kernel() {
    let me = pidfd_open(pidfs::getpid(), PidfdFlags::empty()).unwrap();
    let fid = name_to_handle_at(me.as_fd(), c"", AtFlags::EMPTY_PATH | AtFlags::HANDLE_FID);
    let uniq = name_to_handle_at(
        me.as_fd(),
        c"",
        AtFlags::EMPTY_PATH | AtFlags::HANDLE_MNT_ID_UNIQUE,
    );
    if handles_supported() {
        let h = pidfd_to_handle(me.as_fd()).unwrap();
        assert_eq!(PidfsHandle::from_file_handle(&fid.unwrap().0), Ok(h));
        assert_eq!(PidfsHandle::from_file_handle(&uniq.unwrap().0), Ok(h));
    } else {
        match fid {
            // 6.5+ encodes an inode-number FID (FILEID_INO32_GEN), no pidfs handle.
            Ok((fh, _)) => assert!(PidfsHandle::from_file_handle(&fh).is_err(), "{fh:?}"),
            Err(e) => assert_eq!(e, Errno::EINVAL),
        }
        match uniq {
            Ok(_) => panic!("MNT_ID_UNIQUE accepted for a pidfd without pidfs handles"),
            Err(e) => assert!(e == Errno::EINVAL || e == Errno::EOPNOTSUPP, "{e:?}"),
        }
    }
}
