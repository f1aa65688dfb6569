//! `Errno`: a kernel error number, decoded once from a raw syscall return.
//!
//! Every syscall in this crate returns `-errno` in `-4095..=-1` on failure;
//! [`decode`](crate::errno) (crate-private) is the one place that turns that into
//! `Err(Errno)`. Values outside the named table stay representable.

use core::fmt;
use core::num::NonZeroU16;

/// A Linux error number (`errno`), stored positive in two bytes.
///
/// `Result<(), Errno>` is two bytes too (the zero niche). Constants keep the
/// kernel's names: `Errno::ESRCH`, `Errno::ENOTTY`. `Debug` prints the name
/// (`Errno(ESRCH)`); `Display` prints the name, the kernel's description
/// and the number (`ESRCH: No such process (os error 3)`), without `std`
/// too.
///
/// `?` from `main` prints the `Debug` form (`Error: Errno(ESRCH)`). For a
/// message with the description, return `std::io::Result<()>` from `main`
/// (`From<Errno> for std::io::Error` makes `?` convert), or print the
/// error with `{}`:
///
/// ```no_run
/// fn main() -> std::io::Result<()> {
///     let pidfd = pidfs::PidFd::open(1, pidfs::PidfdFlags::empty())?;
///     pidfd.kill(0)?;
///     Ok(())
/// }
/// ```
///
/// ```
/// assert_eq!(
///     pidfs::Errno::ESRCH.to_string(),
///     "ESRCH: No such process (os error 3)"
/// );
/// ```
#[repr(transparent)]
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(NonZeroU16);

/// `core::result::Result<T, Errno>`, the return type of every syscall wrapper.
pub type Result<T> = core::result::Result<T, Errno>;

impl Errno {
    const fn from_const(v: u16) -> Errno {
        match NonZeroU16::new(v) {
            Some(n) => Errno(n),
            None => panic!("errno 0"),
        }
    }

    /// `EPERM` (1): Operation not permitted.
    pub const EPERM: Errno = Errno::from_const(1);
    /// `ENOENT` (2): No such file or directory.
    pub const ENOENT: Errno = Errno::from_const(2);
    /// `ESRCH` (3): No such process.
    pub const ESRCH: Errno = Errno::from_const(3);
    /// `EINTR` (4): Interrupted system call.
    pub const EINTR: Errno = Errno::from_const(4);
    /// `EIO` (5): I/O error.
    pub const EIO: Errno = Errno::from_const(5);
    /// `ENXIO` (6): No such device or address.
    pub const ENXIO: Errno = Errno::from_const(6);
    /// `E2BIG` (7): Argument list too long.
    pub const E2BIG: Errno = Errno::from_const(7);
    /// `ENOEXEC` (8): Exec format error.
    pub const ENOEXEC: Errno = Errno::from_const(8);
    /// `EBADF` (9): Bad file number.
    pub const EBADF: Errno = Errno::from_const(9);
    /// `ECHILD` (10): No child processes.
    pub const ECHILD: Errno = Errno::from_const(10);
    /// `EAGAIN` (11): Try again.
    pub const EAGAIN: Errno = Errno::from_const(11);
    /// `ENOMEM` (12): Out of memory.
    pub const ENOMEM: Errno = Errno::from_const(12);
    /// `EACCES` (13): Permission denied.
    pub const EACCES: Errno = Errno::from_const(13);
    /// `EFAULT` (14): Bad address.
    pub const EFAULT: Errno = Errno::from_const(14);
    /// `ENOTBLK` (15): Block device required.
    pub const ENOTBLK: Errno = Errno::from_const(15);
    /// `EBUSY` (16): Device or resource busy.
    pub const EBUSY: Errno = Errno::from_const(16);
    /// `EEXIST` (17): File exists.
    pub const EEXIST: Errno = Errno::from_const(17);
    /// `EXDEV` (18): Cross-device link.
    pub const EXDEV: Errno = Errno::from_const(18);
    /// `ENODEV` (19): No such device.
    pub const ENODEV: Errno = Errno::from_const(19);
    /// `ENOTDIR` (20): Not a directory.
    pub const ENOTDIR: Errno = Errno::from_const(20);
    /// `EISDIR` (21): Is a directory.
    pub const EISDIR: Errno = Errno::from_const(21);
    /// `EINVAL` (22): Invalid argument.
    pub const EINVAL: Errno = Errno::from_const(22);
    /// `ENFILE` (23): File table overflow.
    pub const ENFILE: Errno = Errno::from_const(23);
    /// `EMFILE` (24): Too many open files.
    pub const EMFILE: Errno = Errno::from_const(24);
    /// `ENOTTY` (25): Not a typewriter (inappropriate ioctl).
    pub const ENOTTY: Errno = Errno::from_const(25);
    /// `ETXTBSY` (26): Text file busy.
    pub const ETXTBSY: Errno = Errno::from_const(26);
    /// `EFBIG` (27): File too large.
    pub const EFBIG: Errno = Errno::from_const(27);
    /// `ENOSPC` (28): No space left on device.
    pub const ENOSPC: Errno = Errno::from_const(28);
    /// `ESPIPE` (29): Illegal seek.
    pub const ESPIPE: Errno = Errno::from_const(29);
    /// `EROFS` (30): Read-only file system.
    pub const EROFS: Errno = Errno::from_const(30);
    /// `EMLINK` (31): Too many links.
    pub const EMLINK: Errno = Errno::from_const(31);
    /// `EPIPE` (32): Broken pipe.
    pub const EPIPE: Errno = Errno::from_const(32);
    /// `EDOM` (33): Math argument out of domain of func.
    pub const EDOM: Errno = Errno::from_const(33);
    /// `ERANGE` (34): Math result not representable.
    pub const ERANGE: Errno = Errno::from_const(34);
    /// `EDEADLK` (35): Resource deadlock would occur.
    pub const EDEADLK: Errno = Errno::from_const(35);
    /// `ENAMETOOLONG` (36): File name too long.
    pub const ENAMETOOLONG: Errno = Errno::from_const(36);
    /// `ENOLCK` (37): No record locks available.
    pub const ENOLCK: Errno = Errno::from_const(37);
    /// `ENOSYS` (38): Invalid system call number.
    pub const ENOSYS: Errno = Errno::from_const(38);
    /// `ENOTEMPTY` (39): Directory not empty.
    pub const ENOTEMPTY: Errno = Errno::from_const(39);
    /// `ELOOP` (40): Too many symbolic links encountered.
    pub const ELOOP: Errno = Errno::from_const(40);
    /// `ENOMSG` (42): No message of desired type.
    pub const ENOMSG: Errno = Errno::from_const(42);
    /// `EIDRM` (43): Identifier removed.
    pub const EIDRM: Errno = Errno::from_const(43);
    /// `ECHRNG` (44): Channel number out of range.
    pub const ECHRNG: Errno = Errno::from_const(44);
    /// `EL2NSYNC` (45): Level 2 not synchronized.
    pub const EL2NSYNC: Errno = Errno::from_const(45);
    /// `EL3HLT` (46): Level 3 halted.
    pub const EL3HLT: Errno = Errno::from_const(46);
    /// `EL3RST` (47): Level 3 reset.
    pub const EL3RST: Errno = Errno::from_const(47);
    /// `ELNRNG` (48): Link number out of range.
    pub const ELNRNG: Errno = Errno::from_const(48);
    /// `EUNATCH` (49): Protocol driver not attached.
    pub const EUNATCH: Errno = Errno::from_const(49);
    /// `ENOCSI` (50): No CSI structure available.
    pub const ENOCSI: Errno = Errno::from_const(50);
    /// `EL2HLT` (51): Level 2 halted.
    pub const EL2HLT: Errno = Errno::from_const(51);
    /// `EBADE` (52): Invalid exchange.
    pub const EBADE: Errno = Errno::from_const(52);
    /// `EBADR` (53): Invalid request descriptor.
    pub const EBADR: Errno = Errno::from_const(53);
    /// `EXFULL` (54): Exchange full.
    pub const EXFULL: Errno = Errno::from_const(54);
    /// `ENOANO` (55): No anode.
    pub const ENOANO: Errno = Errno::from_const(55);
    /// `EBADRQC` (56): Invalid request code.
    pub const EBADRQC: Errno = Errno::from_const(56);
    /// `EBADSLT` (57): Invalid slot.
    pub const EBADSLT: Errno = Errno::from_const(57);
    /// `EBFONT` (59): Bad font file format.
    pub const EBFONT: Errno = Errno::from_const(59);
    /// `ENOSTR` (60): Device not a stream.
    pub const ENOSTR: Errno = Errno::from_const(60);
    /// `ENODATA` (61): No data available.
    pub const ENODATA: Errno = Errno::from_const(61);
    /// `ETIME` (62): Timer expired.
    pub const ETIME: Errno = Errno::from_const(62);
    /// `ENOSR` (63): Out of streams resources.
    pub const ENOSR: Errno = Errno::from_const(63);
    /// `ENONET` (64): Machine is not on the network.
    pub const ENONET: Errno = Errno::from_const(64);
    /// `ENOPKG` (65): Package not installed.
    pub const ENOPKG: Errno = Errno::from_const(65);
    /// `EREMOTE` (66): Object is remote.
    pub const EREMOTE: Errno = Errno::from_const(66);
    /// `ENOLINK` (67): Link has been severed.
    pub const ENOLINK: Errno = Errno::from_const(67);
    /// `EADV` (68): Advertise error.
    pub const EADV: Errno = Errno::from_const(68);
    /// `ESRMNT` (69): Srmount error.
    pub const ESRMNT: Errno = Errno::from_const(69);
    /// `ECOMM` (70): Communication error on send.
    pub const ECOMM: Errno = Errno::from_const(70);
    /// `EPROTO` (71): Protocol error.
    pub const EPROTO: Errno = Errno::from_const(71);
    /// `EMULTIHOP` (72): Multihop attempted.
    pub const EMULTIHOP: Errno = Errno::from_const(72);
    /// `EDOTDOT` (73): RFS specific error.
    pub const EDOTDOT: Errno = Errno::from_const(73);
    /// `EBADMSG` (74): Not a data message.
    pub const EBADMSG: Errno = Errno::from_const(74);
    /// `EOVERFLOW` (75): Value too large for defined data type.
    pub const EOVERFLOW: Errno = Errno::from_const(75);
    /// `ENOTUNIQ` (76): Name not unique on network.
    pub const ENOTUNIQ: Errno = Errno::from_const(76);
    /// `EBADFD` (77): File descriptor in bad state.
    pub const EBADFD: Errno = Errno::from_const(77);
    /// `EREMCHG` (78): Remote address changed.
    pub const EREMCHG: Errno = Errno::from_const(78);
    /// `ELIBACC` (79): Can not access a needed shared library.
    pub const ELIBACC: Errno = Errno::from_const(79);
    /// `ELIBBAD` (80): Accessing a corrupted shared library.
    pub const ELIBBAD: Errno = Errno::from_const(80);
    /// `ELIBSCN` (81): .lib section in a.out corrupted.
    pub const ELIBSCN: Errno = Errno::from_const(81);
    /// `ELIBMAX` (82): Attempting to link in too many shared libraries.
    pub const ELIBMAX: Errno = Errno::from_const(82);
    /// `ELIBEXEC` (83): Cannot exec a shared library directly.
    pub const ELIBEXEC: Errno = Errno::from_const(83);
    /// `EILSEQ` (84): Illegal byte sequence.
    pub const EILSEQ: Errno = Errno::from_const(84);
    /// `ERESTART` (85): Interrupted system call should be restarted.
    pub const ERESTART: Errno = Errno::from_const(85);
    /// `ESTRPIPE` (86): Streams pipe error.
    pub const ESTRPIPE: Errno = Errno::from_const(86);
    /// `EUSERS` (87): Too many users.
    pub const EUSERS: Errno = Errno::from_const(87);
    /// `ENOTSOCK` (88): Socket operation on non-socket.
    pub const ENOTSOCK: Errno = Errno::from_const(88);
    /// `EDESTADDRREQ` (89): Destination address required.
    pub const EDESTADDRREQ: Errno = Errno::from_const(89);
    /// `EMSGSIZE` (90): Message too long.
    pub const EMSGSIZE: Errno = Errno::from_const(90);
    /// `EPROTOTYPE` (91): Protocol wrong type for socket.
    pub const EPROTOTYPE: Errno = Errno::from_const(91);
    /// `ENOPROTOOPT` (92): Protocol not available.
    pub const ENOPROTOOPT: Errno = Errno::from_const(92);
    /// `EPROTONOSUPPORT` (93): Protocol not supported.
    pub const EPROTONOSUPPORT: Errno = Errno::from_const(93);
    /// `ESOCKTNOSUPPORT` (94): Socket type not supported.
    pub const ESOCKTNOSUPPORT: Errno = Errno::from_const(94);
    /// `EOPNOTSUPP` (95): Operation not supported on transport endpoint.
    pub const EOPNOTSUPP: Errno = Errno::from_const(95);
    /// `EPFNOSUPPORT` (96): Protocol family not supported.
    pub const EPFNOSUPPORT: Errno = Errno::from_const(96);
    /// `EAFNOSUPPORT` (97): Address family not supported by protocol.
    pub const EAFNOSUPPORT: Errno = Errno::from_const(97);
    /// `EADDRINUSE` (98): Address already in use.
    pub const EADDRINUSE: Errno = Errno::from_const(98);
    /// `EADDRNOTAVAIL` (99): Cannot assign requested address.
    pub const EADDRNOTAVAIL: Errno = Errno::from_const(99);
    /// `ENETDOWN` (100): Network is down.
    pub const ENETDOWN: Errno = Errno::from_const(100);
    /// `ENETUNREACH` (101): Network is unreachable.
    pub const ENETUNREACH: Errno = Errno::from_const(101);
    /// `ENETRESET` (102): Network dropped connection because of reset.
    pub const ENETRESET: Errno = Errno::from_const(102);
    /// `ECONNABORTED` (103): Software caused connection abort.
    pub const ECONNABORTED: Errno = Errno::from_const(103);
    /// `ECONNRESET` (104): Connection reset by peer.
    pub const ECONNRESET: Errno = Errno::from_const(104);
    /// `ENOBUFS` (105): No buffer space available.
    pub const ENOBUFS: Errno = Errno::from_const(105);
    /// `EISCONN` (106): Transport endpoint is already connected.
    pub const EISCONN: Errno = Errno::from_const(106);
    /// `ENOTCONN` (107): Transport endpoint is not connected.
    pub const ENOTCONN: Errno = Errno::from_const(107);
    /// `ESHUTDOWN` (108): Cannot send after transport endpoint shutdown.
    pub const ESHUTDOWN: Errno = Errno::from_const(108);
    /// `ETOOMANYREFS` (109): Too many references: cannot splice.
    pub const ETOOMANYREFS: Errno = Errno::from_const(109);
    /// `ETIMEDOUT` (110): Connection timed out.
    pub const ETIMEDOUT: Errno = Errno::from_const(110);
    /// `ECONNREFUSED` (111): Connection refused.
    pub const ECONNREFUSED: Errno = Errno::from_const(111);
    /// `EHOSTDOWN` (112): Host is down.
    pub const EHOSTDOWN: Errno = Errno::from_const(112);
    /// `EHOSTUNREACH` (113): No route to host.
    pub const EHOSTUNREACH: Errno = Errno::from_const(113);
    /// `EALREADY` (114): Operation already in progress.
    pub const EALREADY: Errno = Errno::from_const(114);
    /// `EINPROGRESS` (115): Operation now in progress.
    pub const EINPROGRESS: Errno = Errno::from_const(115);
    /// `ESTALE` (116): Stale file handle.
    pub const ESTALE: Errno = Errno::from_const(116);
    /// `EUCLEAN` (117): Structure needs cleaning.
    pub const EUCLEAN: Errno = Errno::from_const(117);
    /// `ENOTNAM` (118): Not a XENIX named type file.
    pub const ENOTNAM: Errno = Errno::from_const(118);
    /// `ENAVAIL` (119): No XENIX semaphores available.
    pub const ENAVAIL: Errno = Errno::from_const(119);
    /// `EISNAM` (120): Is a named type file.
    pub const EISNAM: Errno = Errno::from_const(120);
    /// `EREMOTEIO` (121): Remote I/O error.
    pub const EREMOTEIO: Errno = Errno::from_const(121);
    /// `EDQUOT` (122): Quota exceeded.
    pub const EDQUOT: Errno = Errno::from_const(122);
    /// `ENOMEDIUM` (123): No medium found.
    pub const ENOMEDIUM: Errno = Errno::from_const(123);
    /// `EMEDIUMTYPE` (124): Wrong medium type.
    pub const EMEDIUMTYPE: Errno = Errno::from_const(124);
    /// `ECANCELED` (125): Operation Canceled.
    pub const ECANCELED: Errno = Errno::from_const(125);
    /// `ENOKEY` (126): Required key not available.
    pub const ENOKEY: Errno = Errno::from_const(126);
    /// `EKEYEXPIRED` (127): Key has expired.
    pub const EKEYEXPIRED: Errno = Errno::from_const(127);
    /// `EKEYREVOKED` (128): Key has been revoked.
    pub const EKEYREVOKED: Errno = Errno::from_const(128);
    /// `EKEYREJECTED` (129): Key was rejected by service.
    pub const EKEYREJECTED: Errno = Errno::from_const(129);
    /// `EOWNERDEAD` (130): Owner died.
    pub const EOWNERDEAD: Errno = Errno::from_const(130);
    /// `ENOTRECOVERABLE` (131): State not recoverable.
    pub const ENOTRECOVERABLE: Errno = Errno::from_const(131);
    /// `ERFKILL` (132): Operation not possible due to RF-kill.
    pub const ERFKILL: Errno = Errno::from_const(132);
    /// `EHWPOISON` (133): Memory page has hardware error.
    pub const EHWPOISON: Errno = Errno::from_const(133);
    /// `ENOTSUPP` (524): Operation is not supported (kernel-internal value that some paths leak).
    pub const ENOTSUPP: Errno = Errno::from_const(524);
    /// `EWOULDBLOCK`: the same value as [`Errno::EAGAIN`].
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// `EDEADLOCK`: the same value as [`Errno::EDEADLK`].
    pub const EDEADLOCK: Errno = Errno::EDEADLK;
    /// `ENOTSUP`: the same value as [`Errno::EOPNOTSUPP`] in Linux's user ABI.
    pub const ENOTSUP: Errno = Errno::EOPNOTSUPP;

    /// The positive errno value, as `std::io::Error::raw_os_error` gives it.
    #[inline]
    pub const fn raw_os_error(self) -> i32 {
        self.0.get() as i32
    }

    /// Builds an `Errno` from a positive errno value (as in
    /// `std::io::Error::raw_os_error`). A value outside `1..=4095`, which no
    /// kernel returns as an errno, becomes [`Errno::EINVAL`].
    #[inline]
    pub const fn from_raw_os_error(raw: i32) -> Errno {
        if raw >= 1 && raw <= 4095 {
            Errno::from_const(raw as u16)
        } else {
            Errno::EINVAL
        }
    }

    /// The kernel's symbolic name (`"ESRCH"`), or `None` for a value with no
    /// name in Linux's user ABI.
    pub const fn name(self) -> Option<&'static str> {
        Some(match self.0.get() {
            1 => "EPERM",
            2 => "ENOENT",
            3 => "ESRCH",
            4 => "EINTR",
            5 => "EIO",
            6 => "ENXIO",
            7 => "E2BIG",
            8 => "ENOEXEC",
            9 => "EBADF",
            10 => "ECHILD",
            11 => "EAGAIN",
            12 => "ENOMEM",
            13 => "EACCES",
            14 => "EFAULT",
            15 => "ENOTBLK",
            16 => "EBUSY",
            17 => "EEXIST",
            18 => "EXDEV",
            19 => "ENODEV",
            20 => "ENOTDIR",
            21 => "EISDIR",
            22 => "EINVAL",
            23 => "ENFILE",
            24 => "EMFILE",
            25 => "ENOTTY",
            26 => "ETXTBSY",
            27 => "EFBIG",
            28 => "ENOSPC",
            29 => "ESPIPE",
            30 => "EROFS",
            31 => "EMLINK",
            32 => "EPIPE",
            33 => "EDOM",
            34 => "ERANGE",
            35 => "EDEADLK",
            36 => "ENAMETOOLONG",
            37 => "ENOLCK",
            38 => "ENOSYS",
            39 => "ENOTEMPTY",
            40 => "ELOOP",
            42 => "ENOMSG",
            43 => "EIDRM",
            44 => "ECHRNG",
            45 => "EL2NSYNC",
            46 => "EL3HLT",
            47 => "EL3RST",
            48 => "ELNRNG",
            49 => "EUNATCH",
            50 => "ENOCSI",
            51 => "EL2HLT",
            52 => "EBADE",
            53 => "EBADR",
            54 => "EXFULL",
            55 => "ENOANO",
            56 => "EBADRQC",
            57 => "EBADSLT",
            59 => "EBFONT",
            60 => "ENOSTR",
            61 => "ENODATA",
            62 => "ETIME",
            63 => "ENOSR",
            64 => "ENONET",
            65 => "ENOPKG",
            66 => "EREMOTE",
            67 => "ENOLINK",
            68 => "EADV",
            69 => "ESRMNT",
            70 => "ECOMM",
            71 => "EPROTO",
            72 => "EMULTIHOP",
            73 => "EDOTDOT",
            74 => "EBADMSG",
            75 => "EOVERFLOW",
            76 => "ENOTUNIQ",
            77 => "EBADFD",
            78 => "EREMCHG",
            79 => "ELIBACC",
            80 => "ELIBBAD",
            81 => "ELIBSCN",
            82 => "ELIBMAX",
            83 => "ELIBEXEC",
            84 => "EILSEQ",
            85 => "ERESTART",
            86 => "ESTRPIPE",
            87 => "EUSERS",
            88 => "ENOTSOCK",
            89 => "EDESTADDRREQ",
            90 => "EMSGSIZE",
            91 => "EPROTOTYPE",
            92 => "ENOPROTOOPT",
            93 => "EPROTONOSUPPORT",
            94 => "ESOCKTNOSUPPORT",
            95 => "EOPNOTSUPP",
            96 => "EPFNOSUPPORT",
            97 => "EAFNOSUPPORT",
            98 => "EADDRINUSE",
            99 => "EADDRNOTAVAIL",
            100 => "ENETDOWN",
            101 => "ENETUNREACH",
            102 => "ENETRESET",
            103 => "ECONNABORTED",
            104 => "ECONNRESET",
            105 => "ENOBUFS",
            106 => "EISCONN",
            107 => "ENOTCONN",
            108 => "ESHUTDOWN",
            109 => "ETOOMANYREFS",
            110 => "ETIMEDOUT",
            111 => "ECONNREFUSED",
            112 => "EHOSTDOWN",
            113 => "EHOSTUNREACH",
            114 => "EALREADY",
            115 => "EINPROGRESS",
            116 => "ESTALE",
            117 => "EUCLEAN",
            118 => "ENOTNAM",
            119 => "ENAVAIL",
            120 => "EISNAM",
            121 => "EREMOTEIO",
            122 => "EDQUOT",
            123 => "ENOMEDIUM",
            124 => "EMEDIUMTYPE",
            125 => "ECANCELED",
            126 => "ENOKEY",
            127 => "EKEYEXPIRED",
            128 => "EKEYREVOKED",
            129 => "EKEYREJECTED",
            130 => "EOWNERDEAD",
            131 => "ENOTRECOVERABLE",
            132 => "ERFKILL",
            133 => "EHWPOISON",
            524 => "ENOTSUPP",
            _ => return None,
        })
    }

    /// The kernel's description of the error (its UAPI header comment:
    /// `"No such process"` for `ESRCH`), or `None` for a value with no name.
    /// The same table with and without `std` (no libc `strerror`).
    pub const fn description(self) -> Option<&'static str> {
        Some(match self.0.get() {
            1 => "Operation not permitted",
            2 => "No such file or directory",
            3 => "No such process",
            4 => "Interrupted system call",
            5 => "I/O error",
            6 => "No such device or address",
            7 => "Argument list too long",
            8 => "Exec format error",
            9 => "Bad file number",
            10 => "No child processes",
            11 => "Try again",
            12 => "Out of memory",
            13 => "Permission denied",
            14 => "Bad address",
            15 => "Block device required",
            16 => "Device or resource busy",
            17 => "File exists",
            18 => "Cross-device link",
            19 => "No such device",
            20 => "Not a directory",
            21 => "Is a directory",
            22 => "Invalid argument",
            23 => "File table overflow",
            24 => "Too many open files",
            25 => "Not a typewriter (inappropriate ioctl)",
            26 => "Text file busy",
            27 => "File too large",
            28 => "No space left on device",
            29 => "Illegal seek",
            30 => "Read-only file system",
            31 => "Too many links",
            32 => "Broken pipe",
            33 => "Math argument out of domain of func",
            34 => "Math result not representable",
            35 => "Resource deadlock would occur",
            36 => "File name too long",
            37 => "No record locks available",
            38 => "Invalid system call number",
            39 => "Directory not empty",
            40 => "Too many symbolic links encountered",
            42 => "No message of desired type",
            43 => "Identifier removed",
            44 => "Channel number out of range",
            45 => "Level 2 not synchronized",
            46 => "Level 3 halted",
            47 => "Level 3 reset",
            48 => "Link number out of range",
            49 => "Protocol driver not attached",
            50 => "No CSI structure available",
            51 => "Level 2 halted",
            52 => "Invalid exchange",
            53 => "Invalid request descriptor",
            54 => "Exchange full",
            55 => "No anode",
            56 => "Invalid request code",
            57 => "Invalid slot",
            59 => "Bad font file format",
            60 => "Device not a stream",
            61 => "No data available",
            62 => "Timer expired",
            63 => "Out of streams resources",
            64 => "Machine is not on the network",
            65 => "Package not installed",
            66 => "Object is remote",
            67 => "Link has been severed",
            68 => "Advertise error",
            69 => "Srmount error",
            70 => "Communication error on send",
            71 => "Protocol error",
            72 => "Multihop attempted",
            73 => "RFS specific error",
            74 => "Not a data message",
            75 => "Value too large for defined data type",
            76 => "Name not unique on network",
            77 => "File descriptor in bad state",
            78 => "Remote address changed",
            79 => "Can not access a needed shared library",
            80 => "Accessing a corrupted shared library",
            81 => ".lib section in a.out corrupted",
            82 => "Attempting to link in too many shared libraries",
            83 => "Cannot exec a shared library directly",
            84 => "Illegal byte sequence",
            85 => "Interrupted system call should be restarted",
            86 => "Streams pipe error",
            87 => "Too many users",
            88 => "Socket operation on non-socket",
            89 => "Destination address required",
            90 => "Message too long",
            91 => "Protocol wrong type for socket",
            92 => "Protocol not available",
            93 => "Protocol not supported",
            94 => "Socket type not supported",
            95 => "Operation not supported on transport endpoint",
            96 => "Protocol family not supported",
            97 => "Address family not supported by protocol",
            98 => "Address already in use",
            99 => "Cannot assign requested address",
            100 => "Network is down",
            101 => "Network is unreachable",
            102 => "Network dropped connection because of reset",
            103 => "Software caused connection abort",
            104 => "Connection reset by peer",
            105 => "No buffer space available",
            106 => "Transport endpoint is already connected",
            107 => "Transport endpoint is not connected",
            108 => "Cannot send after transport endpoint shutdown",
            109 => "Too many references: cannot splice",
            110 => "Connection timed out",
            111 => "Connection refused",
            112 => "Host is down",
            113 => "No route to host",
            114 => "Operation already in progress",
            115 => "Operation now in progress",
            116 => "Stale file handle",
            117 => "Structure needs cleaning",
            118 => "Not a XENIX named type file",
            119 => "No XENIX semaphores available",
            120 => "Is a named type file",
            121 => "Remote I/O error",
            122 => "Quota exceeded",
            123 => "No medium found",
            124 => "Wrong medium type",
            125 => "Operation Canceled",
            126 => "Required key not available",
            127 => "Key has expired",
            128 => "Key has been revoked",
            129 => "Key was rejected by service",
            130 => "Owner died",
            131 => "State not recoverable",
            132 => "Operation not possible due to RF-kill",
            133 => "Memory page has hardware error",
            524 => "Operation is not supported",
            _ => return None,
        })
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => write!(f, "Errno({n})"),
            None => write!(f, "Errno({})", self.0.get()),
        }
    }
}

/// `ESRCH: No such process (os error 3)`: the name, the kernel's
/// description and the number, with and without `std`; `os error N` for a
/// value with no name.
impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.name(), self.description()) {
            (Some(n), Some(d)) => write!(f, "{n}: {d} (os error {})", self.0.get()),
            (Some(n), None) => write!(f, "{n} (os error {})", self.0.get()),
            _ => write!(f, "os error {}", self.0.get()),
        }
    }
}

/// An `Errno` is an error (`core::error::Error`, so `std::error::Error`
/// with `std`): `Box<dyn Error>` and error crates take it as is.
impl core::error::Error for Errno {}

#[cfg(feature = "std")]
impl From<Errno> for std::io::Error {
    fn from(e: Errno) -> std::io::Error {
        std::io::Error::from_raw_os_error(e.raw_os_error())
    }
}

#[cfg(feature = "std")]
impl TryFrom<&std::io::Error> for Errno {
    type Error = ();
    /// The errno inside an OS error; `Err(())` for errors that carry none.
    fn try_from(e: &std::io::Error) -> core::result::Result<Errno, ()> {
        match e.raw_os_error() {
            Some(v) if (1..=4095).contains(&v) => Ok(Errno::from_raw_os_error(v)),
            _ => Err(()),
        }
    }
}

/// The one decoder: a raw return in `-4095..=-1` is an error.
#[inline(always)]
pub(crate) fn decode(ret: crate::arch::Ret) -> Result<usize> {
    let r = ret.0;
    if r > (-4096isize) as usize {
        // `r` is in -4095..=-1, so `-r` fits in 1..=4095.
        Err(Errno::from_const((r as isize).wrapping_neg() as u16))
    } else {
        Ok(r)
    }
}

/// Decoder for syscalls that return an fd (or another non-negative `int`):
/// only the sign matters.
#[inline(always)]
pub(crate) fn decode_int(ret: crate::arch::Ret) -> Result<i32> {
    decode(ret).map(|v| v as i32)
}

/// Decoder for syscalls that return 0 on success.
#[inline(always)]
pub(crate) fn decode_void(ret: crate::arch::Ret) -> Result<()> {
    decode(ret).map(|_| ())
}

/// Calls `f` again while it fails with `EINTR`.
///
/// Never use it around `close`: a failed close has already released the fd.
#[inline]
pub fn retry_on_intr<T>(mut f: impl FnMut() -> Result<T>) -> Result<T> {
    loop {
        match f() {
            Err(Errno::EINTR) => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Ret;

    /// Every raw return in -4095..=-1 decodes to the positive errno, and
    /// everything else is a success value.
    #[test]
    fn every_raw_error_decodes() {
        for e in 1..=4095usize {
            let raw = (e as isize).wrapping_neg() as usize;
            assert_eq!(decode(Ret(raw)).unwrap_err().raw_os_error(), e as i32);
        }
        assert_eq!(decode(Ret(0)), Ok(0));
        assert_eq!(
            decode(Ret((-4096isize) as usize)),
            Ok((-4096isize) as usize)
        );
        assert_eq!(decode(Ret(usize::MAX / 2)), Ok(usize::MAX / 2));
    }

    #[test]
    fn names_and_layout() {
        assert_eq!(core::mem::size_of::<Errno>(), 2);
        assert_eq!(core::mem::size_of::<Result<()>>(), 2);
        assert_eq!(std::format!("{:?}", Errno::ESRCH), "Errno(ESRCH)");
        assert_eq!(
            std::format!("{:?}", Errno::from_raw_os_error(1000)),
            "Errno(1000)"
        );
        assert_eq!(
            std::format!("{}", Errno::EBADF),
            "EBADF: Bad file number (os error 9)"
        );
        assert_eq!(
            std::format!("{}", Errno::ESRCH),
            "ESRCH: No such process (os error 3)"
        );
        assert_eq!(
            std::format!("{}", Errno::from_raw_os_error(1000)),
            "os error 1000"
        );
        // Every named errno has a description, and only those.
        for v in 1..=4095 {
            let e = Errno::from_raw_os_error(v);
            assert_eq!(e.name().is_some(), e.description().is_some(), "{v}");
        }
        assert_eq!(Errno::ENOTSUP, Errno::EOPNOTSUPP);
        assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
        assert_eq!(Errno::from_raw_os_error(0), Errno::EINVAL);
        assert_eq!(Errno::from_raw_os_error(-3), Errno::EINVAL);
        assert_eq!(Errno::from_raw_os_error(5000), Errno::EINVAL);
        // The named table agrees with libc's values.
        for (e, l) in [
            (Errno::ESRCH, libc::ESRCH),
            (Errno::ENOTTY, libc::ENOTTY),
            (Errno::ESTALE, libc::ESTALE),
            (Errno::EOPNOTSUPP, libc::EOPNOTSUPP),
            (Errno::EREMOTE, libc::EREMOTE),
            (Errno::EOVERFLOW, libc::EOVERFLOW),
            (Errno::EHWPOISON, libc::EHWPOISON),
        ] {
            assert_eq!(e.raw_os_error(), l);
        }
    }

    /// `Errno` -> `std::io::Error` -> `Errno` is the identity for every
    /// value a kernel can return.
    #[cfg(feature = "std")]
    #[test]
    fn roundtrip_through_io_error() {
        for v in 1..=4095 {
            let e = Errno::from_raw_os_error(v);
            let io: std::io::Error = e.into();
            assert_eq!(io.raw_os_error(), Some(v));
            assert_eq!(Errno::try_from(&io), Ok(e));
        }
        let custom = std::io::Error::other("x");
        assert_eq!(Errno::try_from(&custom), Err(()));
        assert_eq!(
            std::io::Error::from(Errno::ENOENT).kind(),
            std::io::ErrorKind::NotFound
        );
    }

    #[test]
    fn retry_on_intr_retries_only_eintr() {
        let mut n = 0;
        let r: Result<()> = retry_on_intr(|| {
            n += 1;
            if n < 3 {
                Err(Errno::EINTR)
            } else {
                Err(Errno::EAGAIN)
            }
        });
        assert_eq!((r, n), (Err(Errno::EAGAIN), 3));
    }
}
